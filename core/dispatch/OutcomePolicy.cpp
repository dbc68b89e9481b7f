#include "core/dispatch/OutcomePolicy.hpp"

namespace dadns {

ZoneDecision decideZone(ApplyKind kind, int attempts, RetryPolicy& retry) {
    ZoneDecision d;
    switch (kind) {
    case ApplyKind::Applied:
    case ApplyKind::NothingToDo: return d;
    case ApplyKind::Permanent:
        d.next = ZoneDecision::Next::DeadLetter;
        d.attempts = attempts + 1;
        return d;
    case ApplyKind::Retryable:
        d.attempts = attempts + 1;
        if (retry.exhausted(d.attempts)) {
            d.next = ZoneDecision::Next::DeadLetter;
        } else {
            d.next = ZoneDecision::Next::RetryLater;
            d.retryIn = retry.delayAfter(d.attempts);
        }
        return d;
    }
    return d;
}

BreakerState breakerAfter(BreakerState state, ApplyKind kind, int threshold) {
    switch (kind) {
    case ApplyKind::Applied:
    case ApplyKind::NothingToDo: state.consecutiveFailures = 0; break;
    case ApplyKind::Permanent: break;
    case ApplyKind::Retryable:
        ++state.consecutiveFailures;
        if (state.consecutiveFailures >= threshold) state.open = true;
        break;
    }
    return state;
}

} // namespace dadns
