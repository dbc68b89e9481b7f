#include "core/http/ApiServer.hpp"

#include "core/http/CrossSite.hpp"
#include "core/log/Logging.hpp"
#include "core/util/Errors.hpp"

#include <Poco/URI.h>

#include <thread>

namespace dadns {
namespace {

constexpr const char* kRequestsHelp = "HTTP requests answered, by route, method and status.";
constexpr const char* kLatencyHelp = "HTTP request handling time in seconds, by route and status.";

// Methods as metric labels: any other token a client sends is "other" (bounded label values).
std::string methodLabel(const std::string& m) {
    static const char* const known[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    for (const char* k : known)
        if (m == k) return m;
    return m.empty() ? "-" : "other";
}

// The path of a request target, or an InvalidInput saying why it is not one.
std::string targetPath(const std::string& target) {
    std::string path = target.substr(0, target.find('?'));
    if (path.empty() || path[0] != '/') throw InvalidInput("request target must be an absolute path");
    return path;
}

// Runs fn, turning the core's exceptions into the JSON error answer each stands for.
template <class Fn>
void answerErrors(ApiResponse& out, const std::string& what, Fn&& fn) {
    try {
        fn();
    } catch (const Unavailable& e) {
        out.json(503, jsonError(e.what()));
        out.headers.emplace_back("Retry-After", std::to_string(e.retryAfterSeconds));
    } catch (const HttpError& e) {
        out.json(e.status, jsonError(e.what()));
    } catch (const InvalidInput& e) {
        out.json(400, jsonError(e.what()));
    } catch (const NotFound& e) {
        out.json(404, jsonError(e.what()));
    } catch (const std::exception& e) {
        logger("http")->error("{}: {}", what, e.what());
        out.json(500, jsonError(std::string("internal error: ") + e.what()));
    } catch (...) {
        out.json(500, jsonError("internal error"));
    }
}

} // namespace

ApiServer::ApiServer(ApiServerOptions options, Credentials credentials, Router& router, MetricsRegistry& metrics)
    : options_(std::move(options)), credentials_(std::move(credentials)), router_(router), metrics_(metrics),
      frontEnd_(options_.connections, *this, metrics_) {}

ApiServer::~ApiServer() { frontEnd_.stop(); }

void ApiServer::start() {
    frontEnd_.start();
    started_ = true;
    metrics_.addCollector([this](MetricsRegistry& m) {
        m.gaugeSet("dadns_http_connections_open", "API connections open.", {}, static_cast<double>(frontEnd_.openConnections()));
        m.gaugeSet("dadns_http_requests_in_flight", "API requests being handled.", {}, static_cast<double>(frontEnd_.handling()));
    });
}

void ApiServer::stop(std::chrono::milliseconds grace) {
    if (!started_) return;
    started_ = false;
    frontEnd_.stopAccepting();
    auto deadline = std::chrono::steady_clock::now() + grace;
    std::this_thread::sleep_for(std::chrono::milliseconds(150)); // one loop round: writes in progress are counted
    while (frontEnd_.unfinished() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (frontEnd_.unfinished() > 0)
        logger("http")->warn("{} request(s) still running or being answered after the shutdown grace period", frontEnd_.unfinished());
    frontEnd_.stop();
}

ApiServer::Admission ApiServer::admit(const HttpRequestHead& head, const std::string& path) const {
    const std::string& method = head.method;
    std::string authorization = head.header("Authorization");
    Admission a;
    bool methodMismatch = false;
    a.match = router_.match(method, path, methodMismatch);
    if (!a.match) {
        a.refusal.emplace();
        if (methodMismatch) a.refusal->json(405, jsonError("method " + method + " not allowed on " + path));
        else a.refusal->json(404, jsonError("no such endpoint: " + path));
        return a;
    }
    const Route& route = *a.match->route;
    a.routeLabel = route.pattern;
    if (!authorization.empty()) {
        auto creds = sdk::parseBasicAuth(authorization);
        if (creds && credentials_.check(creds->user, creds->password)) a.authUser = creds->user;
    }
    bool needsAuth = route.access == RouteAccess::Mutate || (route.access == RouteAccess::Read && !options_.publicStatus);
    if (needsAuth && a.authUser.empty()) {
        a.refusal.emplace();
        a.refusal->json(401, jsonError(authorization.empty() ? "authentication required" : "invalid credentials"));
        if (wantsAuthChallenge(head)) a.refusal->headers.emplace_back("WWW-Authenticate", "Basic realm=\"dadns\"");
        return a;
    }
    if (auto why = crossSiteRefusal(head)) {
        a.refusal.emplace();
        a.refusal->json(403, jsonError(*why));
    }
    return a;
}

std::optional<ApiResponse> ApiServer::screen(const HttpRequestHead& head, const std::string&) {
    std::optional<ApiResponse> refusal;
    std::string route = "unmatched";
    ApiResponse invalid;
    answerErrors(invalid, head.method + " " + head.target, [&] {
        Admission a = admit(head, targetPath(head.target));
        route = a.routeLabel;
        refusal = std::move(a.refusal);
    });
    if (invalid.status != 200) refusal = std::move(invalid);
    if (refusal) count(route, head.method, refusal->status, 0);
    return refusal;
}

ApiResponse ApiServer::handle(const HttpRequestHead& head, std::string body, const std::string& peer) {
    auto started = std::chrono::steady_clock::now();
    ApiResponse out;
    std::string route = "unmatched";
    answerErrors(out, head.method + " " + head.target, [&] {
        ApiRequest in;
        in.method = head.method;
        in.path = targetPath(head.target);
        auto q = head.target.find('?');
        in.query = q == std::string::npos ? "" : head.target.substr(q + 1);
        try {
            Poco::URI parsed(head.target);
            for (const auto& [k, v] : parsed.getQueryParameters()) in.params.emplace(k, v);
        } catch (const Poco::Exception& e) {
            throw InvalidInput("malformed request target: " + e.message());
        }
        in.headers = head.headers;
        in.contentType = head.header("Content-Type");
        in.remoteAddress = peer;
        in.httpVersion = head.version;
        in.body = std::move(body);
        Admission a = admit(head, in.path);
        route = a.routeLabel;
        if (a.refusal) {
            out = std::move(*a.refusal);
            return;
        }
        in.pathParams = std::move(a.match->pathParams);
        in.authUser = std::move(a.authUser);
        a.match->route->handler(in, out);
    });
    count(route, head.method, out.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return out;
}

void ApiServer::answeredLocally(const std::string& method, int status) { count("none", method, status, 0); }

void ApiServer::count(const std::string& route, const std::string& method, int status, double seconds) {
    metrics_.counterAdd("dadns_http_requests_total", kRequestsHelp, {{"route", route}, {"method", methodLabel(method)}, {"status", std::to_string(status)}});
    metrics_.histogramObserve("dadns_http_request_duration_seconds", kLatencyHelp, {{"route", route}, {"status", std::to_string(status)}},
                              seconds);
}

} // namespace dadns
