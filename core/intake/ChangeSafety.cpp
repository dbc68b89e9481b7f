#include "core/intake/ChangeSafety.hpp"

#include <algorithm>
#include <cmath>

namespace dadns {

std::string ChangeSafety::shrinkRefusal(int64_t before, int64_t after) const {
    if (options_.maxRemoveShare >= 1.0 || before < static_cast<int64_t>(options_.minRecords) || after >= before) return "";
    int64_t removed = before - after;
    if (static_cast<double>(removed) <= options_.maxRemoveShare * static_cast<double>(before)) return "";
    return "held by zones.safety: this change would remove " + std::to_string(removed) + " of the zone's " + std::to_string(before) +
           " records (limit " + std::to_string(static_cast<int>(std::lround(options_.maxRemoveShare * 100))) +
           "% of a zone of at least " + std::to_string(options_.minRecords) + "); send it again with force to store it";
}

void ChangeSafety::expire(std::deque<int64_t>& times, int64_t nowMs) const {
    while (!times.empty() && times.front() <= nowMs - options_.deleteWindow.count()) times.pop_front();
}

std::string ChangeSafety::checkDelete(const std::string& principal, int64_t nowMs, bool reserve) {
    if (options_.maxDeletes == 0) return "";
    std::lock_guard<std::mutex> lock(mutex_);
    // Principals with nothing recent are dropped, so the map stays as small as the active set.
    for (auto i = deletes_.begin(); i != deletes_.end();) {
        expire(i->second, nowMs);
        i = i->second.empty() ? deletes_.erase(i) : std::next(i);
    }
    auto it = deletes_.find(principal);
    size_t recent = it == deletes_.end() ? 0 : it->second.size();
    if (recent >= options_.maxDeletes)
        return "held by zones.safety: " + principal + " deleted " + std::to_string(recent) + " zones within " +
               std::to_string(options_.deleteWindow.count() / 1000) + " s (limit " + std::to_string(options_.maxDeletes) +
               "); send it again with force to delete";
    if (reserve) deletes_[principal].push_back(nowMs);
    return "";
}

void ChangeSafety::releaseDelete(const std::string& principal, int64_t reservedAtMs) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = deletes_.find(principal);
    if (it == deletes_.end()) return;
    auto at = std::find(it->second.rbegin(), it->second.rend(), reservedAtMs);
    if (at != it->second.rend()) it->second.erase(std::next(at).base());
}

} // namespace dadns
