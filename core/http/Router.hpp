// Maps method + path to a handler. Core routes use patterns with {name} segments; plugins add
// prefix routes at run time (their owner tag removes them again).
#pragma once

#include "core/http/ApiExchange.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace dadns {

enum class RouteAccess {
    Open,     // always open (liveness)
    Read,     // open unless http.public_status is false
    Mutate,   // needs the API credentials
    Plugin    // the plugin checks credentials itself (DirectAdmin's own protocol)
};

using RouteHandler = std::function<void(ApiRequest&, ApiResponse&)>;

struct Route {
    std::string method;           // "GET", ...; "*" = any
    std::string pattern;          // "/api/v1/zones/{zone}" or a prefix ending in '*'
    RouteAccess access = RouteAccess::Read;
    RouteHandler handler;
    std::string owner;            // plugin instance that registered it; empty for the core
};

struct RouteMatch {
    std::shared_ptr<const Route> route;
    std::map<std::string, std::string> pathParams;
};

class Router {
public:
    void add(Route route);
    // Removes every route an owner registered.
    void removeOwner(const std::string& owner);
    // The best match: exact patterns before prefixes, longer prefixes first. When the path
    // matches but the method does not, methodMismatch is set (HTTP 405).
    std::optional<RouteMatch> match(const std::string& method, const std::string& path, bool& methodMismatch) const;

private:
    static bool matchPattern(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params);

    mutable std::shared_mutex mutex_;
    std::vector<std::shared_ptr<const Route>> routes_;
};

} // namespace dadns
