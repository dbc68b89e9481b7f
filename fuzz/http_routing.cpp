// Routing of a request target: path and query string as the API server splits and decodes them
// (ApiServer::handle), matched against the core's route table and the plugins' prefix routes.
// Properties: nothing but the documented errors is thrown; a match is the route the path
// names (pattern segments equal, parameters non-empty); a method mismatch is reported only
// when some route has that path.
//
// Input layout: a method up to the first '\n', then the request target.
#include "FuzzCheck.hpp"

#include "core/http/ApiExchange.hpp"
#include "core/http/Router.hpp"
#include "core/util/Errors.hpp"

#include <dadns/sdk/http.hpp>

#include <Poco/Exception.h>
#include <Poco/URI.h>

using namespace dadns;

namespace {

// The patterns the core registers (core/api/*Routes.cpp) and the prefixes the in-tree plugins
// register (as HostBridge does: the prefix and '*').
const std::vector<std::pair<std::string, std::string>> kRoutes = {
    {"GET", "/health"},
    {"GET", "/api/v1/status"},
    {"GET", "/api/v1/plugins"},
    {"GET", "/metrics"},
    {"GET", "/api/v1/zones"},
    {"GET", "/api/v1/zones/{zone}"},
    {"PUT", "/api/v1/zones/{zone}"},
    {"DELETE", "/api/v1/zones/{zone}"},
    {"POST", "/api/v1/zones/{zone}/records"},
    {"DELETE", "/api/v1/zones/{zone}/records"},
    {"GET", "/api/v1/zones/{zone}/history"},
    {"POST", "/api/v1/zones/{zone}/rollback"},
    {"GET", "/api/v1/backends"},
    {"GET", "/api/v1/queue"},
    {"POST", "/api/v1/backends/{name}/redrive"},
    {"POST", "/api/v1/backends/{name}/drift"},
    {"POST", "/api/v1/hosts*"},
    {"DELETE", "/api/v1/hosts/*"},
    {"GET", "/api/v1/hosts*"},
    {"GET", "/api/v1/cluster*"},
    {"POST", "/api/v1/cluster/sync*"},
    {"POST", "/api/v1/cluster/digest*"},
    {"GET", "/api/v1/cluster/zones/*"},
    {"*", "/CMD_API_LOGIN_TEST*"},
    {"*", "/CMD_API_DNS_ADMIN*"},
};

const Router& router() {
    static Router* r = [] {
        auto* out = new Router;
        for (const auto& [method, pattern] : kRoutes)
            out->add({method, pattern, RouteAccess::Read, [](ApiRequest&, ApiResponse&) {}, ""});
        return out;
    }();
    return *r;
}

std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= path.size()) {
        size_t next = path.find('/', pos);
        if (next == std::string::npos) next = path.size();
        out.push_back(path.substr(pos, next - pos));
        pos = next + 1;
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input = fuzz::text(data, size);
    size_t nl = input.find('\n');
    if (nl == std::string_view::npos) return 0;
    std::string method(input.substr(0, nl));
    std::string target(input.substr(nl + 1));

    // As ApiServer::handle: the path before '?', which must be absolute; the query decoded by Poco.
    std::string path = target.substr(0, target.find('?'));
    if (path.empty() || path[0] != '/') return 0;
    ApiRequest req;
    req.path = path;
    auto q = target.find('?');
    req.query = q == std::string::npos ? "" : target.substr(q + 1);
    try {
        Poco::URI parsed(target);
        for (const auto& [k, v] : parsed.getQueryParameters()) req.params.emplace(k, v);
    } catch (const Poco::Exception&) {
        return 0; // answered 400 "malformed request target"
    }
    (void)req.param("wait");
    (void)sdk::parseForm(req.query); // what a plugin reads from the same query

    bool methodMismatch = false;
    auto match = router().match(method, path, methodMismatch);
    if (!match) return 0;
    const std::string& pattern = match->route->pattern;
    fuzz::check(match->route->method == "*" || match->route->method == method || (method == "HEAD" && match->route->method == "GET"),
                "the method matches");
    if (pattern.back() == '*') {
        fuzz::check(path.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0, "a prefix route's prefix");
        fuzz::check(match->pathParams.empty(), "prefix routes have no parameters");
        return 0;
    }
    auto want = segments(pattern), have = segments(path);
    fuzz::check(want.size() == have.size(), "as many segments as the pattern");
    for (size_t i = 0; i < want.size(); ++i) {
        if (want[i].size() > 2 && want[i].front() == '{') {
            fuzz::check(!have[i].empty(), "a path parameter is not empty");
            fuzz::check(match->pathParams.count(want[i].substr(1, want[i].size() - 2)) == 1, "a path parameter is named");
        } else {
            fuzz::check(want[i] == have[i], "a fixed segment is equal");
        }
    }
    return 0;
}
