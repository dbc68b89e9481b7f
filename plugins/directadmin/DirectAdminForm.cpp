#include "DirectAdminForm.hpp"

#include <dadns/sdk/http.hpp>

#include <Poco/Base64Decoder.h>

#include <sstream>

namespace dadns::directadmin {

Params requestParams(std::string_view query, std::string_view body, bool bodyIsForm) {
    Params params = sdk::parseForm(query);
    if (bodyIsForm)
        for (auto& [k, v] : sdk::parseForm(body)) params[k] = v;
    return params;
}

std::string reply(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + sdk::urlEncode(v);
    return out;
}

std::string errorReply(const std::string& text) { return reply({{"error", "1"}, {"text", text}}); }

std::optional<std::pair<std::string, std::string>> basicCredentials(std::string_view header) {
    if (header.size() < 6) return std::nullopt;
    std::string scheme(header.substr(0, 6));
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "basic ") return std::nullopt;
    std::string encoded(header.substr(6));
    while (!encoded.empty() && encoded.front() == ' ') encoded.erase(encoded.begin());
    if (encoded.size() > 4096) return std::nullopt;
    std::string decoded;
    try {
        std::istringstream in(encoded);
        Poco::Base64Decoder decoder(in);
        std::ostringstream out;
        out << decoder.rdbuf();
        decoded = out.str();
    } catch (...) {
        return std::nullopt;
    }
    auto colon = decoded.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::make_pair(decoded.substr(0, colon), decoded.substr(colon + 1));
}

} // namespace dadns::directadmin
