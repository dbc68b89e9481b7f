// Wall-clock time as plugins report it: milliseconds since the epoch, and that as ISO 8601 UTC.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace dadns::sdk {

inline int64_t wallClockMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "2026-11-23T14:05:00Z"; empty for 0 or less (never).
inline std::string isoTimeUtc(int64_t ms) {
    if (ms <= 0) return "";
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

} // namespace dadns::sdk
