// The daemon's recent events, numbered, for the event stream (GET /api/v1/events): changes
// stored and backends' outcomes. A bounded ring, so a reader that falls further behind than it
// keeps (or that read another run of the daemon) is told so and starts again from the newest,
// instead of the log growing with a slow reader.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace dadns {

struct Event {
    uint64_t seq = 0;
    std::string type; // "zone", "outcome"
    std::string data; // one JSON object, one line
};

class EventLog {
public:
    explicit EventLog(size_t capacity = 8192);

    // Thread safe and quick: called on the paths that store changes and record outcomes.
    void publish(std::string type, std::string data);

    // Events after seq, at most max. gap is set when some of them are no longer kept (the
    // reader then refetches what it shows).
    std::vector<Event> after(uint64_t seq, size_t max, bool& gap) const;
    uint64_t lastSeq() const;

    // Identifies this run of the daemon in event ids ("<run>-<seq>"), so a reader resuming with
    // the id of an earlier run is not taken to be up to date.
    const std::string& run() const { return run_; }

private:
    const size_t capacity_;
    const std::string run_;
    mutable std::mutex mutex_;
    std::deque<Event> ring_;
    uint64_t last_ = 0;
};

} // namespace dadns
