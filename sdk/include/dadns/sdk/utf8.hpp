// What counts as well-formed UTF-8, decided once: the JSON writer, the daemon's log escaping and
// plugins that hand text to stricter stores all ask this.
//
// Contract: pure functions, no allocation, never throw; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dadns::sdk {

// The length (1 to 4) of the well-formed UTF-8 sequence that starts at text[i], with its code
// point in codePoint; 0 when the byte at i starts none (a stray continuation byte, an overlong
// form, a surrogate, a value above U+10FFFF, or a sequence cut off by the end of text).
// Unicode's table 3-7 is the rule; i must be less than text.size().
inline size_t utf8SequenceAt(std::string_view text, size_t i, uint32_t& codePoint) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
    unsigned char lead = byte(0);
    if (lead < 0x80) {
        codePoint = lead;
        return 1;
    }
    size_t len;
    uint32_t min;
    if (lead >= 0xc2 && lead <= 0xdf) len = 2, codePoint = lead & 0x1fu, min = 0x80;
    else if (lead >= 0xe0 && lead <= 0xef) len = 3, codePoint = lead & 0x0fu, min = 0x800;
    else if (lead >= 0xf0 && lead <= 0xf4) len = 4, codePoint = lead & 0x07u, min = 0x10000;
    else return 0;
    if (text.size() - i < len) return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((byte(k) & 0xc0) != 0x80) return 0;
        codePoint = (codePoint << 6) | (byte(k) & 0x3fu);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return 0;
    return len;
}

// True when all of text is well-formed UTF-8.
inline bool isUtf8(std::string_view text) {
    uint32_t codePoint = 0;
    for (size_t i = 0; i < text.size();) {
        size_t len = utf8SequenceAt(text, i, codePoint);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

} // namespace dadns::sdk
