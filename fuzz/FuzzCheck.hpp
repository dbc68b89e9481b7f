// What the harnesses share: a property that does not hold stops the run (libFuzzer keeps the
// input as a crash artifact).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace dadns::fuzz {

[[noreturn]] inline void violated(const std::string& what) {
    std::fprintf(stderr, "property violated: %s\n", what.c_str());
    std::abort();
}

inline void check(bool ok, const std::string& what) {
    if (!ok) violated(what);
}

inline std::string_view text(const uint8_t* data, size_t size) { return {reinterpret_cast<const char*>(data), size}; }

} // namespace dadns::fuzz
