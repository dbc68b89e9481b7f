// Hybrid logical clock stamps, "ms.counter@node": wall-clock milliseconds, a counter that
// orders events within one millisecond (or while the wall clock lags a stamp seen from a peer),
// and the node that made the change. Comparing two stamps gives last-writer-wins ordering
// that every node computes the same way.
#pragma once

#include <dadns/sdk/stamp.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace dadns {

// The stamp itself is the SDK's: discovery plugins compare stamps the way the store does.
using Stamp = sdk::Stamp;

class HybridClock {
public:
    explicit HybridClock(std::string node) : node_(std::move(node)) {}
    // A stamp for a local event, later than every stamp issued or observed before.
    Stamp now();
    // Moves the clock past a stamp received from a peer.
    void observe(const Stamp& remote);

private:
    static int64_t wallMs();
    std::mutex mutex_;
    std::string node_;
    int64_t lastMs_ = 0;
    uint32_t counter_ = 0;
};

} // namespace dadns
