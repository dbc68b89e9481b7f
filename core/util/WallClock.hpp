// Wall-clock time in milliseconds since the epoch: what the store and the API record as "when".
#pragma once

#include <chrono>
#include <cstdint>

namespace dadns {

inline int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace dadns
