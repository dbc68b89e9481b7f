// Wall-clock time in milliseconds since the epoch: what the store and the API record as "when".
#pragma once

#include <dadns/sdk/clock.hpp>

#include <cstdint>

namespace dadns {

inline int64_t nowMs() { return sdk::wallClockMs(); }

} // namespace dadns
