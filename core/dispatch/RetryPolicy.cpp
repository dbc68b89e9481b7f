#include "core/dispatch/RetryPolicy.hpp"

#include <algorithm>

namespace dadns {

std::chrono::milliseconds RetryPolicy::delayAfter(int failedAttempts) {
    int shift = std::clamp(failedAttempts - 1, 0, 30);
    long long ceiling = std::min<long long>(base_.count() << std::min(shift, 20), max_.count());
    if (ceiling <= 1) return std::chrono::milliseconds(ceiling);
    std::uniform_int_distribution<long long> pick(ceiling / 2, ceiling);
    std::lock_guard<std::mutex> lock(randomMutex_);
    return std::chrono::milliseconds(pick(random_));
}

} // namespace dadns
