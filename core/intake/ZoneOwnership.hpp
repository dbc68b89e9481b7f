// Which source may change which zone (zones.ownership). Every zone has an owner, the principal
// whose change created it or the one the operator gave it to:
//
//   rest                          the operator's REST API (sources "rest" and "rollback")
//   directadmin:da1.example.com   an ingestion that names the host a change came from: one owner
//                                 per DirectAdmin server, as DirectAdmin clusters expect
//   hosts                         an ingestion that names no host
//
// The owner is the principal of the zone's current version's origin (source, host): derived, not
// a column of its own, so it is kept with every version in both stores and travels with
// replication (a replicated version carries the origin it was made with). An absent or deleted
// zone has no owner (a delete frees the name), nor has a version replicated by a dadns that did
// not carry origins yet (source "swim").
//
// per_source (the default): a change from another principal than the owner is refused
// (ZoneOwnedElsewhere: HTTP 409, a permanent error for plugins) and changes nothing. The
// operator's API may act for any principal by naming it (?owner=): the change is made as that
// principal's, so it edits a zone for its owner, takes it (owner=rest) or hands it over.
// Replicated changes are not checked: the node where the change was made checked it.
// shared: every source may change every zone (dadns before owners).
#pragma once

#include "core/store/ZoneStore.hpp"
#include "core/util/Errors.hpp"

#include <optional>
#include <string>

namespace dadns {

enum class OwnershipRule { PerSource, Shared };

// "per_source" or "shared"; std::nullopt for anything else.
std::optional<OwnershipRule> parseOwnershipRule(const std::string& text);

// The principal of an origin, lower case; "" when it names nobody.
std::string principalOf(const ZoneOrigin& origin);

// The zone's owner; "" for an absent, deleted or unowned zone.
std::string zoneOwner(const std::optional<ZoneState>& current);

// A principal as the operator names one (?owner=): "rest", a source ("hosts") or
// "source:host" ("directadmin:da1.example.com"). Returns it lower case; throws InvalidInput
// saying what is wrong.
std::string checkPrincipal(const std::string& principal);

// The origin of a change the operator's API makes for principal: the principal's source and
// host, user "rest:<api user>" saying who made it. Marked ownerGivenByOperator.
ZoneOrigin originActingFor(const std::string& principal, const std::string& apiUser, const std::string& remoteAddress);

struct ZoneOwnedElsewhere : HttpError {
    ZoneOwnedElsewhere(const std::string& zone, const std::string& owner, const std::string& principal);
    std::string owner;
};

class ZoneOwnership {
public:
    explicit ZoneOwnership(OwnershipRule rule = OwnershipRule::PerSource) : rule_(rule) {}

    OwnershipRule rule() const { return rule_; }

    // Throws ZoneOwnedElsewhere when origin may not change the zone whose state is current.
    void check(const std::string& zone, const std::optional<ZoneState>& current, const ZoneOrigin& origin) const;
    // The same, reading the zone's state from store when the rule needs it; stamp is the
    // change's replication stamp (a replicated change is not checked).
    void check(ZoneStore& store, const std::string& zone, const ZoneOrigin& origin, const std::string& stamp) const;

private:
    OwnershipRule rule_;
};

} // namespace dadns
