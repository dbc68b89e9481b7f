#include "core/http/BasicAuth.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/String.h>

#include <sstream>

namespace dadns {

std::optional<std::pair<std::string, std::string>> parseBasicAuth(const std::string& headerValue) {
    std::string value = Poco::trim(headerValue);
    if (value.size() < 6 || Poco::icompare(value.substr(0, 6), "basic ") != 0) return std::nullopt;
    std::string encoded = Poco::trim(value.substr(6));
    if (encoded.size() > 4096) return std::nullopt;
    std::string decoded;
    try {
        std::istringstream in(encoded);
        Poco::Base64Decoder decoder(in);
        std::ostringstream out;
        out << decoder.rdbuf();
        decoded = out.str();
    } catch (const std::exception&) {
        return std::nullopt;
    }
    auto colon = decoded.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::make_pair(decoded.substr(0, colon), decoded.substr(colon + 1));
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
    // Walk the expected value's length whatever the input's, folding in the length difference.
    volatile unsigned char diff = static_cast<unsigned char>(a.size() != b.size());
    for (size_t i = 0; i < b.size(); ++i) {
        unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        diff = static_cast<unsigned char>(diff | (x ^ static_cast<unsigned char>(b[i])));
    }
    return diff == 0;
}

} // namespace dadns
