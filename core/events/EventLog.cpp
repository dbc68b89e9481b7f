#include "core/events/EventLog.hpp"

#include "core/util/WallClock.hpp"

namespace dadns {

EventLog::EventLog(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity), run_(std::to_string(nowMs())) {}

void EventLog::publish(std::string type, std::string data) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ring_.size() == capacity_) ring_.pop_front();
    ring_.push_back(Event{++last_, std::move(type), std::move(data)});
}

std::vector<Event> EventLog::after(uint64_t seq, size_t max, bool& gap) const {
    std::lock_guard<std::mutex> lock(mutex_);
    gap = false;
    std::vector<Event> out;
    if (seq >= last_) return out;
    uint64_t first = ring_.empty() ? last_ + 1 : ring_.front().seq;
    if (seq + 1 < first) {
        gap = true;
        seq = first - 1;
    }
    for (size_t i = static_cast<size_t>(seq + 1 - first); i < ring_.size() && out.size() < max; ++i) out.push_back(ring_[i]);
    return out;
}

uint64_t EventLog::lastSeq() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_;
}

} // namespace dadns
