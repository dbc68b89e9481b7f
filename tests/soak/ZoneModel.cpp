#include "soak/ZoneModel.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <sstream>

namespace dadns::soak {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string fqdn(const std::string& owner, const std::string& zone) {
    if (owner == "@") return zone + ".";
    return owner + "." + zone + ".";
}

// SOA rdata without the serial: "mname rname refresh retry expire minimum".
std::string soaWithoutSerial(const std::string& rdata) {
    std::istringstream in(rdata);
    std::vector<std::string> w;
    for (std::string t; in >> t;) w.push_back(t);
    if (w.size() < 7) return rdata;
    return w[0] + " " + w[1] + " " + w[3] + " " + w[4] + " " + w[5] + " " + w[6];
}

// AAAA in its one canonical text form (backends may print it differently).
std::string ipv6(const std::string& text) {
    in6_addr a{};
    char buf[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET6, text.c_str(), &a) != 1 || !inet_ntop(AF_INET6, &a, buf, sizeof buf)) return text;
    return buf;
}

} // namespace

std::string canonical(const std::string& ownerFqdn, const std::string& ttl, const std::string& type, const std::string& rdata) {
    std::string t = lower(type);
    std::string data = t == "soa" ? soaWithoutSerial(rdata) : t == "aaaa" ? ipv6(rdata) : rdata;
    return lower(ownerFqdn) + " " + ttl + " " + t + " " + lower(data);
}

std::string canonical(const Rec& rec, const std::string& zone) {
    return canonical(fqdn(rec.owner, zone), std::to_string(rec.ttl), rec.type, rec.rdata);
}

std::string zoneText(const std::string& zone, const std::vector<Rec>& records, bool directAdminStyle) {
    std::string out = directAdminStyle ? "$TTL 14400\n" : "$TTL 300\n";
    for (const auto& r : records) {
        std::string owner = directAdminStyle && r.owner == "@" ? zone + "." : r.owner;
        const char* sep = directAdminStyle ? "\t" : " ";
        out += owner + sep + std::to_string(r.ttl) + sep + "IN" + sep + r.type + sep + r.rdata + "\n";
    }
    return out;
}

std::vector<Rec> generatedZone(const std::string& zone, unsigned version) {
    std::string z = zone + ".";
    std::vector<Rec> recs = {
        {"@", 300, "SOA", "ns1." + z + " hostmaster." + z + " " + std::to_string(version) + " 3600 600 86400 300"},
        {"@", 300, "NS", "ns1." + z},
        {"ns1", 300, "A", "192.0.2.53"},
        {"www", 60, "A", "10." + std::to_string(version / 65536 % 256) + "." + std::to_string(version / 256 % 256) + "." +
                             std::to_string(version % 256)},
        {"mail", 300, "A", "192.0.2.25"},
        {"@", 300, "MX", "10 mail." + z},
        {"@", 300, "TXT", "\"soak-v" + std::to_string(version) + "\""},
    };
    for (unsigned i = 0; i < version % 4; ++i) {
        std::ostringstream ip;
        ip << "2001:db8::" << std::hex << (version % 4096 + 1) << ":" << (i + 1);
        recs.push_back({"v6-" + std::to_string(i), 120, "AAAA", ip.str()});
    }
    return recs;
}

void ExpectedState::set(const std::string& zone, ZoneExpect expect) {
    std::lock_guard<std::mutex> lock(mutex_);
    zones_[zone] = std::move(expect);
}

std::map<std::string, ZoneExpect> ExpectedState::snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return zones_;
}

ZoneExpect expectOf(const std::string& zone, const std::vector<Rec>& records) {
    ZoneExpect e;
    e.present = true;
    for (const auto& r : records) e.records.insert(canonical(r, zone));
    return e;
}

} // namespace dadns::soak
