// The HTTP API server: Poco's HTTPServer with a bounded thread pool and queue, one request
// handler that routes, authenticates, limits bodies, maps errors to JSON and counts metrics.
#pragma once

#include "core/http/BasicAuth.hpp"
#include "core/http/Router.hpp"
#include "core/metrics/MetricsRegistry.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class HTTPServerParams;
} // namespace Net
} // namespace Poco

namespace dadns {

struct ApiServerOptions {
    std::string address = "127.0.0.1";
    int port = 2222;
    int threads = 16;
    int queue = 256;
    size_t maxBodyBytes = 8 * 1024 * 1024;
    bool publicStatus = true;
    std::chrono::milliseconds timeout{30000};
    // HTTPS listener on the same address, same routes: on when tlsPort >= 0 (0 = any free port).
    int tlsPort = -1;
    std::string tlsCert; // PEM certificate (chain) file
    std::string tlsKey;  // PEM private key file
};

class ApiServer {
public:
    ApiServer(ApiServerOptions options, Credentials credentials, Router& router, MetricsRegistry& metrics);
    ~ApiServer();

    // Binds and starts serving; throws std::runtime_error with a clear reason (port in use).
    void start();
    // Stops accepting, then waits up to grace for requests in flight.
    void stop(std::chrono::milliseconds grace);

    int port() const { return boundPort_; }
    int tlsPort() const { return boundTlsPort_; }
    const Credentials& credentials() const { return credentials_; }
    size_t inFlight() const { return inFlight_.load(); }

    class Handler;

private:
    Poco::Net::HTTPServerParams* params() const;

    ApiServerOptions options_;
    Credentials credentials_;
    Router& router_;
    MetricsRegistry& metrics_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::unique_ptr<Poco::Net::HTTPServer> tlsServer_;
    std::atomic<size_t> inFlight_{0};
    int boundPort_ = 0;
    int boundTlsPort_ = -1;
};

} // namespace dadns
