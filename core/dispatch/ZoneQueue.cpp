#include "core/dispatch/ZoneQueue.hpp"

#include <algorithm>
#include <utility>

namespace dadns {

void ZoneQueue::schedule(const std::string& zone, Entry& entry, int64_t dueMs) {
    due_.erase({entry.work.dueMs, zone});
    entry.work.dueMs = dueMs;
    if (!entry.inFlight) due_.insert({dueMs, zone});
}

bool ZoneQueue::offer(const std::string& zone, ZoneWork work, int64_t nowMs) {
    if (auto dead = parked_.find(zone); dead != parked_.end()) {
        if (dead->second >= work.version) return false;
        parked_.erase(dead); // its desired state changed
    }
    auto [it, inserted] = entries_.try_emplace(zone);
    Entry& entry = it->second;
    if (!inserted && entry.work.version >= work.version) return false;
    if (inserted) entry.sinceMs = nowMs;
    entry.repair = false; // a new version: not applied anywhere yet
    if (entries_.size() > maxParsed_) work.parsed.reset();
    due_.erase({entry.work.dueMs, zone});
    int64_t due = work.dueMs;
    entry.work = std::move(work);
    // In flight at an older version: not due now; settle finds the newer version.
    schedule(zone, entry, due);
    return true;
}

bool ZoneQueue::repair(const std::string& zone, ZoneWork work, int64_t nowMs) {
    if (parked(zone, work.version)) return false;
    auto it = entries_.find(zone);
    if (it == entries_.end() || it->second.work.version < work.version) {
        offer(zone, std::move(work), nowMs);
        it = entries_.find(zone);
    }
    if (it->second.inFlight) it->second.again = true;
    else it->second.repair = true;
    return true;
}

std::optional<std::pair<std::string, ZoneQueue::Entry>> ZoneQueue::takeDue(int64_t nowMs) {
    if (due_.empty() || due_.begin()->first > nowMs) return std::nullopt;
    std::string zone = due_.begin()->second;
    due_.erase(due_.begin());
    Entry& entry = entries_.at(zone);
    entry.inFlight = true;
    ++inFlight_;
    return std::make_pair(zone, entry);
}

std::optional<int64_t> ZoneQueue::nextDueMs() const {
    if (due_.empty()) return std::nullopt;
    return due_.begin()->first;
}

void ZoneQueue::settle(const std::string& zone, uint64_t triedVersion, const ZoneDecision& decision, int64_t nowMs) {
    auto it = entries_.find(zone);
    if (it == entries_.end() || !it->second.inFlight) return;
    Entry& entry = it->second;
    entry.inFlight = false;
    --inFlight_;
    bool again = std::exchange(entry.again, false) && decision.next == ZoneDecision::Next::Done;
    if (entry.work.version > triedVersion || again) { // superseded, or drifted, while it was applied
        entry.work.attempts = 0;
        entry.repair = entry.work.version == triedVersion;
        schedule(zone, entry, 0);
        return;
    }
    entry.work.version = triedVersion; // the store may have given a newer version than queued
    switch (decision.next) {
    case ZoneDecision::Next::Done: entries_.erase(it); return;
    case ZoneDecision::Next::RetryLater:
        entry.work.attempts = decision.attempts;
        entry.work.parsed.reset(); // a retry reads the store: the records may be long gone by then
        schedule(zone, entry, nowMs + decision.retryIn.count());
        return;
    case ZoneDecision::Next::DeadLetter:
        parked_[zone] = triedVersion;
        entries_.erase(it);
        return;
    }
}

void ZoneQueue::putBack(const std::string& zone, int64_t dueMs) {
    auto it = entries_.find(zone);
    if (it == entries_.end() || !it->second.inFlight) return;
    it->second.inFlight = false;
    it->second.again = false; // it goes again anyway
    --inFlight_;
    schedule(zone, it->second, dueMs);
}

void ZoneQueue::drop(const std::string& zone, uint64_t triedVersion) {
    auto it = entries_.find(zone);
    if (it == entries_.end() || !it->second.inFlight) return;
    Entry& entry = it->second;
    entry.inFlight = false;
    --inFlight_;
    bool again = std::exchange(entry.again, false);
    if (entry.work.version > triedVersion) {
        schedule(zone, entry, 0);
    } else if (again) {
        entry.repair = true;
        schedule(zone, entry, 0);
    } else {
        entries_.erase(it);
    }
}

void ZoneQueue::park(const std::string& zone, uint64_t version) {
    auto it = entries_.find(zone);
    if (it != entries_.end() && it->second.work.version > version) return; // already superseded
    uint64_t& at = parked_[zone];
    at = std::max(at, version);
}

bool ZoneQueue::parked(const std::string& zone, uint64_t version) const {
    auto it = parked_.find(zone);
    return it != parked_.end() && it->second >= version;
}

size_t ZoneQueue::redrive(const std::string& zone) {
    if (!zone.empty()) return parked_.erase(zone);
    size_t n = parked_.size();
    parked_.clear();
    return n;
}

size_t ZoneQueue::retrying() const {
    return static_cast<size_t>(
        std::count_if(entries_.begin(), entries_.end(), [](const auto& e) { return e.second.work.attempts > 0 && !e.second.inFlight; }));
}

std::optional<int64_t> ZoneQueue::oldestSinceMs() const {
    if (entries_.empty()) return std::nullopt;
    int64_t oldest = entries_.begin()->second.sinceMs;
    for (const auto& [zone, e] : entries_) oldest = std::min(oldest, e.sinceMs);
    return oldest;
}

} // namespace dadns
