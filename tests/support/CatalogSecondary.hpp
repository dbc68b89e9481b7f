// named and catalog zones (RFC 9432, schema version 2) on loopback: a primary that serves
// catalogs and their member zones to holders of one TSIG key only and NOTIFYs a secondary, and
// that secondary as a catalog consumer, which serves every member of the catalogs it consumes.
// The grammar is BIND 9.18's, checked against named 9.18:
//   - primary options: notify explicit; also-notify { 127.0.0.1 port S key "k"; }; notify-delay 0;
//     allow-transfer { key "k"; }; allow-new-zones yes; (the last for rndc addzone)
//   - consumer options: notify no; catalog-zones { zone "cat" default-primaries { 127.0.0.1 port P
//     key "k"; } in-memory no min-update-interval 1; ... }; and per catalog a zone "cat" { type
//     secondary; primaries { ... key "k"; }; file "cat.sec"; }; (no allow-new-zones needed).
// How named 9.18 consumes catalogs (its log texts, at severity info unless said otherwise):
//   - a catalog is applied at most once per min-update-interval (default 5 s; "catz: <cat>: new
//     zone version came too soon, deferring update for N seconds"), then "catz: updating catalog
//     zone '<cat>' with serial N", "catz: adding zone '<m>' from catalog '<cat>' - success",
//     "catz: deleting zone '<m>' from catalog '<cat>' - success", "catz: <cat>: reload done".
//   - a member is transferred from the default-primaries about half a second after it is added
//     (or at once on a NOTIFY for it); until then it answers SERVFAIL; a removed member is deleted
//     with its file and answers REFUSED.
//   - change of ownership: catalog A lists member M under id I with "coo.I.zones.A PTR B."; when
//     B (any id for M) is applied after that, M moves to B: "catz: zone 'M' change of ownership
//     from 'A' to 'B'" (debug level 3: rndc trace 3), then "deleting zone 'M' from catalog 'A'"
//     and "adding zone 'M' from catalog 'B'". M is deleted and added again: it answers SERVFAIL
//     until it is transferred again (half a second). Removing M from A afterwards logs
//     "catz_delzone_taskaction: zone 'M' exists in multiple catalog zones" and keeps it.
//   - if B is applied before A's coo, M stays with A ("catz_addmodzone_taskaction: zone 'M' will
//     not be added because another catalog zone already contains an entry with that zone"); the
//     next version of B then deletes M without adding it, and only the one after adds it again.
#pragma once

#include "support/NamedServer.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dadns::test {

// The options of a primary for catalogs: only key may transfer, NOTIFYs go to the secondary on
// secondaryPort (signed with key), rndc addzone works.
std::string catalogPrimaryOptions(int secondaryPort, const TsigKey& key);
// Before start(): makes primary such a primary (options and key).
void configureCatalogPrimary(NamedServer& primary, const NamedServer& secondary, const TsigKey& key);

// A secondary that consumes catalogs from the primary on primaryPort, transferring the catalogs
// and their members with key.
class CatalogSecondary {
public:
    CatalogSecondary(std::vector<std::string> catalogs, int primaryPort, TsigKey key);

    // Seconds between two applied versions of a catalog (named's default: 5).
    void setMinUpdateInterval(int seconds) { minUpdateInterval_ = seconds; }

    // For NamedServer::setOptions: "notify no; catalog-zones { ... };".
    std::string options() const;
    // For NamedServer::setExtraConfig: a secondary zone per catalog.
    std::string zones() const;
    // Before start(): sets secondary's options, key and extra config (replacing any).
    void configure(NamedServer& secondary) const;

private:
    std::vector<std::string> catalogs_;
    int primaryPort_;
    TsigKey key_;
    int minUpdateInterval_ = 1;
};

// A member of a hand-written catalog: "<id>.zones PTR <zone>.", and with coo set
// "coo.<id>.zones PTR <coo>." (the catalog that takes it over).
struct CatalogMember {
    std::string id;
    std::string zone;
    std::string coo;
};
// A version 2 catalog zone's master file: SOA invalid. invalid. serial, NS invalid., version "2".
std::string catalogZoneText(uint32_t serial, const std::vector<CatalogMember>& members);

// A catalog as read from its transfer (NamedServer::transfer).
struct CatalogContent {
    std::optional<uint32_t> serial;
    std::vector<std::string> ns;          // NS targets at the apex
    std::vector<std::string> versions;    // the version TXT rdata, e.g. "\"2\""
    std::map<std::string, std::string> members; // member zone (no trailing dot) -> id
    std::map<std::string, int> ptrsPerMember;   // member zone -> how many "<id>.zones" PTRs name it
    std::map<std::string, std::string> coo;     // id -> catalog named by coo.<id>.zones (no dot)
    std::vector<std::string> unexpected;  // records that are none of the above
};
CatalogContent readCatalog(const std::set<std::string>& transfer, const std::string& catalog);

// Whether named's log shows the catalog applied at this serial ("updating catalog zone ...
// with serial N", then "catz: <cat>: reload done").
bool catalogApplied(const std::string& namedLog, const std::string& catalog, uint32_t serial);

} // namespace dadns::test
