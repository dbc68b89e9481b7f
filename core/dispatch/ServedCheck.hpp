// Whether a backend serves a zone as desired. By content when its plugin reads back what its
// server serves (ABI 1.3 served_records; the rule is in core/zone/ServedContent.hpp), else by
// record count.
//
// A server may take a moment to load what it was told (named loads a reloaded file in the
// background), so a check that does not match reads again, at growing intervals, until the
// settle time has passed: only then is the difference real. Never throws.
#pragma once

#include "core/plugin/BackendInstance.hpp"
#include "core/zone/ServedContent.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dadns {

enum class VerifyMethod { Content, Count };
const char* verifyMethodName(VerifyMethod method);

struct ServedVerdict {
    BackendResult result;        // the read failed: nothing is known
    bool matches = false;
    int64_t count = -1;          // records served (content) or counted
    std::string difference;      // what differs, when it does not match
    std::optional<ServedComparison> comparison; // content checks only
};

class ServedCheck {
public:
    // stopping: when it turns true (the daemon stops) the check stops reading again, so that a
    // stop never waits for a settle time.
    ServedCheck(BackendInstance& backend, std::chrono::milliseconds settle, std::function<bool()> stopping = {})
        : backend_(backend), settle_(settle), stopping_(std::move(stopping)) {}

    VerifyMethod method() const { return backend_.reportsServedRecords() ? VerifyMethod::Content : VerifyMethod::Count; }

    // The backend serves the desired records (expected: how many it said it stores).
    ServedVerdict served(const std::string& zone, const std::vector<sdk::Record>& desired, int64_t expected) const;
    // The backend no longer serves the zone (content checks; a count-verified backend is taken
    // at its word).
    ServedVerdict gone(const std::string& zone) const;
    // One reading, no settling: for drift scans, which look at zones applied earlier.
    ServedVerdict servedNow(const std::string& zone, const std::vector<sdk::Record>& desired, int64_t expected) const;

private:
    template <class Read>
    ServedVerdict settled(Read read) const;

    BackendInstance& backend_;
    std::chrono::milliseconds settle_;
    std::function<bool()> stopping_;
};

} // namespace dadns
