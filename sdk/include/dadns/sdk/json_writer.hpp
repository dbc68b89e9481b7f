// The one JSON writer of dadns: string escaping (for the daemon, its logs and every plugin) and a
// small builder that puts commas, colons and quotes where they belong.
//
// Escaping rules, the same everywhere:
// - '"' and '\' are escaped with a backslash; \n, \r and \t use their short forms.
// - Every control character is written as \u00XX: U+0000-U+001F, DEL (U+007F) and the C1
//   controls (U+0080-U+009F), so JSON text never carries a raw byte that a terminal or a
//   line-based reader acts on. U+2028 and U+2029 are escaped too (JavaScript and some log
//   readers end a line there).
// - Other well-formed UTF-8 is copied as it is.
// - A byte that does not start well-formed UTF-8 (see utf8.hpp) is copied as it is
//   (NonUtf8::Copy, the default): the writer never changes data, and the SDK's reader gives the
//   same bytes back. dadns checks text for UTF-8 where it enters (configuration, zone text), so
//   such bytes reach JSON only from input no check covers. Text for people and other programs
//   (the daemon's API answers, log lines) writes them instead as the four characters \xHH
//   (NonUtf8::Escape: in the JSON text "\\xHH"), so it is always valid UTF-8, as JSON readers
//   require, and the byte stays readable; that text does not read back byte for byte.
//
// Contract: never throws (except std::bad_alloc). Functions are pure; a JsonWriter is one
// document, used by one thread at a time.
#pragma once

#include <dadns/sdk/utf8.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace dadns::sdk {

namespace detail {

inline void appendHexEscape(std::string& out, const char* prefix, uint32_t value, int digits) {
    static const char hex[] = "0123456789abcdef";
    out += prefix;
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push_back(hex[(value >> shift) & 0xf]);
}

inline bool plainJsonByte(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

} // namespace detail

// What appendJsonString does with a byte that does not start well-formed UTF-8.
enum class NonUtf8 { Copy, Escape };

// Appends s to out as a JSON string, with the quotes.
inline void appendJsonString(std::string& out, std::string_view s, NonUtf8 nonUtf8 = NonUtf8::Copy) {
    out.reserve(out.size() + s.size() + 2);
    out.push_back('"');
    for (size_t i = 0; i < s.size();) {
        size_t run = i;
        while (run < s.size() && detail::plainJsonByte(static_cast<unsigned char>(s[run]))) ++run;
        out.append(s.data() + i, run - i); // the usual text: printable ASCII, copied in one go
        if (run == s.size()) break;
        i = run;
        unsigned char c = static_cast<unsigned char>(s[i]);
        uint32_t codePoint = 0;
        size_t len = utf8SequenceAt(s, i, codePoint);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c == '\n' || c == '\r' || c == '\t') {
            out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
        } else if (len == 0) {
            if (nonUtf8 == NonUtf8::Escape) detail::appendHexEscape(out, "\\\\x", c, 2);
            else out.push_back(static_cast<char>(c));
            len = 1;
        } else if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f) || codePoint == 0x2028 || codePoint == 0x2029) {
            detail::appendHexEscape(out, "\\u", codePoint, 4);
        } else {
            out.append(s.data() + i, len);
        }
        i += len;
    }
    out.push_back('"');
}

// s as a JSON string, with the quotes.
inline std::string jsonQuote(std::string_view s, NonUtf8 nonUtf8 = NonUtf8::Copy) {
    std::string out;
    appendJsonString(out, s, nonUtf8);
    return out;
}

// Builds one JSON document into a string. The caller nests correctly (a key before each value
// in an object); the writer adds the commas, colons and quoting:
//
//   JsonWriter w;
//   w.beginObject().field("zone", zone).field("version", version).key("ips").beginArray();
//   for (const auto& ip : ips) w.value(ip);
//   w.endArray().endObject();
//   resp.json(200, w.text());
class JsonWriter {
public:
    // nonUtf8: what strings do with bytes that are not UTF-8 (see the top of this file).
    explicit JsonWriter(NonUtf8 nonUtf8 = NonUtf8::Copy) : nonUtf8_(nonUtf8) {}

    JsonWriter& beginObject() { return open('{'); }
    JsonWriter& endObject() { return close('}'); }
    JsonWriter& beginArray() { return open('['); }
    JsonWriter& endArray() { return close(']'); }

    JsonWriter& key(std::string_view name) {
        separate();
        appendJsonString(out_, name, nonUtf8_);
        out_.push_back(':');
        afterKey_ = true;
        return *this;
    }

    JsonWriter& value(std::string_view s) {
        separate();
        appendJsonString(out_, s, nonUtf8_);
        return *this;
    }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(const char* s) { return value(std::string_view(s)); } // not the bool overload
    JsonWriter& value(bool b) { return raw(b ? "true" : "false"); }
    template <typename T, typename std::enable_if<std::is_integral<T>::value && !std::is_same<T, bool>::value, int>::type = 0>
    JsonWriter& value(T n) {
        return raw(std::to_string(n));
    }
    // The shortest of 15 or 17 significant digits that reads back to d; NaN and infinities,
    // which JSON cannot hold, as null.
    JsonWriter& value(double d) {
        if (!std::isfinite(d)) return null();
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.15g", d);
        if (std::strtod(buf, nullptr) != d) std::snprintf(buf, sizeof buf, "%.17g", d);
        return raw(buf);
    }
    JsonWriter& null() { return raw("null"); }
    // A value that is JSON text already (Json::dump(), another writer's text()).
    JsonWriter& raw(std::string_view json) {
        separate();
        out_.append(json.data(), json.size());
        return *this;
    }

    // key(name).value(v) in one call.
    template <typename T>
    JsonWriter& field(std::string_view name, const T& v) {
        return key(name).value(v);
    }

    const std::string& text() const { return out_; }
    std::string take() { return std::move(out_); }

private:
    JsonWriter& open(char bracket) {
        separate();
        out_.push_back(bracket);
        first_.push_back(true);
        return *this;
    }
    JsonWriter& close(char bracket) {
        out_.push_back(bracket);
        if (!first_.empty()) first_.pop_back();
        afterKey_ = false;
        return *this;
    }
    // The comma before a member or item that is not the first of its container.
    void separate() {
        if (afterKey_) {
            afterKey_ = false;
            return;
        }
        if (first_.empty()) return;
        if (!first_.back()) out_.push_back(',');
        first_.back() = false;
    }

    NonUtf8 nonUtf8_;
    std::string out_;
    std::vector<bool> first_; // one per open container: nothing written in it yet
    bool afterKey_ = false;
};

} // namespace dadns::sdk
