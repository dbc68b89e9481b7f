// UTF-8 validation: zone text travels in JSON and is stored in PostgreSQL text columns, both of
// which take only well-formed UTF-8.
#pragma once

#include <cstddef>
#include <string_view>

namespace dadns {

// Offset of the first byte that does not start a well-formed UTF-8 sequence (overlong forms,
// surrogates and code points past U+10FFFF included), or npos when all of text is UTF-8.
inline size_t invalidUtf8At(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;        // overlong
            else if (c == 0xED) hi = 0x9F;   // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;        // overlong
            else if (c == 0xF4) hi = 0x8F;   // past U+10FFFF
        } else {
            return i;
        }
        if (i + len > text.size()) return i;
        auto second = static_cast<unsigned char>(text[i + 1]);
        if (second < lo || second > hi) return i;
        for (size_t k = 2; k < len; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return i;
        i += len;
    }
    return std::string_view::npos;
}

} // namespace dadns
