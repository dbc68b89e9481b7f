#include "core/store/StoreRules.hpp"

#include "core/util/Errors.hpp"

namespace dadns {

Stamp stampFor(const ZoneSubmission& submission, HybridClock& clock) {
    if (submission.stamp.empty()) return clock.now();
    auto parsed = Stamp::parse(submission.stamp);
    if (!parsed) throw InvalidInput("malformed version stamp '" + submission.stamp + "'");
    clock.observe(*parsed);
    return *parsed;
}

SubmitDecision decideSubmit(const ZoneSubmission& submission, const Stamp& stamp, const ZoneHeadView& head) {
    SubmitDecision d;
    d.version = head.exists ? head.version : 0;
    bool replicated = !submission.stamp.empty();
    if (head.exists && replicated && head.stamp && !stamp.newerThan(*head.stamp)) return d; // last writer wins
    if (submission.deleted && (!head.exists || head.deleted)) return d;                  // nothing to delete
    d.store = true;
    d.created = (!head.exists || head.deleted) && !submission.deleted;
    d.version = d.version + 1;
    return d;
}

std::optional<PendingZone> pendingOf(const std::string& zone, const ZoneHeadView& head, const ProgressView& progress) {
    if (!head.exists || head.version <= progress.applied) return std::nullopt;
    if (head.deleted && progress.applied == 0) return std::nullopt; // never had it: nothing to remove
    if (progress.dead && progress.failedVersion >= head.version) return std::nullopt;
    PendingZone z;
    z.zone = zone;
    z.version = head.version;
    z.deleted = head.deleted;
    if (progress.failedVersion >= head.version) {
        z.attempts = progress.attempts;
        z.nextAttemptMs = progress.nextAttemptMs;
    }
    return z;
}

const char* syncStateOf(const ZoneHeadView& head, const ProgressView& progress) {
    bool failedNow = progress.failedVersion >= head.version;
    if (progress.dead && failedNow) return "dead";
    if (!pendingOf("", head, progress)) return "applied";
    return failedNow && progress.attempts > 0 ? "retrying" : "pending";
}

} // namespace dadns
