#include "core/dispatch/BatchProgress.hpp"

#include <algorithm>
#include <cstdio>

namespace dadns {

void BatchProgress::opened(int64_t nowMs, bool quiet) {
    if (open_ || quiet) return;
    open_ = true;
    announced_ = false;
    startMs_ = nowMs;
    ok_ = failed_ = 0;
}

std::optional<std::string> BatchProgress::started(size_t queued) {
    if (!open_ || announced_) return std::nullopt;
    announced_ = true;
    return "batch started: " + std::to_string(queued) + " zone(s) queued";
}

std::optional<std::string> BatchProgress::closeIfIdle(bool idle, int64_t nowMs) {
    if (!open_ || !idle) return std::nullopt;
    open_ = false;
    uint64_t total = ok_ + failed_;
    if (total == 0) return std::nullopt;
    double seconds = static_cast<double>(nowMs - startMs_) / 1000.0;
    char line[160];
    std::snprintf(line, sizeof line, "batch complete: %llu/%llu zone(s) succeeded in %.2fs (%.1f zones/s)",
                  static_cast<unsigned long long>(ok_), static_cast<unsigned long long>(total), seconds,
                  static_cast<double>(total) / std::max(seconds, 0.001));
    return std::string(line);
}

double BatchProgress::progress(size_t remaining) const {
    if (!open_) return 1.0;
    double done = static_cast<double>(ok_ + failed_);
    double all = done + static_cast<double>(remaining);
    return all > 0 ? done / all : 1.0;
}

} // namespace dadns
