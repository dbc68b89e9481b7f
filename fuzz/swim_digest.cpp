// Zone digests two swim nodes exchange over HTTP (JSON). Properties: decodeDigest() reads a
// digest or refuses with PermanentError; what it reads encodes to a digest that decodes to the
// same; bucket arithmetic on what was read stays in range.
#include "FuzzCheck.hpp"

#include "ZoneDigest.hpp"

#include <dadns/sdk/types.hpp>

using namespace dadns;
using namespace dadns::swim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    DigestMessage m;
    try {
        m = decodeDigest(fuzz::text(data, size));
    } catch (const sdk::PermanentError&) {
        return 0;
    }
    fuzz::check(!m.node.empty() && !m.apiUrl.empty(), "a digest names its node and URL");
    fuzz::check(!m.buckets.empty() || m.hasZones, "a digest has buckets or zones");
    std::string encoded = encodeDigest(m);
    DigestMessage again;
    try {
        again = decodeDigest(encoded);
    } catch (const sdk::PermanentError& e) {
        fuzz::violated(std::string("encodeDigest() wrote what decodeDigest() refuses: ") + e.what() + "\n" + encoded);
    }
    fuzz::check(again.node == m.node && again.apiUrl == m.apiUrl && again.stampNode == m.stampNode, "names survive");
    fuzz::check(again.buckets == m.buckets, "bucket hashes survive");
    fuzz::check(again.hasZones == m.hasZones && again.zones == m.zones, "zone entries survive");

    // What a node does with a peer's digest: compare bucket hashes, pick the differing buckets' entries.
    size_t count = m.buckets.empty() ? bucketCountFor(m.zones.size()) : m.buckets.size();
    for (const auto& e : m.zones) fuzz::check(bucketOf(e.zone, count) < count, "a zone's bucket is in range");
    auto ours = bucketHashes(m.zones, count);
    fuzz::check(ours.size() == count, "one hash per bucket");
    std::vector<size_t> differing = m.buckets.empty() ? std::vector<size_t>{} : differingBuckets(ours, m.buckets);
    for (size_t b : differing) fuzz::check(b < count, "a differing bucket is in range");
    auto entries = entriesInBuckets(m.zones, differing, count);
    fuzz::check(entries.size() <= m.zones.size(), "no more entries than zones");
    return 0;
}
