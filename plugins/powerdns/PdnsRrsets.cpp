#include "PdnsRrsets.hpp"

#include <dadns/sdk/master_file.hpp>

#include <algorithm>

namespace dadns::powerdns {
namespace {

using sdk::Json;
using sdk::JsonWriter;

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

// {"name", "type", ["changetype",] "ttl", "records": [{"content", "disabled"}...]}
void writeRrset(JsonWriter& out, const Rrset& set, const char* changetype) {
    out.beginObject().field("name", set.name).field("type", set.type);
    if (changetype) out.field("changetype", changetype);
    out.field("ttl", set.ttl).key("records").beginArray();
    for (const auto& content : set.contents) out.beginObject().field("content", content).field("disabled", false).endObject();
    out.endArray().endObject();
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
        for (const auto& record : item["records"].items())
            if (!record.getBool("disabled", false)) set.contents.push_back(record.getString("content"));
        if (set.contents.empty()) continue; // an rrset with comments only (or only disabled records) serves nothing
        std::sort(set.contents.begin(), set.contents.end());
        out.sets[key(set.name, set.type)] = std::move(set);
    }
    return out;
}

std::vector<sdk::Record> toRecords(const ZoneRrsets& zone) {
    std::vector<sdk::Record> out;
    out.reserve(static_cast<size_t>(zone.recordCount()));
    for (const auto& [k, set] : zone.sets)
        for (const auto& content : set.contents) out.push_back(sdk::Record{set.name, set.type, 1, set.ttl, sdk::presentationFields(content)});
    return out;
}

void keepPushedSerial(ZoneRrsets& held, const std::string& pushedSoa) {
    for (auto& [k, set] : held.sets) {
        if (set.type != "SOA" || set.contents.size() != 1) continue;
        if (set.contents[0] != pushedSoa && withoutSerial(set.contents[0]) == withoutSerial(pushedSoa)) set.contents[0] = pushedSoa;
    }
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
    std::vector<std::string> deleted; // keys
    std::vector<const Rrset*> replaced;
    auto want = desiredPrint.begin();
    auto have = current.begin();
    // Both are sorted by key: one merge walk finds what is gone, new or different.
    while (want != desiredPrint.end() || have != current.end()) {
        if (have != current.end() && (want == desiredPrint.end() || have->first < want->first)) {
            deleted.push_back(have->first);
            ++have;
            continue;
        }
        bool same = have != current.end() && have->first == want->first && have->second == want->second;
        if (!same) replaced.push_back(&desired.sets.at(want->first));
        if (have != current.end() && have->first == want->first) ++have;
        ++want;
    }
    changedRrsets = deleted.size() + replaced.size();
    if (!changedRrsets) return "";
    JsonWriter out;
    out.beginObject().key("rrsets").beginArray();
    for (const auto& k : deleted) { // deletes first: PowerDNS applies the list in order
        size_t space = k.rfind(' ');
        out.beginObject().field("name", k.substr(0, space)).field("type", k.substr(space + 1)).field("changetype", "DELETE").endObject();
    }
    for (const Rrset* set : replaced) writeRrset(out, *set, "REPLACE");
    out.endArray().endObject();
    return out.take();
}

std::string createBody(const std::string& zoneFqdn, const std::string& kind, const std::string& soaEditApi, const ZoneRrsets& desired) {
    JsonWriter out;
    out.beginObject().field("name", zoneFqdn).field("kind", kind).field("soa_edit_api", soaEditApi);
    out.key("nameservers").beginArray().endArray().key("rrsets").beginArray();
    for (const auto& [k, set] : desired.sets) writeRrset(out, set, nullptr);
    out.endArray().endObject();
    return out.take();
}

} // namespace dadns::powerdns
