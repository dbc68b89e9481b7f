// What a lane does after one apply: the zone's next step and the breaker's new state, as pure
// functions of the outcome, so every rule is in one place and tested without threads.
//
// A permanent error is about the zone (the backend refuses this content): the zone is a dead
// letter until its desired state changes or it is redriven, and the breaker does not move.
// A retryable error may be about the backend (down, overloaded, unreachable): the zone retries
// with backoff until max_attempts, and breaker_failures of them in a row open the breaker.
#pragma once

#include "core/dispatch/RetryPolicy.hpp"

#include <chrono>

namespace dadns {

enum class ApplyKind { Applied, NothingToDo, Retryable, Permanent };

struct ZoneDecision {
    enum class Next { Done, RetryLater, DeadLetter };
    Next next = Next::Done;
    int attempts = 0;                      // failed attempts at this version, this one included
    std::chrono::milliseconds retryIn{0};  // RetryLater: when to try again
};

// attempts: failed attempts at this version before this outcome.
ZoneDecision decideZone(ApplyKind kind, int attempts, RetryPolicy& retry);

// The breaker of one lane: retryable failures in a row, and whether that many opened it.
struct BreakerState {
    int consecutiveFailures = 0;
    bool open = false;
};

// The breaker after one outcome (threshold: breaker_failures). A success closes the count;
// only retryable failures add to it; it opens when the count reaches the threshold. It is
// closed again by a health probe, not by outcomes (none run while it is open).
BreakerState breakerAfter(BreakerState state, ApplyKind kind, int threshold);

} // namespace dadns
