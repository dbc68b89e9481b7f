// Zone digests: bucket hashes agree exactly when the live zones and stamps agree, the buckets
// that differ hold every zone one side has newer, and malformed digests are refused.
#include "ZoneDigest.hpp"

#include <dadns/sdk/stamp.hpp>
#include <dadns/sdk/types.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

using namespace dadns::swim;

namespace {

std::vector<DigestEntry> zones(size_t n, const std::string& stamp = "1700000000000.0000@a") {
    std::vector<DigestEntry> out;
    for (size_t i = 0; i < n; ++i) out.push_back(DigestEntry{"zone" + std::to_string(i) + ".example", stamp, false});
    return out;
}

DigestEntry* find(std::vector<DigestEntry>& v, const std::string& zone) {
    for (auto& e : v)
        if (e.zone == zone) return &e;
    return nullptr;
}

// What `side` would pull after an exchange with `other`: the entries the other side lists for
// the differing buckets that are newer than its own (tombstones of zones it never had skipped).
std::set<std::string> pulls(const std::vector<DigestEntry>& side, const std::vector<DigestEntry>& other, size_t& listed) {
    size_t n = bucketCountFor(side.size());
    auto differ = differingBuckets(bucketHashes(side, n), bucketHashes(other, n));
    auto offered = entriesInBuckets(other, differ, n);
    listed = offered.size();
    std::map<std::string, std::string> mine;
    for (const auto& e : side) mine[e.zone] = e.stamp;
    std::set<std::string> out;
    for (const auto& e : offered) {
        auto it = mine.find(e.zone);
        if (e.deleted && it == mine.end()) continue;
        if (dadns::sdk::stampNewer(e.stamp, it == mine.end() ? std::string() : it->second)) out.insert(e.zone);
    }
    return out;
}

} // namespace

TEST_CASE("bucket counts are powers of two of about 32 zones each, from 1 to 4096", "[swim]") {
    CHECK(bucketCountFor(0) == 1);
    CHECK(bucketCountFor(32) == 1);
    CHECK(bucketCountFor(33) == 2);
    CHECK(bucketCountFor(1000) == 32);
    CHECK(bucketCountFor(100000) == 4096);
    CHECK(bucketCountFor(10000000) == 4096);
    for (size_t n : {size_t(7), size_t(5000), size_t(70000)}) {
        size_t b = bucketCountFor(n);
        CHECK((b & (b - 1)) == 0);
    }
}

TEST_CASE("equal zone sets have equal bucket hashes whatever their order", "[swim]") {
    auto a = zones(1000);
    auto b = a;
    std::reverse(b.begin(), b.end());
    CHECK(differingBuckets(bucketHashes(a, 32), bucketHashes(b, 32)).empty());
    // Zones spread over the buckets rather than piling into a few.
    std::map<size_t, int> perBucket;
    for (const auto& e : a) perBucket[bucketOf(e.zone, 32)]++;
    CHECK(perBucket.size() == 32);
    for (const auto& [bucket, count] : perBucket) CHECK(count < 70);
}

TEST_CASE("a changed stamp marks exactly its bucket and tombstones stay out of the hashes", "[swim]") {
    auto a = zones(1000);
    auto b = a;
    find(b, "zone17.example")->stamp = "1700000000001.0000@b";
    auto differ = differingBuckets(bucketHashes(a, 32), bucketHashes(b, 32));
    REQUIRE(differ.size() == 1);
    CHECK(differ.front() == bucketOf("zone17.example", 32));
    auto listed = entriesInBuckets(b, differ, 32);
    CHECK(find(listed, "zone17.example") != nullptr);
    CHECK(listed.size() < 70);

    // A tombstone a node never needed to see agrees with that node ...
    auto withTombstone = a;
    withTombstone.push_back(DigestEntry{"gone.example", "1700000000002.0000@a", true});
    CHECK(differingBuckets(bucketHashes(a, 32), bucketHashes(withTombstone, 32)).empty());
    // ... but a deleted zone differs from a node still holding it.
    auto deleted = a;
    find(deleted, "zone5.example")->deleted = true;
    CHECK(differingBuckets(bucketHashes(a, 32), bucketHashes(deleted, 32)) == std::vector<size_t>{bucketOf("zone5.example", 32)});
}

TEST_CASE("an exchange of differing buckets finds every zone either side holds newer", "[swim]") {
    auto a = zones(20000);
    auto b = a;
    const std::string later = "1700000000009.0000@x";
    for (int i : {3, 900, 4000, 12000, 19999}) find(a, "zone" + std::to_string(i) + ".example")->stamp = later; // newer on a
    for (int i : {77, 15000}) find(b, "zone" + std::to_string(i) + ".example")->stamp = later;                 // newer on b
    b.push_back(DigestEntry{"only-b.example", later, false});
    find(a, "zone500.example")->deleted = true; // deleted on a, later than b's copy
    find(a, "zone500.example")->stamp = later;
    size_t listedToB = 0, listedToA = 0;
    CHECK(pulls(b, a, listedToB) ==
          std::set<std::string>{"zone3.example", "zone900.example", "zone4000.example", "zone12000.example", "zone19999.example", "zone500.example"});
    CHECK(pulls(a, b, listedToA) == std::set<std::string>{"zone77.example", "zone15000.example", "only-b.example"});
    // Only the differing buckets travel: a few hundred entries, not 20,000.
    CHECK(listedToB < 20000 / 10);
    CHECK(listedToA < 20000 / 10);
}

TEST_CASE("digests round-trip and malformed ones are refused with the reason", "[swim]") {
    DigestMessage m{"node1", "http://127.0.0.1:1", "dns1", {0, 0xfedcba9876543210ULL}, true, {{"a.example", "1.0000@x", false}, {"b.example", "2.0000@y", true}}};
    DigestMessage back = decodeDigest(encodeDigest(m));
    CHECK(back.node == m.node);
    CHECK(back.apiUrl == m.apiUrl);
    CHECK(back.stampNode == m.stampNode);
    CHECK(back.buckets == m.buckets);
    CHECK(back.hasZones);
    CHECK(back.zones == m.zones);

    auto refused = [](const std::string& json, const std::string& why) {
        INFO(json);
        try {
            decodeDigest(json);
            FAIL("accepted");
        } catch (const dadns::sdk::PermanentError& e) {
            CHECK(std::string(e.what()).find("not a zone digest") != std::string::npos);
            CHECK(std::string(e.what()).find(why) != std::string::npos);
        }
    };
    const std::string who = R"("node":"n","api_url":"http://h:1")";
    refused("not json", "");
    refused(R"({"zones":[]})", "needs node and api_url");
    refused("{" + who + "}", "needs buckets or zones");
    refused("{" + who + R"(,"buckets":["0000000000000000","0000000000000000","0000000000000000"]})", "2^k");
    refused("{" + who + R"(,"buckets":[]})", "2^k");
    refused("{" + who + R"(,"buckets":["00000000000000zz"]})", "16 hex digits");
    refused("{" + who + R"(,"buckets":[7]})", "16 hex digits");
    refused("{" + who + R"(,"zones":[[1,2,3]]})", "[name, stamp, deleted]");
    refused("{" + who + R"(,"zones":[["a.example","s"]]})", "[name, stamp, deleted]");
    refused("{" + who + R"(,"zones":{}})", "zones is a list");
}
