// Typed read-only views of a Record's presentation-form rdata fields.
#pragma once

#include <dadns/sdk/types.hpp>

#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

namespace dadns::sdk {

namespace detail {
inline const std::string& field(const Record& r, size_t i, size_t expected, const char* type) {
    if (r.type != type || r.rdata.size() < expected)
        throw PermanentError(std::string("record ") + r.owner + " " + r.type + " is not a well-formed " + type);
    return r.rdata[i];
}
inline uint32_t number(const std::string& s) {
    uint64_t v = 0;
    if (s.empty()) throw PermanentError("empty numeric rdata field");
    for (char c : s) {
        if (c < '0' || c > '9') throw PermanentError("non-numeric rdata field '" + s + "'");
        v = v * 10 + static_cast<uint64_t>(c - '0');
        if (v > 0xffffffffULL) throw PermanentError("rdata field out of range '" + s + "'");
    }
    return static_cast<uint32_t>(v);
}
} // namespace detail

// Decodes one master-file character-string: strips the quotes and resolves \X and \DDD escapes.
inline std::string unquoteCharacterString(const std::string& s) {
    size_t begin = 0, end = s.size();
    if (end >= 2 && s.front() == '"' && s.back() == '"') { begin = 1; end -= 1; }
    std::string out;
    out.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) {
        char c = s[i];
        if (c != '\\' || i + 1 >= end) { out.push_back(c); continue; }
        auto digit = [&](size_t k) { return k < end && std::isdigit(static_cast<unsigned char>(s[k])); };
        if (digit(i + 1) && digit(i + 2) && digit(i + 3)) {
            int v = (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
            out.push_back(static_cast<char>(v & 0xff));
            i += 3;
        } else {
            out.push_back(s[i + 1]);
            i += 1;
        }
    }
    return out;
}

struct MxView {
    explicit MxView(const Record& r)
        : preference(detail::number(detail::field(r, 0, 2, "MX"))), host(r.rdata[1]) {}
    uint32_t preference;
    std::string host;
};

struct SrvView {
    explicit SrvView(const Record& r)
        : priority(detail::number(detail::field(r, 0, 4, "SRV"))), weight(detail::number(r.rdata[1])),
          port(detail::number(r.rdata[2])), target(r.rdata[3]) {}
    uint32_t priority, weight, port;
    std::string target;
};

struct SoaView {
    explicit SoaView(const Record& r)
        : mname(detail::field(r, 0, 7, "SOA")), rname(r.rdata[1]), serial(detail::number(r.rdata[2])),
          refresh(detail::number(r.rdata[3])), retry(detail::number(r.rdata[4])),
          expire(detail::number(r.rdata[5])), minimum(detail::number(r.rdata[6])) {}
    std::string mname, rname;
    uint32_t serial, refresh, retry, expire, minimum;
};

struct CaaView {
    explicit CaaView(const Record& r)
        : flag(detail::number(detail::field(r, 0, 3, "CAA"))), tag(r.rdata[1]),
          value(unquoteCharacterString(r.rdata[2])) {}
    uint32_t flag;
    std::string tag, value;
};

// The character-strings of a TXT (or SPF) record, unquoted and unescaped.
inline std::vector<std::string> txtStrings(const Record& r) {
    if (r.type != "TXT" && r.type != "SPF") throw PermanentError("record " + r.owner + " is not TXT");
    std::vector<std::string> out;
    out.reserve(r.rdata.size());
    for (const auto& s : r.rdata) out.push_back(unquoteCharacterString(s));
    return out;
}

// Owner relative to the zone: "" for the apex, "www" for www.example.com. ("@" is not used).
inline std::string relativeOwner(const Record& r, const std::string& zoneName) {
    std::string apex = zoneName + ".";
    if (r.owner == apex) return "";
    if (r.owner.size() > apex.size() && r.owner.compare(r.owner.size() - apex.size(), apex.size(), apex) == 0 &&
        r.owner[r.owner.size() - apex.size() - 1] == '.')
        return r.owner.substr(0, r.owner.size() - apex.size() - 1);
    return r.owner; // out of zone: keep absolute
}

} // namespace dadns::sdk
