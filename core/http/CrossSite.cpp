#include "core/http/CrossSite.hpp"

#include <Poco/String.h>

namespace dadns {
namespace {

bool safeMethod(const std::string& m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

// "https://host:port" -> "host:port" (lower case); empty when it is not a scheme://authority.
std::string originAuthority(const std::string& origin) {
    auto scheme = origin.find("://");
    if (scheme == std::string::npos) return "";
    std::string authority = origin.substr(scheme + 3);
    if (authority.empty() || authority.find_first_of("/?#@") != std::string::npos) return "";
    return Poco::toLower(authority);
}

} // namespace

std::optional<std::string> crossSiteRefusal(const HttpRequestHead& head) {
    if (safeMethod(head.method)) return std::nullopt;
    std::string site = Poco::toLower(head.header("Sec-Fetch-Site"));
    if (!site.empty()) {
        if (site == "same-origin" || site == "none") return std::nullopt;
        return "cross-site request refused: a mutation must come from the console's own origin (Sec-Fetch-Site: " + site + ")";
    }
    std::string origin = head.header("Origin");
    if (origin.empty()) return std::nullopt;
    std::string host = Poco::toLower(head.header("Host"));
    std::string from = originAuthority(origin);
    // A default port is left out of Origin by the browser but may be in Host, or the other way round.
    auto withoutDefaultPort = [](std::string a) {
        for (const char* p : {":80", ":443"})
            if (a.size() > 4 && a.compare(a.size() - std::char_traits<char>::length(p), std::string::npos, p) == 0)
                return a.substr(0, a.size() - std::char_traits<char>::length(p));
        return a;
    };
    if (!from.empty() && !host.empty() && withoutDefaultPort(from) == withoutDefaultPort(host)) return std::nullopt;
    return "cross-site request refused: Origin " + origin + " is not this server";
}

bool wantsAuthChallenge(const HttpRequestHead& head) {
    std::string mode = Poco::toLower(head.header("Sec-Fetch-Mode"));
    return mode.empty() || mode == "navigate";
}

} // namespace dadns
