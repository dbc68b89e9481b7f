#include "core/dispatch/ServedCheck.hpp"

#include <algorithm>
#include <thread>

namespace dadns {

const char* verifyMethodName(VerifyMethod method) { return method == VerifyMethod::Content ? "content" : "count"; }

template <class Read>
ServedVerdict ServedCheck::settled(Read read) const {
    auto deadline = std::chrono::steady_clock::now() + settle_;
    // Servers usually settle within milliseconds of being told (named loads a small zone in
    // one or two), so the first reads come close together; a slow one is read ever less often.
    std::chrono::microseconds pause(2000);
    while (true) {
        ServedVerdict v = read();
        if (!v.result.ok() || v.matches || std::chrono::steady_clock::now() >= deadline || (stopping_ && stopping_())) return v;
        auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
        std::this_thread::sleep_for(std::min(pause, left + std::chrono::microseconds(1000)));
        pause = std::min<std::chrono::microseconds>(pause * 3 / 2, std::chrono::milliseconds(100));
    }
}

ServedVerdict ServedCheck::servedNow(const std::string& zone, const std::vector<sdk::Record>& desired, int64_t expected) const {
    ServedVerdict v;
    if (method() == VerifyMethod::Count) {
        v.result = backend_.count(zone, v.count);
        v.matches = v.result.ok() && v.count == expected;
        if (!v.matches) v.difference = "counts " + std::to_string(v.count) + " record(s), expected " + std::to_string(expected);
        return v;
    }
    std::optional<std::vector<sdk::Record>> served;
    v.result = backend_.servedRecords(zone, served);
    if (!v.result.ok()) return v;
    if (!served) {
        v.count = 0;
        v.difference = "does not serve the zone";
        return v;
    }
    v.comparison = compareServed(desired, *served);
    v.count = static_cast<int64_t>(v.comparison->served);
    v.matches = v.comparison->verifies(expected);
    if (!v.matches) v.difference = v.comparison->describe(expected);
    return v;
}

ServedVerdict ServedCheck::served(const std::string& zone, const std::vector<sdk::Record>& desired, int64_t expected) const {
    return settled([&] { return servedNow(zone, desired, expected); });
}

ServedVerdict ServedCheck::gone(const std::string& zone) const {
    if (method() == VerifyMethod::Count) {
        ServedVerdict v;
        v.matches = true;
        v.count = 0;
        return v;
    }
    return settled([&] {
        ServedVerdict v;
        std::optional<std::vector<sdk::Record>> served;
        v.result = backend_.servedRecords(zone, served);
        v.count = served ? static_cast<int64_t>(served->size()) : 0;
        v.matches = v.result.ok() && !served;
        if (v.result.ok() && served) v.difference = "still serves the zone (" + std::to_string(served->size()) + " record(s))";
        return v;
    });
}

} // namespace dadns
