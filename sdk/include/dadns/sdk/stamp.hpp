// Replication stamps, "ms.counter@node": a hybrid logical clock reading (wall-clock
// milliseconds and a counter that orders events within one millisecond, or while the wall
// clock lags a stamp seen from a peer) and the node that made the change. The host gives every
// change one; discovery plugins compare them to decide which of two states of a zone is newer,
// and every node decides the same way (last writer wins).
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>

namespace dadns::sdk {

struct Stamp {
    int64_t ms = 0;
    uint32_t counter = 0;
    std::string node;

    std::string toString() const {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%013lld.%04u@", static_cast<long long>(ms), counter);
        return buf + node;
    }

    // nullopt when text is not a stamp.
    static std::optional<Stamp> parse(const std::string& text) {
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

    // Total order: ms, then counter, then node name.
    bool newerThan(const Stamp& other) const {
        return std::tie(ms, counter, node) > std::tie(other.ms, other.counter, other.node);
    }
};

// True when stamp text a orders after b; text that is not a stamp orders before every stamp.
inline bool stampNewer(const std::string& a, const std::string& b) {
    auto sa = Stamp::parse(a), sb = Stamp::parse(b);
    if (!sa) return false;
    if (!sb) return true;
    return sa->newerThan(*sb);
}

} // namespace dadns::sdk
