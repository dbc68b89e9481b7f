// Safety limits on local changes (zones.safety), so that a broken push cannot empty a zone or
// the server: a replacement that would remove more than max_remove_share of a zone of at least
// min_records records, and more than max_deletes zone deletes from one principal within
// delete_window, are refused unless the caller forces them. Replicated changes are not
// checked here: the node they came from checked them.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include "core/util/Errors.hpp"

#include <dadns/sdk/types.hpp>

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
    double maxRemoveShare = 0.5;   // 1 = no limit on replacements
    size_t minRecords = 10;        // smaller zones are never held
    size_t maxDeletes = 100;       // 0 = no limit on zone deletes
    std::chrono::milliseconds deleteWindow{600000};
};

class ChangeSafety {
public:
    explicit ChangeSafety(SafetyOptions options = {}) : options_(options) {}

    const SafetyOptions& options() const { return options_; }

    // Why replacing current by next would be refused; "" when it may go.
    std::string replaceRefusal(const sdk::Zone& current, const sdk::Zone& next) const;
    // Why one more zone delete by principal would be refused now; "" when it may go.
    std::string deleteRefusal(const std::string& principal, int64_t nowMs);
    // A zone delete by principal was stored: it counts towards the limit.
    void countDelete(const std::string& principal, int64_t nowMs);

private:
    void expire(std::deque<int64_t>& times, int64_t nowMs) const;

    SafetyOptions options_;
    std::mutex mutex_;
    std::map<std::string, std::deque<int64_t>> deletes_; // principal -> times of its recent deletes
};

} // namespace dadns
