// The records of a managed zone as the hosts plugin edits them: the zone's canonical text (one
// record per line, absolute owners, as the daemon hands it out) read into lines, hosts' address
// records replaced or removed, PTRs kept in reverse zones, and the SOA serial moved on in the
// YYYYMMDDnn convention.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dadns::hosts {

struct ZoneLine {
    std::string owner; // absolute, lower case, trailing dot
    uint32_t ttl = 0;
    std::string type;  // upper case
    std::string rdata; // the rest of the line, as written
};

struct HostRecord {
    std::vector<std::string> ips; // A and AAAA contents, sorted
    uint32_t ttl = 0;
};

class ZoneLines {
public:
    // origin without the trailing dot ("managed.example").
    ZoneLines(std::string origin, const std::string& canonicalText);

    // A new zone: SOA (first nameserver, hostmaster@zone, serial for today) and NS records.
    static ZoneLines fresh(const std::string& origin, const std::vector<std::string>& nameservers, uint32_t ttl, const std::string& today);

    // Replaces fqdn's records of type (A or AAAA) by ones with ips; true when anything changed.
    bool setAddresses(const std::string& fqdn, const std::string& type, const std::vector<std::string>& ips, uint32_t ttl);
    // Removes fqdn's A and AAAA records; the addresses removed, sorted.
    std::vector<std::string> removeAddresses(const std::string& fqdn);
    // PTR at owner pointing to target: set (replacing other PTRs there) or removed.
    bool setPtr(const std::string& owner, const std::string& target, uint32_t ttl);
    bool removePtr(const std::string& owner, const std::string& target);

    bool has(const std::string& owner, const std::string& type) const;
    bool hasAny(const std::string& owner) const; // a record of any type

    // Who manages fqdn's addresses, from its owner record: a TXT at "_dadns-owner.<fqdn>"
    // holding e.g. "docker@dns1" (a source and the node it runs on). It is part of the zone, so
    // it survives restarts and travels with the zone to peer nodes. A name without one belongs
    // to host registration and the hosts file, as before owners were kept.
    std::optional<std::string> owner(const std::string& fqdn) const;
    // Sets (true when it changed) or removes fqdn's owner record.
    bool setOwner(const std::string& fqdn, const std::string& owner, uint32_t ttl);
    bool removeOwner(const std::string& fqdn);
    // The names whose owner record says owner.
    std::vector<std::string> namesOwnedBy(const std::string& owner) const;

    // Owners with A/AAAA records, except the apex and the zone's own nameservers.
    std::map<std::string, HostRecord> hosts() const;

    // The serial moved to max(today * 100 + 1, serial + 1) (today is "YYYYMMDD").
    void bumpSerial(const std::string& today);
    uint64_t serial() const;

    // Canonical text again (sdk::masterFileText: $ORIGIN, the SOA first, one line per record).
    std::string text() const;
    const std::string& origin() const { return origin_; }

private:
    std::string origin_;
    std::vector<ZoneLine> lines_;
};

// A host name as given ("web1", "web1.managed.example", "web1.managed.example.") made the
// absolute owner in origin; nullopt (with why) when it is not a usable host name there.
std::optional<std::string> hostFqdn(const std::string& name, const std::string& origin, std::string& why);

// "A" or "AAAA" for a valid address (in its canonical form in canonical), else "".
std::string addressType(const std::string& ip, std::string& canonical);

// The reverse owner of an address: "4.3.2.1.in-addr.arpa." or the ip6.arpa nibble name.
std::string reverseOwner(const std::string& ip);

} // namespace dadns::hosts
