// A small JSON reader, enough for a plugin to read its configuration without another library.
// Writing JSON (jsonQuote, JsonWriter) is json_writer.hpp.
#pragma once

#include <dadns/sdk/json_writer.hpp>
#include <dadns/sdk/types.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dadns::sdk {

class Json {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    // Arrays and objects nest at most this deep. The reader (and a value's destructor) recurse
    // once per level and read untrusted text (REST bodies, swim digests, PowerDNS replies):
    // without a bound, 100,000 '[' overflow the stack. Configurations, digests and PowerDNS
    // replies nest fewer than 10 levels; 128 levels take a few dozen KiB of stack at most.
    static constexpr size_t kMaxDepth = 128;

    Json() = default;
    static Json parse(std::string_view text) {
        Parser p{text, 0};
        Json v = p.value();
        p.ws();
        if (p.pos != text.size()) p.fail("trailing characters");
        return v;
    }

    Type type() const { return type_; }
    bool isNull() const { return type_ == Type::Null; }
    bool isObject() const { return type_ == Type::Object; }
    bool isArray() const { return type_ == Type::Array; }

    bool has(const std::string& key) const { return type_ == Type::Object && object_.count(key) != 0; }
    const Json& operator[](const std::string& key) const {
        static const Json null;
        if (type_ != Type::Object) return null;
        auto it = object_.find(key);
        return it == object_.end() ? null : it->second;
    }
    const std::vector<Json>& items() const { return array_; }
    const std::map<std::string, Json>& members() const { return object_; }

    // Typed reads with a default for a missing key; a present value of the wrong type throws,
    // so a typo in an operator's config is reported instead of silently ignored.
    std::string getString(const std::string& key, const std::string& def = "") const {
        const Json& v = (*this)[key];
        if (v.isNull()) return def;
        if (v.type_ == Type::String) return v.string_;
        if (v.type_ == Type::Number || v.type_ == Type::Bool) return v.string_;
        throw PermanentError("config key '" + key + "' must be a string");
    }
    double getNumber(const std::string& key, double def) const {
        const Json& v = (*this)[key];
        if (v.isNull()) return def;
        if (v.type_ == Type::Number) return v.number_;
        if (v.type_ == Type::String) {
            char* end = nullptr;
            double d = std::strtod(v.string_.c_str(), &end);
            if (end && *end == '\0' && !v.string_.empty()) return d;
        }
        throw PermanentError("config key '" + key + "' must be a number");
    }
    // A fraction is cut off (as before); a value beyond the range of long long is refused.
    long long getInt(const std::string& key, long long def) const {
        double d = getNumber(key, static_cast<double>(def));
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) // NaN and infinities too
            throw PermanentError("config key '" + key + "' is out of range");
        return static_cast<long long>(d);
    }
    bool getBool(const std::string& key, bool def) const {
        const Json& v = (*this)[key];
        if (v.isNull()) return def;
        if (v.type_ == Type::Bool) return v.bool_;
        if (v.type_ == Type::String) {
            if (v.string_ == "true" || v.string_ == "yes" || v.string_ == "on" || v.string_ == "1") return true;
            if (v.string_ == "false" || v.string_ == "no" || v.string_ == "off" || v.string_ == "0") return false;
        }
        throw PermanentError("config key '" + key + "' must be true or false");
    }
    const std::string& asString() const { return string_; }
    double asNumber() const { return number_; }
    bool asBool() const { return bool_; }

    // JSON text of this value (object members in key order), e.g. to hand a part of a
    // configuration to a target (Backend::targets).
    std::string dump() const;

