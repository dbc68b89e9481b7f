#include "core/store/HybridClock.hpp"

#include "core/util/WallClock.hpp"

#include <chrono>

namespace dadns {

int64_t HybridClock::wallMs() {
    return nowMs();
}

Stamp HybridClock::now() {
    std::lock_guard<std::mutex> lock(mutex_);
    int64_t wall = wallMs();
    if (wall > lastMs_) {
        lastMs_ = wall;
        counter_ = 0;
    } else {
        ++counter_;
    }
    return Stamp{lastMs_, counter_, node_};
}

void HybridClock::observe(const Stamp& remote) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (remote.ms > lastMs_) {
        lastMs_ = remote.ms;
        counter_ = remote.counter;
    } else if (remote.ms == lastMs_ && remote.counter > counter_) {
        counter_ = remote.counter;
    }
}

} // namespace dadns
