// What one swim digest exchange costs with many zones: bytes on the wire and the time to build
// and read the digests, for the full (zone, stamp) list that every exchange used to send and for
// bucket hashes followed by the differing buckets' entries only.
//
//   build/bench/digest_bench [--zones=100000] [--changed=10] [--runs=20]
//
// Two nodes hold --zones zones; --changed of them are newer on one node. Prints medians.
#include "ZoneDigest.hpp"
#include "support/BenchLoad.hpp"

#include <chrono>
#include <cstdio>

using namespace dadns::swim;
using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

struct Exchange {
    size_t bytes = 0; // both directions, every call
    double ms = 0;    // encoding, decoding and comparing on both sides
    size_t listed = 0; // zone entries sent
};

Exchange fullList(const std::vector<DigestEntry>& a, const std::vector<DigestEntry>& b) {
    auto t = Clock::now();
    DigestMessage ask{"a", "http://a", "a", {}, true, a}, answer{"b", "http://b", "b", {}, true, b};
    std::string q = encodeDigest(ask), r = encodeDigest(answer);
    decodeDigest(q);
    decodeDigest(r);
    return Exchange{q.size() + r.size(), msSince(t), a.size() + b.size()};
}

Exchange buckets(const std::vector<DigestEntry>& a, const std::vector<DigestEntry>& b) {
    auto t = Clock::now();
    size_t n = bucketCountFor(a.size());
    DigestMessage ask{"a", "http://a", "a", bucketHashes(a, n), false, {}};
    std::string q = encodeDigest(ask);
    DigestMessage atB = decodeDigest(q);
    DigestMessage answer{"b", "http://b", "b", bucketHashes(b, n), true, {}};
    auto differ = differingBuckets(atB.buckets, answer.buckets);
    answer.zones = entriesInBuckets(b, differ, n);
    std::string r = encodeDigest(answer);
    DigestMessage atA = decodeDigest(r);
    Exchange out{q.size() + r.size(), 0, atA.zones.size()};
    if (!differ.empty()) {
        DigestMessage tell{"a", "http://a", "a", {}, true, entriesInBuckets(a, differingBuckets(ask.buckets, atA.buckets), n)};
        std::string s = encodeDigest(tell);
        decodeDigest(s);
        out.bytes += s.size();
        out.listed += tell.zones.size();
    }
    out.ms = msSince(t);
    return out;
}

} // namespace

int main(int argc, char** argv) {
    size_t zones = std::stoul(benchArg(argc, argv, "zones", "100000"));
    size_t changed = std::stoul(benchArg(argc, argv, "changed", "10"));
    int runs = std::stoi(benchArg(argc, argv, "runs", "20"));
    std::vector<DigestEntry> a;
    for (size_t i = 0; i < zones; ++i) a.push_back(DigestEntry{"customer" + std::to_string(i) + ".example", "1763900000000.0000@dns1", false});
    auto b = a;
    for (size_t i = 0; i < changed && i < zones; ++i) b[i * (zones / changed)].stamp = "1763900000001.0000@dns2";

    std::printf("%zu zones, %zu newer on one node, %d runs (medians)\n", zones, changed, runs);
    std::printf("%-34s %12s %10s %14s\n", "exchange", "bytes", "ms", "entries sent");
    for (auto [name, same] : {std::pair<const char*, bool>{"identical", true}, {"changed", false}}) {
        const auto& other = same ? a : b;
        std::vector<double> fullMs, bucketMs;
        Exchange f, k;
        for (int r = 0; r < runs; ++r) {
            f = fullList(a, other);
            k = buckets(a, other);
            fullMs.push_back(f.ms);
            bucketMs.push_back(k.ms);
        }
        std::printf("%-34s %12zu %10.1f %14zu\n", (std::string("full list, ") + name).c_str(), f.bytes, median(fullMs), f.listed);
        std::printf("%-34s %12zu %10.1f %14zu\n", (std::string("bucket hashes, ") + name).c_str(), k.bytes, median(bucketMs), k.listed);
    }
}
