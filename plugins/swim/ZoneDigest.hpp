// Zone digests: how two nodes find which zones one holds newer than the other without sending
// every (zone, stamp) pair. Zones fall into a power-of-two number of buckets by a hash of their
// name; a bucket's hash combines a hash of each live zone's (name, stamp). Peers compare bucket
// hashes first and then exchange the entries of the buckets that differ only, so identical
// nodes with 100,000 zones exchange a few kilobytes instead of megabytes.
//
// Tombstones stay out of the bucket hashes (a node that never held a deleted zone agrees with one
// holding its tombstone) but are listed with their bucket's entries, so a delete still travels
// to a node holding the zone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dadns::swim {

struct DigestEntry {
    std::string zone;
    std::string stamp;
    bool deleted = false;
    bool operator==(const DigestEntry& o) const { return zone == o.zone && stamp == o.stamp && deleted == o.deleted; }
};

// One side of an exchange: who sends it, and its bucket hashes and/or zone entries.
struct DigestMessage {
    std::string node;      // swim node id
    std::string apiUrl;    // where the sender's zones can be pulled
    std::string stampNode; // the node_id the sender stamps its changes with
    std::vector<uint64_t> buckets; // empty when not sent
    bool hasZones = false;
    std::vector<DigestEntry> zones;
};

constexpr size_t kMaxDigestBuckets = 65536;

// About 32 zones per bucket, between 1 and 4,096 buckets; always a power of two.
size_t bucketCountFor(size_t zones);
size_t bucketOf(std::string_view zone, size_t bucketCount);
std::vector<uint64_t> bucketHashes(const std::vector<DigestEntry>& entries, size_t bucketCount);
// Indexes where a and b (of equal size) differ.
std::vector<size_t> differingBuckets(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);
// The entries that fall into the given buckets.
std::vector<DigestEntry> entriesInBuckets(const std::vector<DigestEntry>& entries, const std::vector<size_t>& buckets,
                                          size_t bucketCount);

// {"node", "api_url", "stamp_node", "buckets": ["16 hex digits", ...], "zones": [[name, stamp, deleted], ...]}
std::string encodeDigest(const DigestMessage& m);
// Throws sdk::PermanentError ("not a zone digest: ...") on anything else.
DigestMessage decodeDigest(std::string_view json);

} // namespace dadns::swim
