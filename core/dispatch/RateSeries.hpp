// How often something happened per fixed time slot over a recent window (applies per 5 s over
// the last 5 minutes, for the console's chart), without a timer: a slot is found from the time,
// and a slot last written a lap of the ring ago counts as zero. Not thread safe (the lane's
// lock guards it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dadns {

class RateSeries {
public:
    explicit RateSeries(int64_t slotMs = 5000, size_t slots = 60) : slotMs_(slotMs), slots_(slots) {}

    void add(int64_t nowMs, uint64_t n = 1) {
        Slot& s = slots_[static_cast<size_t>(slotOf(nowMs)) % slots_.size()];
        if (s.index != slotOf(nowMs)) s = Slot{slotOf(nowMs), 0};
        s.count += n;
    }

    // Per-second rates of the complete slots of the window, oldest first (the current, partial
    // slot is left out: it would always look low).
    std::vector<double> perSecond(int64_t nowMs) const {
        std::vector<double> out;
        out.reserve(slots_.size());
        int64_t current = slotOf(nowMs);
        for (int64_t i = current - static_cast<int64_t>(slots_.size()); i < current; ++i) {
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
    std::vector<Slot> slots_;
};

} // namespace dadns
