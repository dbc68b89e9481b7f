// The zones one lane has to bring its backend to, each with the time it is due. The latest
// version of a zone wins; a zone is in flight at most once; a dead letter is parked, out of
// the queue, until a newer version arrives or the lane is redriven. Counts are of now.
// Not thread safe: the lane's mutex guards it. Times are wall-clock ms, passed in.
#pragma once

#include "core/dispatch/OutcomePolicy.hpp"

#include <dadns/sdk/types.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

namespace dadns {

// A desired state to bring a backend to.
struct ZoneWork {
    uint64_t version = 0;
    bool deleted = false;
    int attempts = 0;          // failed attempts at this version so far (from the store)
    int64_t dueMs = 0;         // not before (0: now)
    std::shared_ptr<const sdk::Zone> parsed; // this version's records, when the intake gave them
};

class ZoneQueue {
public:
    struct Entry {
        ZoneWork work;
        int64_t sinceMs = 0;   // when the oldest unapplied change of the zone arrived
        bool inFlight = false;
        bool again = false;    // a repair came during the flight: its version goes once more
        bool repair = false;   // its version is applied already (a drift repair): applied even so
    };

    // Parsed records are kept for at most this many zones; a longer backlog re-reads the store.
    explicit ZoneQueue(size_t maxParsed = 10000) : maxParsed_(maxParsed) {}

    // Queues zone at work.version unless that version (or a newer one) is queued, in flight,
    // or parked as a dead letter. A newer version replaces a queued one and un-parks a dead
    // letter. Returns whether the zone was queued.
    bool offer(const std::string& zone, ZoneWork work, int64_t nowMs);
    // A drift repair: the backend no longer holds what work.version left there. Queued as by
    // offer, marked repair (a shared store's claim would take an applied version as done); when
    // that version is in flight now (its apply may have finished before the drift), it goes once
    // more after the flight. False only for a dead letter at work.version.
    bool repair(const std::string& zone, ZoneWork work, int64_t nowMs);

    // The zone due first, if due at nowMs, marked in flight.
    std::optional<std::pair<std::string, Entry>> takeDue(int64_t nowMs);
    // When the next zone not in flight is due; nullopt when none waits.
    std::optional<int64_t> nextDueMs() const;

    // Ends a zone's flight at triedVersion. When a newer version arrived meanwhile, or a repair
    // came during a successful flight, it is due at once with a fresh count; otherwise the
    // decision applies: Done drops it, RetryLater keeps it due after decision.retryIn,
    // DeadLetter parks it at triedVersion.
    void settle(const std::string& zone, uint64_t triedVersion, const ZoneDecision& decision, int64_t nowMs);
    // Ends a zone's flight without an outcome (the store failed, an exception): due at dueMs,
    // attempts unchanged.
    void putBack(const std::string& zone, int64_t dueMs);
    // Ends a zone's flight because another instance holds it: dropped, unless a newer version
    // or a repair arrived meanwhile (then due at once).
    void drop(const std::string& zone, uint64_t triedVersion);

    // Parks zone as a dead letter at version (from the store at start).
    void park(const std::string& zone, uint64_t version);
    bool parked(const std::string& zone, uint64_t version) const;
    // Un-parks every dead letter (zone's only, when given); returns how many. They come back
    // through offer.
    size_t redrive(const std::string& zone = "");

    size_t size() const { return entries_.size(); } // queued, in flight included
    bool empty() const { return entries_.empty(); }
    size_t inFlight() const { return inFlight_; }
    size_t retrying() const;                        // waiting after a failed attempt
    size_t deadLetters() const { return parked_.size(); }
    std::optional<int64_t> oldestSinceMs() const;

private:
    void schedule(const std::string& zone, Entry& entry, int64_t dueMs);

    size_t maxParsed_;
    std::unordered_map<std::string, Entry> entries_;
    std::set<std::pair<int64_t, std::string>> due_; // (dueMs, zone) of entries not in flight
    std::map<std::string, uint64_t> parked_;         // dead letters: zone -> version
    size_t inFlight_ = 0;
};

} // namespace dadns
