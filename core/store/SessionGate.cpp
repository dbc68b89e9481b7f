#include "core/store/SessionGate.hpp"

namespace dadns {

SessionGate::SessionGate(size_t places, std::chrono::milliseconds maxWait) : free_(places), maxWait_(maxWait) {}

void SessionGate::enter(const std::string& what) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!freed_.wait_for(lock, maxWait_, [&] { return free_ > 0; }))
        throw Unavailable("store busy: " + what + " waited " + std::to_string(maxWait_.count()) + " ms for a database session");
    --free_;
}

void SessionGate::leave() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++free_;
    }
    freed_.notify_one();
}

} // namespace dadns
