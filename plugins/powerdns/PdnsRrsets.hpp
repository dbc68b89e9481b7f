// A zone as PowerDNS rrsets, what PowerDNS holds for it, and the one PATCH that turns the one
// into the other.
#pragma once

#include <dadns/sdk.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dadns::powerdns {

struct Rrset {
    std::string name;                  // absolute, lower case, trailing dot
    std::string type;
    uint32_t ttl = 0;
    std::vector<std::string> contents; // PowerDNS content strings, sorted, no duplicates
};

// Keyed by "<name> <type>".
struct ZoneRrsets {
    std::map<std::string, Rrset> sets;
    int64_t recordCount() const;
};

// What is compared to decide what to send: per rrset key, a hash of its TTL and contents.
// Small enough to keep for every zone, so a change needs no read before its PATCH.
using Fingerprint = std::vector<std::pair<std::string, uint64_t>>; // sorted by key

// The rrsets a zone becomes. Records of one name and type form one rrset with the smallest of
// their TTLs; duplicates collapse. When the zone has no apex NS, nameservers become it.
ZoneRrsets desiredRrsets(const sdk::Zone& zone, const std::vector<std::string>& nameservers);

// The rrsets of a zone as PowerDNS's GET (or POST) answer lists them. Disabled records are
// left out: PowerDNS does not serve them, so an rrset holding one differs from the desired one.
ZoneRrsets parseZone(const std::string& json);


// The records of the rrsets, class IN, each with its rrset's TTL.
std::vector<sdk::Record> toRecords(const ZoneRrsets& zone);

// With soa_edit_api PowerDNS writes SOA serials of its own. The held SOA takes the serial of
// pushedSoa (the SOA content dadns sent) when nothing else in it differs.
void keepPushedSerial(ZoneRrsets& held, const std::string& pushedSoa);

// ignoreSoaSerial: PowerDNS edits the serial itself (soa_edit_api), so it is not compared.
Fingerprint fingerprint(const ZoneRrsets& zone, bool ignoreSoaSerial);

// The PATCH body making a zone whose fingerprint is current hold desired: DELETE for rrsets
// that are gone, REPLACE for new or different ones. Empty when nothing differs.
std::string patchBody(const ZoneRrsets& desired, const Fingerprint& desiredPrint, const Fingerprint& current, size_t& changedRrsets);

// The POST body creating the zone with all its rrsets at once.
std::string createBody(const std::string& zoneFqdn, const std::string& kind, const std::string& soaEditApi, const ZoneRrsets& desired);

} // namespace dadns::powerdns
