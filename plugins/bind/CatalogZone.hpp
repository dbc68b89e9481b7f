// A catalog zone (RFC 9432, schema version 2) listing the zones of a bind backend, so that
// secondaries configured as its consumers (BIND's catalog-zones, Knot, NSD, PowerDNS) add,
// transfer and drop those zones on their own.
//
// Each member is `<id>.zones.<catalog> PTR <zone>.`, id a hash of the zone's name: stable, so a
// rewrite of the catalog changes only the members that changed. A catalog published before
// under another name (`catalog_previous`) keeps its members with `coo` (change of ownership)
// pointing at the new catalog, so consumers move each zone without dropping and transferring
// it again.
#pragma once

#include <cstdint>
#include <ctime>
#include <set>
#include <string>

namespace dadns::bind {

// The member's unique id label: SHA-1 of the zone name, in hex.
std::string catalogMemberId(const std::string& zone);

// The catalog's master file text. movedTo: "" for the current catalog; for a previous one, the
// catalog its members moved to (each member gets `coo.<id>.zones PTR <movedTo>.`).
std::string renderCatalog(const std::string& catalog, uint32_t serial, const std::set<std::string>& members,
                          const std::string& movedTo = "");

// Whether path is a catalog file renderCatalog wrote (its first line says so).
bool isCatalogFile(const std::string& path);
// Whether the catalog file lists any member (coo lines aside); false when there is no file.
bool catalogListsMembers(const std::string& path);
// The SOA serial of a catalog file renderCatalog wrote; 0 when there is none or it cannot be read.
uint32_t readCatalogSerial(const std::string& path);
// The serial a new version gets: the time, or one more than the last when that is later (several
// versions in one second, a clock set back), so consumers always see it grow.
uint32_t nextCatalogSerial(uint32_t last, std::time_t now);

} // namespace dadns::bind
