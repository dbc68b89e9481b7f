#include "core/http/CrossSite.hpp"

#include <Poco/String.h>

namespace dadns {
namespace {

// "https://host:port" -> "host:port" (lower case, the scheme's default port left out); empty
// when it is not a scheme://authority.
std::string originAuthority(const std::string& origin) {
    auto scheme = origin.find("://");
    if (scheme == std::string::npos) return "";
    std::string authority = Poco::toLower(origin.substr(scheme + 3));
    if (authority.empty() || authority.find_first_of("/?#@") != std::string::npos) return "";
    std::string defaultPort = Poco::toLower(origin.substr(0, scheme)) == "https" ? ":443" : ":80";
    if (authority.size() > defaultPort.size() && authority.compare(authority.size() - defaultPort.size(), std::string::npos, defaultPort) == 0)
        authority.resize(authority.size() - defaultPort.size());
    return authority;
}

// The Host header without a default port (which of the two it is cannot be told from the
// head; both are left out).
std::string hostAuthority(const std::string& host) {
    std::string h = Poco::toLower(host);
    for (std::string port : {":80", ":443"})
        if (h.size() > port.size() && h.compare(h.size() - port.size(), std::string::npos, port) == 0) return h.substr(0, h.size() - port.size());
    return h;
}

} // namespace

std::optional<std::string> crossSiteRefusal(const HttpRequestHead& head) {
    if (isSafeMethod(head.method)) return std::nullopt;
    std::string site = Poco::toLower(head.header("Sec-Fetch-Site"));
    if (!site.empty()) {
        if (site == "same-origin" || site == "none") return std::nullopt;
        return "cross-site request refused: a mutation must come from the console's own origin (Sec-Fetch-Site: " + site + ")";
    }
    std::string origin = head.header("Origin");
    if (origin.empty()) return std::nullopt;
    std::string host = hostAuthority(head.header("Host"));
    std::string from = originAuthority(origin);
    if (!from.empty() && !host.empty() && from == host) return std::nullopt;
    return "cross-site request refused: Origin " + origin + " is not this server";
}

bool wantsAuthChallenge(const HttpRequestHead& head) {
    std::string mode = Poco::toLower(head.header("Sec-Fetch-Mode"));
    return mode.empty() || mode == "navigate";
}

} // namespace dadns
