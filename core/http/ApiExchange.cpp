#include "core/http/ApiExchange.hpp"

#include <Poco/String.h>

#include <cstdio>

namespace dadns {

std::string ApiRequest::param(const std::string& name, const std::string& def) const {
    auto it = params.find(name);
    return it == params.end() ? def : it->second;
}

std::string ApiRequest::header(const std::string& name) const {
    for (const auto& [n, v] : headers)
        if (Poco::icompare(n, name) == 0) return v;
    return "";
}

std::string jsonQuoted(const std::string& s) {
    std::string out = "\"";
    out.reserve(s.size() + 2);
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

std::string jsonError(const std::string& message) { return "{\"error\":" + jsonQuoted(message) + "}"; }

} // namespace dadns
