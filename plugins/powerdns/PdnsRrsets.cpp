#include "PdnsRrsets.hpp"

#include <algorithm>

namespace dadns::powerdns {
namespace {

using sdk::Json;
using sdk::jsonQuote;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string key(const std::string& name, const std::string& type) { return name + " " + type; }

uint64_t fnv1a(uint64_t h, const std::string& s) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    h ^= 0xff; // separator, so ("ab","c") and ("a","bc") differ
    h *= 1099511628211ULL;
    return h;
}

// SOA content with its serial (third field) blanked.
std::string withoutSerial(const std::string& soa) {
    size_t first = soa.find(' ');
    size_t second = first == std::string::npos ? first : soa.find(' ', first + 1);
    size_t third = second == std::string::npos ? second : soa.find(' ', second + 1);
    if (third == std::string::npos) return soa;
    return soa.substr(0, second + 1) + "-" + soa.substr(third);
}

void appendRecords(std::string& out, const Rrset& set) {
    out += ",\"ttl\":" + std::to_string(set.ttl) + ",\"records\":[";
    for (size_t i = 0; i < set.contents.size(); ++i)
        out += (i ? "," : "") + std::string("{\"content\":") + jsonQuote(set.contents[i]) + ",\"disabled\":false}";
    out += "]";
}

} // namespace

int64_t ZoneRrsets::recordCount() const {
    int64_t n = 0;
    for (const auto& [k, set] : sets) n += static_cast<int64_t>(set.contents.size());
    return n;
}

ZoneRrsets desiredRrsets(const sdk::Zone& zone, const std::vector<std::string>& nameservers) {
    ZoneRrsets out;
    for (const auto& r : zone.records) {
        if (r.rrClass != 1) continue; // PowerDNS serves class IN only
        std::string content;
        for (const auto& field : r.rdata) content += (content.empty() ? "" : " ") + field;
        Rrset& set = out.sets[key(r.owner, r.type)];
        if (set.contents.empty()) {
            set.name = r.owner;
            set.type = r.type;
            set.ttl = r.ttl;
        }
        set.ttl = std::min(set.ttl, r.ttl);
        set.contents.push_back(std::move(content));
    }
    std::string apex = zone.fqdn();
    if (!nameservers.empty() && !out.sets.count(key(apex, "NS"))) {
        auto soa = out.sets.find(key(apex, "SOA"));
        Rrset ns{apex, "NS", soa == out.sets.end() ? 3600 : soa->second.ttl, nameservers};
        out.sets[key(apex, "NS")] = std::move(ns);
    }
    for (auto& [k, set] : out.sets) {
        std::sort(set.contents.begin(), set.contents.end());
        set.contents.erase(std::unique(set.contents.begin(), set.contents.end()), set.contents.end());
    }
    return out;
}

ZoneRrsets parseZone(const std::string& json) {
    Json zone = Json::parse(json);
    ZoneRrsets out;
    for (const auto& item : zone["rrsets"].items()) {
        Rrset set;
        set.name = lower(item.getString("name"));
        set.type = item.getString("type");
        set.ttl = static_cast<uint32_t>(item.getInt("ttl", 0));
        for (const auto& record : item["records"].items()) set.contents.push_back(record.getString("content"));
        if (set.contents.empty()) continue; // an rrset with comments only holds no records
        std::sort(set.contents.begin(), set.contents.end());
        out.sets[key(set.name, set.type)] = std::move(set);
    }
    return out;
}

Fingerprint fingerprint(const ZoneRrsets& zone, bool ignoreSoaSerial) {
    Fingerprint out;
    out.reserve(zone.sets.size());
    for (const auto& [k, set] : zone.sets) {
        uint64_t h = fnv1a(1469598103934665603ULL, std::to_string(set.ttl));
        for (const auto& content : set.contents) h = fnv1a(h, ignoreSoaSerial && set.type == "SOA" ? withoutSerial(content) : content);
        out.emplace_back(k, h);
    }
    return out; // std::map order: sorted by key
}

std::string patchBody(const ZoneRrsets& desired, const Fingerprint& desiredPrint, const Fingerprint& current, size_t& changedRrsets) {
    changedRrsets = 0;
    std::string deletes, replaces;
    auto want = desiredPrint.begin();
    auto have = current.begin();
    // Both are sorted by key: one merge walk finds what is gone, new or different.
    while (want != desiredPrint.end() || have != current.end()) {
        if (have != current.end() && (want == desiredPrint.end() || have->first < want->first)) {
            size_t space = have->first.rfind(' ');
            deletes += (deletes.empty() ? "" : ",") + std::string("{\"name\":") + jsonQuote(have->first.substr(0, space)) +
                       ",\"type\":" + jsonQuote(have->first.substr(space + 1)) + ",\"changetype\":\"DELETE\"}";
            ++changedRrsets;
            ++have;
            continue;
        }
        bool same = have != current.end() && have->first == want->first && have->second == want->second;
        if (!same) {
            const Rrset& set = desired.sets.at(want->first);
            replaces += (replaces.empty() ? "" : ",") + std::string("{\"name\":") + jsonQuote(set.name) + ",\"type\":" + jsonQuote(set.type) +
                        ",\"changetype\":\"REPLACE\"";
            appendRecords(replaces, set);
            replaces += "}";
            ++changedRrsets;
        }
        if (have != current.end() && have->first == want->first) ++have;
        ++want;
    }
    if (!changedRrsets) return "";
    // Deletes first: PowerDNS applies the list in order.
    return "{\"rrsets\":[" + deletes + (deletes.empty() || replaces.empty() ? "" : ",") + replaces + "]}";
}

std::string createBody(const std::string& zoneFqdn, const std::string& kind, const std::string& soaEditApi, const ZoneRrsets& desired) {
    std::string out = "{\"name\":" + jsonQuote(zoneFqdn) + ",\"kind\":" + jsonQuote(kind) + ",\"soa_edit_api\":" + jsonQuote(soaEditApi) +
                      ",\"nameservers\":[],\"rrsets\":[";
    bool first = true;
    for (const auto& [k, set] : desired.sets) {
        out += (first ? "" : ",") + std::string("{\"name\":") + jsonQuote(set.name) + ",\"type\":" + jsonQuote(set.type);
        appendRecords(out, set);
        out += "}";
        first = false;
    }
    return out + "]}";
}

} // namespace dadns::powerdns
