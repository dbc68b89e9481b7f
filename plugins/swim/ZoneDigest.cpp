#include "ZoneDigest.hpp"

#include <dadns/sdk/json.hpp>
#include <dadns/sdk/types.hpp>

#include <cstdio>

namespace dadns::swim {
namespace {

using sdk::Json;

// FNV-1a over the bytes, then a 64-bit finaliser so that low bits (the bucket) mix well.
uint64_t hash64(std::string_view a, std::string_view b = {}) {
    uint64_t h = 1469598103934665603ULL;
    auto feed = [&](std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
    };
    feed(a);
    h ^= 0xFF; // separates (a, b) from (a + b, "")
    h *= 1099511628211ULL;
    feed(b);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

[[noreturn]] void notADigest(const std::string& why) { throw sdk::PermanentError("not a zone digest: " + why); }

uint64_t parseHex64(const Json& v) {
    if (v.type() != Json::Type::String || v.asString().size() != 16) notADigest("every bucket is 16 hex digits");
    uint64_t out = 0;
    for (char c : v.asString()) {
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) notADigest("every bucket is 16 hex digits");
        out = out << 4 | static_cast<uint64_t>(d);
    }
    return out;
}

} // namespace

size_t bucketCountFor(size_t zones) {
    size_t n = 1;
    while (n < 4096 && n * 32 < zones) n *= 2;
    return n;
}

size_t bucketOf(std::string_view zone, size_t bucketCount) { return static_cast<size_t>(hash64(zone)) & (bucketCount - 1); }

std::vector<uint64_t> bucketHashes(const std::vector<DigestEntry>& entries, size_t bucketCount) {
    std::vector<uint64_t> out(bucketCount, 0);
    for (const auto& e : entries)
        if (!e.deleted) out[bucketOf(e.zone, bucketCount)] ^= hash64(e.zone, e.stamp); // order-free: names are unique
    return out;
}

std::vector<size_t> differingBuckets(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
    std::vector<size_t> out;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (a[i] != b[i]) out.push_back(i);
    return out;
}

std::vector<DigestEntry> entriesInBuckets(const std::vector<DigestEntry>& entries, const std::vector<size_t>& buckets,
                                          size_t bucketCount) {
    std::vector<bool> wanted(bucketCount, false);
    for (size_t b : buckets)
        if (b < bucketCount) wanted[b] = true;
    std::vector<DigestEntry> out;
    for (const auto& e : entries)
        if (wanted[bucketOf(e.zone, bucketCount)]) out.push_back(e);
    return out;
}

std::string encodeDigest(const DigestMessage& m) {
    using sdk::jsonQuote;
    std::string out = "{\"node\":" + jsonQuote(m.node) + ",\"api_url\":" + jsonQuote(m.apiUrl) + ",\"stamp_node\":" + jsonQuote(m.stampNode);
    if (!m.buckets.empty()) {
        out += ",\"buckets\":[";
        char hex[20];
        for (size_t i = 0; i < m.buckets.size(); ++i) {
            std::snprintf(hex, sizeof hex, "%s\"%016llx\"", i ? "," : "", static_cast<unsigned long long>(m.buckets[i]));
            out += hex;
        }
        out += "]";
    }
    if (m.hasZones) {
        out += ",\"zones\":[";
        for (size_t i = 0; i < m.zones.size(); ++i) {
            const auto& e = m.zones[i];
            out += (i ? ",[" : "[") + jsonQuote(e.zone) + "," + jsonQuote(e.stamp) + (e.deleted ? ",true]" : ",false]");
        }
        out += "]";
    }
    return out + "}";
}

DigestMessage decodeDigest(std::string_view json) {
    Json d;
    try {
        d = Json::parse(json);
    } catch (const std::exception& e) {
        notADigest(e.what());
    }
    if (!d.isObject() || d.getString("node").empty() || d.getString("api_url").empty()) notADigest("needs node and api_url");
    DigestMessage m;
    m.node = d.getString("node");
    m.apiUrl = d.getString("api_url");
    m.stampNode = d.getString("stamp_node");
    if (d.has("buckets")) {
        const Json& b = d["buckets"];
        size_t n = b.items().size();
        if (!b.isArray() || n == 0 || n > kMaxDigestBuckets || (n & (n - 1)) != 0)
            notADigest("buckets is a list of 2^k hashes, at most " + std::to_string(kMaxDigestBuckets));
        m.buckets.reserve(n);
        for (const auto& v : b.items()) m.buckets.push_back(parseHex64(v));
    }
    if (d.has("zones")) {
        if (!d["zones"].isArray()) notADigest("zones is a list");
        m.hasZones = true;
        for (const auto& entry : d["zones"].items()) {
            const auto& e = entry.items();
            if (e.size() != 3 || e[0].type() != Json::Type::String || e[0].asString().empty() || e[1].type() != Json::Type::String ||
                e[2].type() != Json::Type::Bool)
                notADigest("every zone is [name, stamp, deleted]");
            m.zones.push_back(DigestEntry{e[0].asString(), e[1].asString(), e[2].asBool()});
        }
    }
    if (m.buckets.empty() && !m.hasZones) notADigest("needs buckets or zones");
    return m;
}

} // namespace dadns::swim
