// What the workload believes each zone holds: the records of the last acknowledged change (or
// that the zone is deleted), as the canonical strings the checker compares backends with.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace dadns::soak {

// One record; owner relative to the zone ("@" is the apex), rdata with absolute names.
struct Rec {
    std::string owner;
    unsigned ttl = 300;
    std::string type;
    std::string rdata;
};

// "owner. ttl type rdata", lower case, the SOA without its serial (backends differ on serials
// and the CoreDNS table has none).
std::string canonical(const std::string& ownerFqdn, const std::string& ttl, const std::string& type, const std::string& rdata);
std::string canonical(const Rec& rec, const std::string& zone);

// Master file text of the records, with $TTL and relative owners (REST) or tab-separated with
// absolute apex owners (what DirectAdmin sends).
std::string zoneText(const std::string& zone, const std::vector<Rec>& records, bool directAdminStyle = false);

// The zone a writer generates for version `version`: SOA, NS, www/mail, MX, TXT and a few AAAA.
std::vector<Rec> generatedZone(const std::string& zone, unsigned version);

struct ZoneExpect {
    bool present = false;
    std::set<std::string> records;  // canonical
    std::set<std::string> types;    // compared types; empty = every type
};

// The expected final state of every zone the workload touched. Each zone has one writer, so
// "last acknowledged" is well defined.
class ExpectedState {
public:
    void set(const std::string& zone, ZoneExpect expect);
    std::map<std::string, ZoneExpect> snapshot() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, ZoneExpect> zones_;
};

ZoneExpect expectOf(const std::string& zone, const std::vector<Rec>& records);

} // namespace dadns::soak
