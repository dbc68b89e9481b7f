// The HTTP API server: the event-driven connection layer (HttpFrontEnd) serving the router.
// It screens each request's head on the loop thread (route, method, credentials) so a refused
// request's body is never read, and runs handlers on workers, mapping errors to JSON and
// counting metrics.
#pragma once

#include "core/http/BasicAuth.hpp"
#include "core/http/HttpFrontEnd.hpp"
#include "core/http/Router.hpp"
#include "core/metrics/MetricsRegistry.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace dadns {

class ApiServer final : private HttpService {
public:
    ApiServer(ApiServerOptions options, Credentials credentials, Router& router, MetricsRegistry& metrics);
    ~ApiServer() override;

    // Binds and starts serving; throws std::runtime_error with a clear reason (port in use).
    void start();
    // Stops accepting, then waits up to grace for requests in flight.
    void stop(std::chrono::milliseconds grace);

    int port() const { return frontEnd_.port(); }
    int tlsPort() const { return frontEnd_.tlsPort(); }
    const Credentials& credentials() const { return credentials_; }
    size_t inFlight() const { return frontEnd_.handling(); }

private:
    // What the route table and the credentials say about a request.
    struct Admission {
        std::optional<RouteMatch> match;
        std::string routeLabel = "unmatched";
        std::string authUser;
        std::optional<ApiResponse> refusal;
    };
    // The route, the credentials and the request's site (CrossSite.hpp) decide.
    Admission admit(const HttpRequestHead& head, const std::string& path) const;

    std::optional<ApiResponse> screen(const HttpRequestHead& head, const std::string& peer) override;
    ApiResponse handle(const HttpRequestHead& head, std::string body, const std::string& peer) override;
    void answeredLocally(const std::string& method, int status) override;
    void count(const std::string& route, const std::string& method, int status, double seconds);

    ApiServerOptions options_;
    Credentials credentials_;
    Router& router_;
    MetricsRegistry& metrics_;
    HttpFrontEnd frontEnd_;
    bool started_ = false;
};

} // namespace dadns