private:
    struct Parser {
        std::string_view s;
        size_t pos;
        size_t depth = 0;
        [[noreturn]] void fail(const std::string& why) const {
            throw PermanentError("invalid JSON at offset " + std::to_string(pos) + ": " + why);
        }
        void ws() {
            while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\n' || s[pos] == '\r' || s[pos] == '\t')) ++pos;
        }
        bool eat(char c) {
            ws();
            if (pos < s.size() && s[pos] == c) { ++pos; return true; }
            return false;
        }
        Json value() {
            ws();
            if (pos >= s.size()) fail("unexpected end");
            char c = s[pos];
            Json v;
            if ((c == '{' || c == '[') && depth >= kMaxDepth) fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
            if (c == '{') {
                ++pos;
                ++depth;
                v.type_ = Type::Object;
                if (eat('}')) { --depth; return v; }
                do {
                    ws();
                    std::string key = stringLiteral();
                    // A repeated key is refused: which of the two values counts would be a guess.
                    if (v.object_.count(key) != 0) fail("duplicate key " + jsonQuote(key.substr(0, 64)));
                    if (!eat(':')) fail("expected ':'");
                    v.object_[key] = value();
                } while (eat(','));
                if (!eat('}')) fail("expected '}'");
                --depth;
            } else if (c == '[') {
                ++pos;
                ++depth;
                v.type_ = Type::Array;
                if (eat(']')) { --depth; return v; }
                do { v.array_.push_back(value()); } while (eat(','));
                if (!eat(']')) fail("expected ']'");
                --depth;
            } else if (c == '"') {
                v.type_ = Type::String;
                v.string_ = stringLiteral();
            } else if (s.substr(pos, 4) == "true") {
                pos += 4; v.type_ = Type::Bool; v.bool_ = true; v.string_ = "true";
            } else if (s.substr(pos, 5) == "false") {
                pos += 5; v.type_ = Type::Bool; v.bool_ = false; v.string_ = "false";
            } else if (s.substr(pos, 4) == "null") {
                pos += 4;
            } else {
                size_t start = pos;
                while (pos < s.size() && (std::isdigit(static_cast<unsigned char>(s[pos])) || s[pos] == '-' ||
                                          s[pos] == '+' || s[pos] == '.' || s[pos] == 'e' || s[pos] == 'E'))
                    ++pos;
                if (start == pos) fail("unexpected character");
                v.type_ = Type::Number;
                v.string_ = std::string(s.substr(start, pos - start));
                v.number_ = std::strtod(v.string_.c_str(), nullptr);
            }
            return v;
        }
        // The four hex digits of a backslash-u escape.
        unsigned hex4() {
            if (pos + 4 > s.size()) fail("bad \\u escape");
            unsigned v = 0;
            for (size_t i = 0; i < 4; ++i) {
                char c = s[pos + i];
                v <<= 4;
                if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
                else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
                else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
                else fail("bad \\u escape");
            }
            pos += 4;
            return v;
        }
        std::string stringLiteral() {
            if (pos >= s.size() || s[pos] != '"') fail("expected string");
            ++pos;
            std::string out;
            while (pos < s.size() && s[pos] != '"') {
                char c = s[pos++];
                if (c != '\\') { out.push_back(c); continue; }
                if (pos >= s.size()) fail("bad escape");
                char e = s[pos++];
                switch (e) {
                case 'n': out.push_back('\n'); break;
                case 't': out.push_back('\t'); break;
                case 'r': out.push_back('\r'); break;
                case 'b': out.push_back('\b'); break;
                case 'f': out.push_back('\f'); break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xD800 && cp <= 0xDBFF) { // a UTF-16 surrogate pair
                        if (s.substr(pos, 2) != "\\u") fail("lone surrogate in \\u escape");
                        pos += 2;
                        unsigned low = hex4();
                        if (low < 0xDC00 || low > 0xDFFF) fail("bad surrogate pair");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        fail("lone surrogate in \\u escape");
                    }
                    if (cp < 0x80) out.push_back(static_cast<char>(cp));
                    else if (cp < 0x800) {
                        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
                        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
                    } else if (cp < 0x10000) {
                        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
                        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
                    } else {
                        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
                        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
                        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
                    }
                    break;
                }
                default: out.push_back(e);
                }
            }
            if (pos >= s.size()) fail("unterminated string");
            ++pos;
            return out;
        }
    };

    Type type_ = Type::Null;
    bool bool_ = false;
    double number_ = 0;
    std::string string_;
    std::vector<Json> array_;
    std::map<std::string, Json> object_;
};

inline std::string Json::dump() const {
    switch (type_) {
    case Type::Null: return "null";
    case Type::Bool: return bool_ ? "true" : "false";
    case Type::Number: {
        if (!string_.empty()) return string_; // the text it was parsed from
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", number_);
        return buf;
    }
    case Type::String: return jsonQuote(string_);
    case Type::Array: {
        std::string out = "[";
        for (size_t i = 0; i < array_.size(); ++i) out += (i ? "," : "") + array_[i].dump();
        return out + "]";
    }
    case Type::Object: {
        std::string out = "{";
        for (const auto& [key, value] : object_) out += (out.size() > 1 ? "," : "") + jsonQuote(key) + ":" + value.dump();
        return out + "}";
    }
    }
    return "null";
}

} // namespace dadns::sdk
