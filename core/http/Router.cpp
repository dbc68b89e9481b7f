#include "core/http/Router.hpp"

#include "core/util/Errors.hpp"

#include <Poco/URI.h>

#include <algorithm>
#include <mutex>

namespace dadns {
namespace {

std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    size_t pos = 1;
    while (pos <= path.size()) {
        size_t next = path.find('/', pos);
        if (next == std::string::npos) next = path.size();
        out.push_back(path.substr(pos, next - pos));
        pos = next + 1;
    }
    return out;
}

bool isPrefix(const std::string& pattern) { return !pattern.empty() && pattern.back() == '*'; }

} // namespace

void Router::add(Route route) {
    std::unique_lock lock(mutex_);
    for (const auto& r : routes_)
        if (r->method == route.method && r->pattern == route.pattern)
            throw InvalidInput("route already registered: " + route.method + " " + route.pattern);
    routes_.push_back(std::make_shared<const Route>(std::move(route)));
    // Exact patterns first, then prefixes longest first: the most specific route wins.
    std::stable_sort(routes_.begin(), routes_.end(), [](const auto& a, const auto& b) {
        if (isPrefix(a->pattern) != isPrefix(b->pattern)) return !isPrefix(a->pattern);
        return isPrefix(a->pattern) && a->pattern.size() > b->pattern.size();
    });
}

void Router::removeOwner(const std::string& owner) {
    std::unique_lock lock(mutex_);
    routes_.erase(std::remove_if(routes_.begin(), routes_.end(), [&](const auto& r) { return r->owner == owner; }),
                  routes_.end());
}

bool Router::matchPattern(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
    if (isPrefix(pattern)) return path.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    if (pattern.find('{') == std::string::npos) return pattern == path;
    auto want = segments(pattern);
    auto have = segments(path);
    if (want.size() != have.size()) return false;
    for (size_t i = 0; i < want.size(); ++i) {
        const std::string& w = want[i];
        if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
            if (have[i].empty()) return false;
            std::string decoded;
            Poco::URI::decode(have[i], decoded);
            params[w.substr(1, w.size() - 2)] = decoded;
        } else if (w != have[i]) {
            return false;
        }
    }
    return true;
}

std::optional<RouteMatch> Router::match(const std::string& method, const std::string& path, bool& methodMismatch) const {
    std::shared_lock lock(mutex_);
    methodMismatch = false;
    for (const auto& r : routes_) {
        std::map<std::string, std::string> params;
        if (!matchPattern(r->pattern, path, params)) continue;
        if (r->method != "*" && r->method != method && !(method == "HEAD" && r->method == "GET")) {
            methodMismatch = true;
            continue;
        }
        return RouteMatch{r, std::move(params)};
    }
    return std::nullopt;
}

} // namespace dadns
