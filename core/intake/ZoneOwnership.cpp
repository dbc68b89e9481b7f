#include "core/intake/ZoneOwnership.hpp"

#include "core/zone/ZoneName.hpp"

#include <algorithm>
#include <cctype>

namespace dadns {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool sourceName(const std::string& s) {
    return !s.empty() && s.size() <= 64 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_' || c == '-'; });
}

std::string describe(const std::string& principal) { return principal.empty() ? std::string("a source that names no owner") : principal; }

} // namespace

std::optional<OwnershipRule> parseOwnershipRule(const std::string& text) {
    std::string t = lower(text);
    if (t == "per_source") return OwnershipRule::PerSource;
    if (t == "shared") return OwnershipRule::Shared;
    return std::nullopt;
}

std::string principalOf(const ZoneOrigin& origin) {
    std::string source = lower(origin.source);
    if (source == "rest" || source == "rollback") return "rest"; // the operator; host is the client's address
    if (source.empty() || source == "swim") return "";         // replicated without its origin: nobody's
    if (origin.host.empty()) return source;
    return source + ":" + lower(origin.host);
}

std::string zoneOwner(const std::optional<ZoneState>& current) {
    if (!current || current->deleted) return "";
    return principalOf(current->origin);
}

namespace {

void refuseOtherPrincipal(const std::string& zone, const std::string& owner, const ZoneOrigin& origin) {
    if (owner.empty()) return; // a new name, a deleted zone, or nobody's: the change makes it its own
    std::string principal = principalOf(origin);
    if (principal != owner) throw ZoneOwnedElsewhere(zone, owner, principal);
}

} // namespace

std::string checkPrincipal(const std::string& principal) {
    std::string p = lower(principal);
    auto colon = p.find(':');
    std::string source = p.substr(0, colon);
    if (!sourceName(source))
        throw InvalidInput("owner must be rest, a source (hosts) or source:host (directadmin:da1.example.com); '" + source +
                           "' is not a source name (a-z, 0-9, '_', '-')");
    if (source == "swim" || source == "rollback") throw InvalidInput("owner '" + source + "' names no owner; use rest, a source or source:host");
    if (colon == std::string::npos) return p;
    if (source == "rest") throw InvalidInput("owner rest takes no host");
    try {
        return source + ":" + normalizeZoneName(p.substr(colon + 1));
    } catch (const InvalidInput& e) {
        throw InvalidInput(std::string("owner: the host after ':' must be a host name: ") + e.what());
    }
}

ZoneOrigin originActingFor(const std::string& principal, const std::string& apiUser, const std::string& remoteAddress) {
    std::string p = checkPrincipal(principal);
    ZoneOrigin o;
    auto colon = p.find(':');
    if (p == "rest") {
        o = {"rest", remoteAddress, apiUser};
    } else {
        o = {p.substr(0, colon), colon == std::string::npos ? std::string() : p.substr(colon + 1), "rest:" + apiUser};
    }
    o.ownerGivenByOperator = true;
    return o;
}

ZoneOwnedElsewhere::ZoneOwnedElsewhere(const std::string& zone, const std::string& owner, const std::string& principal)
    : HttpError(409, "zone " + zone + " belongs to " + owner + "; " + describe(principal) +
                         " may not change it (zones.ownership: per_source)" +
                         (principal == "rest" ? ". Add ?owner=" + owner + " to change it for its owner, or ?owner=rest to take it over"
                                              : std::string())),
      owner(owner) {}

void ZoneOwnership::check(const std::string& zone, const std::optional<ZoneState>& current, const ZoneOrigin& origin) const {
    if (rule_ == OwnershipRule::Shared || origin.ownerGivenByOperator) return;
    refuseOtherPrincipal(zone, zoneOwner(current), origin);
}

void ZoneOwnership::check(ZoneStore& store, const std::string& zone, const ZoneOrigin& origin, const std::string& stamp) const {
    if (rule_ == OwnershipRule::Shared || origin.ownerGivenByOperator || !stamp.empty()) return;
    auto active = store.activeOrigin(zone);
    refuseOtherPrincipal(zone, active ? principalOf(*active) : std::string(), origin);
}

} // namespace dadns
