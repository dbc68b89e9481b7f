#include "core/intake/ChangeSafety.hpp"

#include "core/zone/ServedContent.hpp"

#include <cmath>

namespace dadns {

std::string ChangeSafety::replaceRefusal(const sdk::Zone& current, const sdk::Zone& next) const {
    size_t before = current.records.size();
    if (before < options_.minRecords || options_.maxRemoveShare >= 1.0) return "";
    // Records of the current zone the next one lacks: removed, or changed (one of each).
    size_t removed = compareServed(next.records, current.records).unexpected.size();
    if (static_cast<double>(removed) <= options_.maxRemoveShare * static_cast<double>(before)) return "";
    return "held by zones.safety: this change would remove " + std::to_string(removed) + " of the zone's " + std::to_string(before) +
           " records (limit " + std::to_string(static_cast<int>(std::lround(options_.maxRemoveShare * 100))) +
           "% of a zone of at least " + std::to_string(options_.minRecords) + "); send it again with force to store it";
}

void ChangeSafety::expire(std::deque<int64_t>& times, int64_t nowMs) const {
    while (!times.empty() && times.front() <= nowMs - options_.deleteWindow.count()) times.pop_front();
}

std::string ChangeSafety::deleteRefusal(const std::string& principal, int64_t nowMs) {
    if (options_.maxDeletes == 0) return "";
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = deletes_.find(principal);
    if (it == deletes_.end()) return "";
    expire(it->second, nowMs);
    if (it->second.size() < options_.maxDeletes) return "";
    return "held by zones.safety: " + principal + " deleted " + std::to_string(it->second.size()) + " zones within " +
           std::to_string(options_.deleteWindow.count() / 1000) + " s (limit " + std::to_string(options_.maxDeletes) +
           "); send it again with force to delete";
}

void ChangeSafety::countDelete(const std::string& principal, int64_t nowMs) {
    if (options_.maxDeletes == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    auto& times = deletes_[principal];
    expire(times, nowMs);
    times.push_back(nowMs);
    // Principals with nothing recent are dropped, so the map stays as small as the active set.
    for (auto i = deletes_.begin(); i != deletes_.end();) {
        expire(i->second, nowMs);
        i = i->second.empty() ? deletes_.erase(i) : std::next(i);
    }
}

} // namespace dadns
