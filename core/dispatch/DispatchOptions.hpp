// Dispatcher tuning, from the dispatch.* configuration keys.
#pragma once

#include <chrono>

namespace dadns {

struct DispatchOptions {
    std::chrono::milliseconds retryBackoff{1000};
    std::chrono::milliseconds retryBackoffMax{300000};
    int maxAttempts = 8;
    int breakerFailures = 5;
    std::chrono::milliseconds driftInterval{300000}; // 0: no periodic scan
    bool removeUnknownZones = false;
    double maxDeleteFraction = 0.1;
};

} // namespace dadns
