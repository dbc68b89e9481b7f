#include "core/zone/ZoneRules.hpp"

#include "core/util/Errors.hpp"

#include <map>
#include <set>
#include <string>

namespace dadns {
namespace {

struct OwnerData {
    std::set<std::string> types;
    size_t cnames = 0;
};

bool allowedBesideCname(const std::string& type) { return type == "CNAME" || type == "RRSIG" || type == "NSEC"; }

} // namespace

void checkZoneRules(const sdk::Zone& zone) {
    const std::string apex = zone.name + ".";
    auto broken = [&](const std::string& why) { throw InvalidInput(zone.name + ": " + why); };
    size_t soas = 0, apexNs = 0;
    std::map<std::string, OwnerData> owners;
    std::map<std::pair<std::string, std::string>, uint32_t> rrsetTtl;
    for (const auto& r : zone.records) {
        if (r.type == "SOA") {
            if (r.owner != apex) broken("the SOA record of " + r.owner + " is not at the zone's apex " + apex);
            if (++soas > 1) broken("more than one SOA record at the apex; a zone has exactly one");
        }
        if (r.type == "NS" && r.owner == apex) ++apexNs;
        OwnerData& o = owners[r.owner];
        o.types.insert(r.type);
        if (r.type == "CNAME") ++o.cnames;
        auto [ttl, first] = rrsetTtl.emplace(std::make_pair(r.owner, r.type), r.ttl);
        if (!first && ttl->second != r.ttl)
            broken("the " + r.type + " records of " + r.owner + " have different TTLs (" + std::to_string(ttl->second) + " and " +
                   std::to_string(r.ttl) + "); the records of one name and type share one TTL");
    }
    if (soas == 0) broken("no SOA record at the apex " + apex + "; a zone needs exactly one");
    if (apexNs == 0) broken("no NS record at the apex " + apex + "; a zone needs at least one");
    for (const auto& [owner, data] : owners) {
        if (data.cnames == 0) continue;
        if (data.cnames > 1) broken(owner + " has more than one CNAME record; an alias points to one name");
        for (const auto& type : data.types)
            if (!allowedBesideCname(type)) broken(owner + " has a CNAME and a " + type + " record; a CNAME owner holds no other data");
    }
}

} // namespace dadns
