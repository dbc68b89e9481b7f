// The ABI is pinned: abi.h may only change together with a deliberate version bump.
#include "support/TestSupport.hpp"

#include <dadns/abi.h>

#include <catch2/catch.hpp>

namespace {

uint64_t fnv1a(const std::string& text) {
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

// When abi.h changes on purpose: bump DADNS_ABI_MINOR (append-only change) or
// DADNS_ABI_MAJOR (anything else) as docs/abi.md says, then update both values here.
constexpr uint64_t kPinnedHash = 0xf35c6d5014db65a3ULL;
constexpr int kPinnedMajor = 1, kPinnedMinor = 4;

} // namespace

TEST_CASE("abi.h is pinned by hash and version", "[sdk]") {
    uint64_t hash = fnv1a(dadns::test::readFile(dadns::test::sourceDir() + "/sdk/include/dadns/abi.h"));
    INFO("abi.h hash is 0x" << std::hex << hash);
    CHECK(DADNS_ABI_MAJOR == kPinnedMajor);
    CHECK(DADNS_ABI_MINOR == kPinnedMinor);
    if (hash != kPinnedHash)
        FAIL("abi.h changed: bump DADNS_ABI_MINOR/MAJOR per docs/abi.md and update the pinned hash in this test");
}
