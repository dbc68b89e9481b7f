// The rules every zone store follows, written once: which stamp a submission gets, whether it
// is stored (last writer wins), and whether a zone is pending for a backend. The SQLite store
// applies them to its index; the PostgreSQL store to the rows it reads, except pending, which
// it evaluates in SQL for speed with the same three conditions (its query says so). The shared
// store test suite (tests/unit/store/ZoneStoreSuite) holds both to them.
#pragma once

#include "core/store/HybridClock.hpp"
#include "core/store/ZoneStore.hpp"

#include <optional>
#include <string>

namespace dadns {

// The stamp a submission is stored with: its own when replicated (the clock observes it),
// else a new local one. Throws InvalidInput for a malformed stamp.
Stamp stampFor(const ZoneSubmission& submission, HybridClock& clock);

// A zone's current head, as a store holds it.
struct ZoneHeadView {
    bool exists = false;
    uint64_t version = 0;
    bool deleted = false;
    std::optional<Stamp> stamp;
};

struct SubmitDecision {
    bool store = false;    // false: ignored (an older replicated change, or a delete of nothing)
    bool created = false;  // stored, not a delete, and the zone did not exist or was deleted before
    uint64_t version = 0;  // stored: the new version; ignored: the current one
};

// A replicated change is stored only when its stamp is newer than the head's (last writer
// wins); a delete of a zone that is absent or deleted is ignored; anything else is stored as
// the next version.
SubmitDecision decideSubmit(const ZoneSubmission& submission, const Stamp& stamp, const ZoneHeadView& head);

// One backend's progress on a zone.
struct ProgressView {
    uint64_t applied = 0;
    uint64_t failedVersion = 0; // the version attempts and dead refer to
    bool dead = false;
    int attempts = 0;
    int64_t nextAttemptMs = 0;
};

// The zone as pending work for the backend, or nullopt: pending when the head is newer than
// what the backend applied, except a deleted zone the backend never had and a zone
// dead-lettered at this version. Attempts carry over only for the version they refer to.
std::optional<PendingZone> pendingOf(const std::string& zone, const ZoneHeadView& head, const ProgressView& progress);

// Where the backend stands with the zone's current version, by the rule above: "applied"
// (nothing pending), "dead" (dead-lettered at this version), "retrying" (failed at this
// version, to be tried again) or "pending".
const char* syncStateOf(const ZoneHeadView& head, const ProgressView& progress);

} // namespace dadns
