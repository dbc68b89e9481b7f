// How often something happened per second, in fixed time slots over a recent window (5-second
// slots over the last 5 minutes, for the console's chart), without a timer: a slot is found
// from the time, and a slot last written a lap of the ring ago counts as zero. The ring holds
// one slot more than the window, for the current one. Not thread safe (the lane's lock guards it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dadns {

class RateSeries {
public:
    explicit RateSeries(int64_t slotMs = 5000, size_t slots = 60) : slotMs_(slotMs), window_(slots), slots_(slots + 1) {}

    void add(int64_t nowMs, uint64_t n = 1) {
        Slot& s = slots_[static_cast<size_t>(slotOf(nowMs)) % slots_.size()];
        if (s.index != slotOf(nowMs)) s = Slot{slotOf(nowMs), 0};
        s.count += n;
    }

    // Per-second rates of the complete slots of the window, oldest first (the current, partial
    // slot is left out: it would always look low).
    std::vector<double> perSecond(int64_t nowMs) const {
        std::vector<double> out;
        out.reserve(window_);
        int64_t current = slotOf(nowMs);
        for (int64_t i = current - static_cast<int64_t>(window_); i < current; ++i) {
            const Slot& s = slots_[static_cast<size_t>(i < 0 ? 0 : i) % slots_.size()];
            out.push_back(i >= 0 && s.index == i ? static_cast<double>(s.count) * 1000.0 / static_cast<double>(slotMs_) : 0.0);
        }
        return out;
    }

    int64_t slotMs() const { return slotMs_; }

private:
    struct Slot {
        int64_t index = -1;
        uint64_t count = 0;
    };
    int64_t slotOf(int64_t ms) const { return ms / slotMs_; }

    int64_t slotMs_;
    size_t window_;
    std::vector<Slot> slots_;
};

} // namespace dadns
