// A snapshot of one backend lane, published into status and the API.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dadns {

struct DriftReport {
    int64_t atMs = 0;            // when the scan ran; 0 = never
    size_t backendZones = 0;
    size_t missing = 0;          // in the store, not on the backend: re-queued
    size_t changed = 0;          // served, but not as applied (content checks): re-queued
    size_t contentChecked = 0;   // zones whose served content was compared
    std::string contentResumeAfter; // the content comparison stopped at its time budget after
                                    // this zone; "" when it went through every zone
    size_t deadLettered = 0;     // differ too, but dead letters at that version: not re-queued
    std::vector<std::string> unknown; // on the backend, not in the store (first 100)
    size_t unknownTotal = 0;
    size_t removed = 0;
    std::string refused;         // why a removal batch was refused (safety limit), or ""
    std::string error;
};

// What a lane reports each time it finished a zone (waiters, the event stream); a view, valid
// during the call only.
struct ZoneResult {
    const std::string& backend;
    const std::string& zone;
    uint64_t version;
    const char* state;        // "applied", "retrying", "dead"; nullptr: nothing new (already applied)
    const std::string& error; // the failure, or the backend's note on a success
};

struct LaneStatus {
    std::string backend;
    std::string plugin;
    bool up = true;              // false while the breaker is open
    std::string downReason;
    uint32_t parallelism = 1;
    std::string verification;    // "content" or "count" (core/dispatch/ServedCheck.hpp)
    size_t queued = 0;           // zones waiting (ready or retrying)
    size_t retrying = 0;         // of which waiting for a retry time
    size_t inFlight = 0;
    int64_t oldestPendingMs = 0; // age of the oldest waiting change, 0 when none
    uint64_t applied = 0;        // since start
    uint64_t failed = 0;
    uint64_t repaired = 0;       // verification mismatches repaired by reconcile
    size_t deadLetters = 0;      // zones dead-lettered now (until changed or redriven)
    int consecutiveFailures = 0;
    std::string lastError;
    // The last failed house-keeping step (store poll, drift scan, claim renewal, health probe,
    // a worker's loop) and when; cleared when that step next succeeds.
    std::string houseKeepingError;
    int64_t houseKeepingErrorAtMs = 0;
    double progress = 1.0;       // of the current batch
    std::vector<double> appliesPerSecond; // applies per second in each rateSlotSeconds slot of the last minutes, oldest first
    double rateSlotSeconds = 5;
    DriftReport drift;
};

} // namespace dadns
