// How one configuration value is read as each kind of setting (settings.hpp declares which
// kind a key is). Every reader takes the JSON value the host handed over and either gives the
// value or says what is wrong with it, in words an operator can act on.
//
// The host turns YAML into JSON: a bare scalar that looks like a number arrives as a number
// (its text kept: "0644" stays "0644"), true/false/yes/no/on/off as a boolean, anything else
// as a string. So a text setting accepts numbers and booleans as their text, and a number
// setting accepts a string of digits.
#pragma once

#include <dadns/sdk/json.hpp>

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

namespace dadns::sdk::setting_values {

// A value read, or the problem with it (value is meaningless when problem is not empty).
template <class T>
struct Read {
    T value{};
    std::string problem;
};

inline bool isScalar(const Json& v) {
    return v.type() == Json::Type::String || v.type() == Json::Type::Number || v.type() == Json::Type::Bool;
}

inline Read<std::string> readText(const Json& v) {
    if (!isScalar(v)) return {{}, "must be a string"};
    return {v.asString(), ""};
}

// A whole number: digits with an optional '-' (a JSON number or a string), or a JSON number
// that is whole as written otherwise ("2.0", "1e3"). A fraction, other text, or a value beyond
// the range of long long is refused.
inline Read<long long> readInteger(const Json& v) {
    if (v.type() != Json::Type::Number && v.type() != Json::Type::String) return {0, "must be a whole number"};
    const std::string& text = v.asString();
    long long out = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec == std::errc::result_out_of_range) return {0, "must be a whole number within range, got '" + text + "'"};
    if (ec == std::errc() && end == text.data() + text.size()) return {out, ""};
    double d = v.asNumber();
    if (v.type() == Json::Type::Number && std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18)
        return {static_cast<long long>(d), ""};
    return {0, "must be a whole number, got '" + text + "'"};
}

inline Read<bool> readFlag(const Json& v) {
    if (v.type() == Json::Type::Bool) return {v.asBool(), ""};
    if (v.type() == Json::Type::String || v.type() == Json::Type::Number) {
        const std::string& t = v.asString();
        if (t == "true" || t == "yes" || t == "on" || t == "1") return {true, ""};
        if (t == "false" || t == "no" || t == "off" || t == "0") return {false, ""};
    }
    return {false, "must be true or false"};
}

// A number with an optional unit suffix: the number, and the suffix as written.
inline bool splitUnit(const std::string& text, double& number, std::string& unit) {
    size_t end = text.size();
    while (end > 0 && std::isalpha(static_cast<unsigned char>(text[end - 1]))) --end;
    std::string digits = text.substr(0, end);
    unit = text.substr(end);
    if (digits.empty() || digits.find_first_not_of("0123456789.") != std::string::npos) return false;
    char* stop = nullptr;
    number = std::strtod(digits.c_str(), &stop);
    return stop && *stop == '\0' && std::isfinite(number);
}

// A duration: a number of seconds, or a number with ms, s, m or h ("1500ms", "5s", "2m").
inline Read<std::chrono::milliseconds> readDuration(const Json& v) {
    const char* expected = "must be a duration such as 5, \"5s\", \"1500ms\", \"2m\" or \"1h\"";
    if (v.type() != Json::Type::Number && v.type() != Json::Type::String) return {{}, expected};
    double number = 0;
    std::string unit;
    if (!splitUnit(v.asString(), number, unit)) return {{}, std::string(expected) + ", got '" + v.asString() + "'"};
    double factor = unit == "ms" ? 1 : unit.empty() || unit == "s" ? 1000 : unit == "m" ? 60000 : unit == "h" ? 3600000 : -1;
    if (factor < 0 || number * factor > 1e15) return {{}, std::string(expected) + ", got '" + v.asString() + "'"};
    return {std::chrono::milliseconds(static_cast<long long>(std::llround(number * factor))), ""};
}

// A size in bytes: a number, or a number with k, M or G (powers of 1024): "64k", "16M".
inline Read<uint64_t> readSize(const Json& v) {
    const char* expected = "must be a size such as 65536, \"64k\", \"16M\" or \"1G\"";
    if (v.type() != Json::Type::Number && v.type() != Json::Type::String) return {0, expected};
    double number = 0;
    std::string unit;
    if (!splitUnit(v.asString(), number, unit)) return {0, std::string(expected) + ", got '" + v.asString() + "'"};
    double factor = unit.empty() ? 1 : unit == "k" || unit == "K" ? 1024.0 : unit == "M" ? 1048576.0 : unit == "G" ? 1073741824.0 : -1;
    if (factor < 0 || number * factor > 9e18 || number * factor != std::floor(number * factor))
        return {0, std::string(expected) + ", got '" + v.asString() + "'"};
    return {static_cast<uint64_t>(number * factor), ""};
}

// Permission bits written in octal, as chmod takes them: 644, "0644", "0600".
inline Read<unsigned> readMode(const Json& v) {
    if (v.type() != Json::Type::Number && v.type() != Json::Type::String) return {0, "must be octal permission bits such as \"0644\""};
    const std::string& t = v.asString();
    if (t.empty() || t.size() > 5 || t.find_first_not_of("01234567") != std::string::npos)
        return {0, "must be octal permission bits such as \"0644\", got '" + t + "'"};
    unsigned mode = static_cast<unsigned>(std::strtoul(t.c_str(), nullptr, 8));
    if (mode > 07777) return {0, "must be octal permission bits no larger than 07777, got '" + t + "'"};
    return {mode, ""};
}

// A list of strings: a YAML sequence of scalars.
inline Read<std::vector<std::string>> readList(const Json& v) {
    if (!v.isArray()) return {{}, "must be a list"};
    std::vector<std::string> out;
    for (size_t i = 0; i < v.items().size(); ++i) {
        if (!isScalar(v.items()[i])) return {{}, "item " + std::to_string(i + 1) + " must be a string"};
        out.push_back(v.items()[i].asString());
    }
    return {out, ""};
}

// A command: a list of arguments, or one string split at spaces (no shell, no quoting).
inline Read<std::vector<std::string>> readCommand(const Json& v) {
    if (v.isArray()) return readList(v);
    if (!isScalar(v)) return {{}, "must be a command: a list of arguments or one string"};
    std::vector<std::string> out;
    const std::string& t = v.asString();
    for (size_t pos = 0; pos < t.size();) {
        size_t start = t.find_first_not_of(" \t", pos);
        if (start == std::string::npos) break;
        size_t end = t.find_first_of(" \t", start);
        out.push_back(t.substr(start, end == std::string::npos ? std::string::npos : end - start));
        pos = end == std::string::npos ? t.size() : end;
    }
    return {out, ""};
}

} // namespace dadns::sdk::setting_values
