// When to try a failed zone again: exponential backoff with full jitter, capped; and when to
// give up (dead letter). Thread safe: a lane's workers share one.
#pragma once

#include <chrono>
#include <mutex>
#include <random>

namespace dadns {

class RetryPolicy {
public:
    RetryPolicy(std::chrono::milliseconds base, std::chrono::milliseconds max, int maxAttempts)
        : base_(base), max_(max), maxAttempts_(maxAttempts) {}

    // Delay before attempt number `failedAttempts + 1`: a random point in the upper half of
    // base * 2^(failedAttempts-1), capped at max, so retries of many zones spread out.
    std::chrono::milliseconds delayAfter(int failedAttempts);
    bool exhausted(int failedAttempts) const { return failedAttempts >= maxAttempts_; }
    int maxAttempts() const { return maxAttempts_; }

private:
    std::chrono::milliseconds base_;
    std::chrono::milliseconds max_;
    int maxAttempts_;
    std::mutex randomMutex_;
    std::mt19937_64 random_{std::random_device{}()};
};

} // namespace dadns
