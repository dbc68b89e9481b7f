#include "core/store/HybridClock.hpp"

#include "core/util/WallClock.hpp"

#include <chrono>
#include <cstdio>
#include <tuple>

namespace dadns {

std::string Stamp::toString() const {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%013lld.%04u@", static_cast<long long>(ms), counter);
    return buf + node;
}

std::optional<Stamp> Stamp::parse(const std::string& text) {
    auto dot = text.find('.');
    auto at = text.find('@');
    if (dot == std::string::npos || at == std::string::npos || dot == 0 || at < dot + 2 || at + 1 >= text.size()) return std::nullopt;
    Stamp s;
    try {
        size_t used = 0;
        s.ms = std::stoll(text.substr(0, dot), &used);
        if (used != dot || s.ms < 0) return std::nullopt;
        unsigned long c = std::stoul(text.substr(dot + 1, at - dot - 1), &used);
        if (used != at - dot - 1 || c > 0xffffffffUL) return std::nullopt;
        s.counter = static_cast<uint32_t>(c);
    } catch (const std::logic_error&) {
        return std::nullopt;
    }
    s.node = text.substr(at + 1);
    return s;
}

bool Stamp::newerThan(const Stamp& other) const {
    return std::tie(ms, counter, node) > std::tie(other.ms, other.counter, other.node);
}

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
