// HTTP Basic credentials (RFC 7617): reading an Authorization header value, and comparing a
// secret without leaking through timing how much of it matched.
//
// parseBasicAuth accepts "Basic <base64 of user:password>": the scheme in any case, one or
// more spaces after it, white space around the whole value. It refuses (nullopt) another
// scheme, base64 that is not canonical (characters outside the standard alphabet, a length
// that is not a multiple of 4, misplaced '=' padding, non-zero padding bits), decoded text
// without ':', and a value longer than kMaxBasicAuthValue. The user ends at the first ':';
// the password may hold more of them.
//
// Error contract: never throws (except std::bad_alloc). Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dadns::sdk {

struct BasicCredentials {
    std::string user;
    std::string password;
};

// Longer Authorization values are refused before decoding (3 KiB of credentials).
inline constexpr size_t kMaxBasicAuthValue = 4096;

namespace detail {

// The 6-bit value of a base64 character, or -1.
inline int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Canonical base64 (RFC 4648 section 4, padded) to bytes; nullopt when malformed.
inline std::optional<std::string> decodeBase64(std::string_view in) {
    if (in.size() % 4 != 0) return std::nullopt;
    size_t pad = in.size() >= 1 && in.back() == '=' ? (in.size() >= 2 && in[in.size() - 2] == '=' ? 2 : 1) : 0;
    std::string out;
    out.reserve(in.size() / 4 * 3);
    uint32_t bits = 0;
    for (size_t i = 0; i < in.size() - pad; ++i) {
        int v = base64Value(in[i]);
        if (v < 0) return std::nullopt; // also a '=' before the end
        bits = (bits << 6) | static_cast<uint32_t>(v);
        if (i % 4 == 3) {
            out.push_back(static_cast<char>((bits >> 16) & 0xff));
            out.push_back(static_cast<char>((bits >> 8) & 0xff));
            out.push_back(static_cast<char>(bits & 0xff));
            bits = 0;
        }
    }
    if (pad == 1) { // 3 characters: 2 bytes and 2 padding bits
        if (bits & 0x3) return std::nullopt;
        out.push_back(static_cast<char>((bits >> 10) & 0xff));
        out.push_back(static_cast<char>((bits >> 2) & 0xff));
    } else if (pad == 2) { // 2 characters: 1 byte and 4 padding bits
        if (bits & 0xf) return std::nullopt;
        out.push_back(static_cast<char>((bits >> 4) & 0xff));
    }
    return out;
}

inline bool httpSpace(char c) { return c == ' ' || c == '\t'; }

} // namespace detail

// {user, password} from an Authorization header value; nullopt when it holds no well-formed
// Basic credentials.
inline std::optional<BasicCredentials> parseBasicAuth(std::string_view headerValue) {
    if (headerValue.size() > kMaxBasicAuthValue) return std::nullopt;
    while (!headerValue.empty() && detail::httpSpace(headerValue.front())) headerValue.remove_prefix(1);
    while (!headerValue.empty() && detail::httpSpace(headerValue.back())) headerValue.remove_suffix(1);
    static constexpr std::string_view scheme = "basic";
    if (headerValue.size() <= scheme.size() || !detail::httpSpace(headerValue[scheme.size()])) return std::nullopt;
    for (size_t i = 0; i < scheme.size(); ++i) {
        char c = headerValue[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) return std::nullopt;
    }
    std::string_view encoded = headerValue.substr(scheme.size());
    while (!encoded.empty() && detail::httpSpace(encoded.front())) encoded.remove_prefix(1);
    std::optional<std::string> decoded = detail::decodeBase64(encoded);
    if (!decoded) return std::nullopt;
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

// a == b, in a time that depends on b's length only (b is the secret, a the attempt): no early
// exit on the first difference, so an attacker cannot find a secret byte by byte.
inline bool constantTimeEquals(std::string_view a, std::string_view b) {
    volatile unsigned char diff = static_cast<unsigned char>(a.size() != b.size());
    for (size_t i = 0; i < b.size(); ++i) {
        unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        diff = static_cast<unsigned char>(diff | (x ^ static_cast<unsigned char>(b[i])));
    }
    return diff == 0;
}

} // namespace dadns::sdk
