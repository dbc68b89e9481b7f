// Safety limits on local changes (zones.safety), so that a broken push cannot empty a zone or
// the server: a change that would shrink a zone of at least min_records records by more than
// max_remove_share of them, and more than max_deletes zone deletes from one principal within
// delete_window, are refused unless the caller forces them. Replicated changes are not
// checked here: the node they came from checked them.
//
// The share is of the record count, which the store knows without reading the zone, so the
// check costs nothing on the path of every change; a plan (?dry_run=true) lists the exact
// records a change adds and removes. The delete counts live in this process: each instance of
// a shared store counts its own, and a restart starts afresh.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include "core/util/Errors.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace dadns {

// A change the safety limits held (HTTP 409): nothing was stored.
struct ChangeHeld : HttpError {
    explicit ChangeHeld(const std::string& why) : HttpError(409, why) {}
};

struct SafetyOptions {
    double maxRemoveShare = 0.5;   // 1 = no limit on shrinking a zone
    size_t minRecords = 10;        // smaller zones are never held
    size_t maxDeletes = 100;       // 0 = no limit on zone deletes
    std::chrono::milliseconds deleteWindow{600000};
};

class ChangeSafety {
public:
    explicit ChangeSafety(SafetyOptions options = {}) : options_(options) {}

    // Why shrinking a zone from before to after records would be refused; "" when it may go.
    std::string shrinkRefusal(int64_t before, int64_t after) const;
    // Why one more zone delete by principal would be refused now; "" when it may go. With
    // reserve, an allowed delete is counted at once (so concurrent deletes cannot pass the
    // limit together); releaseDelete takes it back when the delete was not stored after all.
    std::string checkDelete(const std::string& principal, int64_t nowMs, bool reserve);
    void releaseDelete(const std::string& principal, int64_t reservedAtMs);

private:
    void expire(std::deque<int64_t>& times, int64_t nowMs) const;

    SafetyOptions options_;
    std::mutex mutex_;
    std::map<std::string, std::deque<int64_t>> deletes_; // principal -> times of its recent deletes
};

} // namespace dadns
