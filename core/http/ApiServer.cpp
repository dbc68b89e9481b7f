#include "core/http/ApiServer.hpp"

#include "core/log/Logging.hpp"
#include "core/util/Errors.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <mutex>
#include <optional>
#include <thread>

namespace dadns {
namespace {

constexpr const char* kRequestsHelp = "HTTP requests answered, by route, method and status.";
constexpr const char* kLatencyHelp = "HTTP request handling time in seconds, by route and status.";

struct InFlightGuard {
    explicit InFlightGuard(std::atomic<size_t>& n) : n_(n) { ++n_; }
    ~InFlightGuard() { --n_; }
    std::atomic<size_t>& n_;
};

// Reads the body, refusing more than limit bytes: a declared length over the limit is
// refused before reading anything, an undeclared (chunked) one as soon as it passes it.
bool readBody(Poco::Net::HTTPServerRequest& request, size_t limit, std::string& body) {
    if (request.hasContentLength()) {
        auto length = request.getContentLength64();
        if (length < 0 || static_cast<uint64_t>(length) > limit) return false;
        body.reserve(static_cast<size_t>(length));
    }
    std::istream& in = request.stream();
    char buf[16384];
    while (in) {
        in.read(buf, sizeof buf);
        auto n = static_cast<size_t>(in.gcount());
        if (body.size() + n > limit) return false;
        body.append(buf, n);
    }
    return true;
}

} // namespace

class ApiServer::Handler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(ApiServer& server) : server_(server) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        InFlightGuard guard(server_.inFlight_);
        auto started = std::chrono::steady_clock::now();
        ApiResponse out;
        std::string routeLabel = "unmatched";
        try {
            routeLabel = handle(request, out);
        } catch (const HttpError& e) {
            out.json(e.status, jsonError(e.what()));
        } catch (const InvalidInput& e) {
            out.json(400, jsonError(e.what()));
        } catch (const NotFound& e) {
            out.json(404, jsonError(e.what()));
        } catch (const std::exception& e) {
            logger("http")->error("{} {}: {}", request.getMethod(), request.getURI(), e.what());
            out.json(500, jsonError(std::string("internal error: ") + e.what()));
        } catch (...) {
            out.json(500, jsonError("internal error"));
        }
        send(request, response, out);
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        server_.metrics_.counterAdd("dadns_http_requests_total", kRequestsHelp,
                                    {{"route", routeLabel}, {"method", request.getMethod()}, {"status", std::to_string(out.status)}});
        server_.metrics_.histogramObserve("dadns_http_request_duration_seconds", kLatencyHelp,
                                          {{"route", routeLabel}, {"status", std::to_string(out.status)}}, seconds);
    }

private:
    std::string handle(Poco::Net::HTTPServerRequest& request, ApiResponse& out) {
        ApiRequest in;
        in.method = request.getMethod();
        const std::string& uri = request.getURI();
        auto q = uri.find('?');
        std::string rawPath = uri.substr(0, q);
        in.query = q == std::string::npos ? "" : uri.substr(q + 1);
        if (rawPath.empty() || rawPath[0] != '/') throw InvalidInput("request target must be an absolute path");
        if (rawPath.find('\0') != std::string::npos) throw InvalidInput("NUL byte in request path");
        in.path = rawPath;
        try {
            Poco::URI parsed(uri);
            for (const auto& [k, v] : parsed.getQueryParameters()) in.params.emplace(k, v);
        } catch (const Poco::Exception& e) {
            throw InvalidInput("malformed request target: " + e.message());
        }
        for (const auto& [name, value] : request) in.headers.emplace_back(name, value);
        in.contentType = request.getContentType();
        in.remoteAddress = request.clientAddress().host().toString();
        in.httpVersion = request.getVersion();

        bool methodMismatch = false;
        auto match = server_.router_.match(in.method, in.path, methodMismatch);
        if (!match) {
            if (methodMismatch) throw HttpError(405, "method " + in.method + " not allowed on " + in.path);
            throw NotFound("no such endpoint: " + in.path);
        }
        const Route& route = *match->route;
        in.pathParams = std::move(match->pathParams);

        bool authorized = false;
        if (request.has("Authorization")) {
            auto creds = parseBasicAuth(request.get("Authorization"));
            if (creds && server_.credentials_.check(creds->first, creds->second)) {
                authorized = true;
                in.authUser = creds->first;
            }
        }
        bool needsAuth = route.access == RouteAccess::Mutate || (route.access == RouteAccess::Read && !server_.options_.publicStatus);
        if (needsAuth && !authorized) {
            out.json(401, jsonError(request.has("Authorization") ? "invalid credentials" : "authentication required"));
            out.headers.emplace_back("WWW-Authenticate", "Basic realm=\"dadns\"");
            return route.pattern;
        }
        if (!readBody(request, server_.options_.maxBodyBytes, in.body)) {
            out.json(413, jsonError("request body larger than http.max_body_bytes (" + std::to_string(server_.options_.maxBodyBytes) + " bytes)"));
            out.headers.emplace_back("Connection", "close");
            return route.pattern;
        }
        route.handler(in, out);
        return route.pattern;
    }

    static void send(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const ApiResponse& out) {
        auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status);
        response.setStatusAndReason(status, Poco::Net::HTTPResponse::getReasonForStatus(status));
        response.setContentType(out.contentType);
        bool close = false;
        for (const auto& [name, value] : out.headers) {
            if (name == "Connection" && value == "close") close = true;
            else response.add(name, value);
        }
        if (close || out.status == 413) response.setKeepAlive(false);
        response.setContentLength64(static_cast<Poco::Int64>(out.body.size()));
        if (request.getMethod() == "HEAD") {
            response.send();
            return;
        }
        response.sendBuffer(out.body.data(), out.body.size());
    }

    ApiServer& server_;
};

namespace {

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit HandlerFactory(ApiServer& server) : server_(server) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new ApiServer::Handler(server_);
    }

private:
    ApiServer& server_;
};

} // namespace

ApiServer::ApiServer(ApiServerOptions options, Credentials credentials, Router& router, MetricsRegistry& metrics)
    : options_(std::move(options)), credentials_(std::move(credentials)), router_(router), metrics_(metrics) {}

ApiServer::~ApiServer() {
    if (tlsServer_) tlsServer_->stopAll(true);
    if (server_) server_->stopAll(true);
}

namespace {

// Binds and listens, or throws a clear reason (e.g. the port is in use).
void listenOn(Poco::Net::ServerSocket& socket, const std::string& address, int port, int queue) {
    try {
        socket.bind(Poco::Net::SocketAddress(address, static_cast<Poco::UInt16>(port)), true, false);
        socket.listen(queue);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + ": " + e.displayText());
    }
}

Poco::Net::Context::Ptr tlsContext(const ApiServerOptions& o) {
    static std::once_flag initialized;
    std::call_once(initialized, [] { Poco::Net::initializeSSL(); });
    try {
        Poco::Net::Context::Params params;
        params.certificateFile = o.tlsCert;
        params.privateKeyFile = o.tlsKey;
        params.verificationMode = Poco::Net::Context::VERIFY_NONE; // clients authenticate with Basic auth
        params.loadDefaultCAs = false;
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 | Poco::Net::Context::PROTO_TLSV1 |
                                  Poco::Net::Context::PROTO_TLSV1_1);
        return context;
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot use the TLS certificate " + o.tlsCert + " and key " + o.tlsKey + ": " + e.displayText());
    }
}

} // namespace

Poco::Net::HTTPServerParams* ApiServer::params() const {
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options_.threads);
    params->setMaxQueued(options_.queue);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout).count()));
    params->setServerName("dadns");
    return params;
}

void ApiServer::start() {
    Poco::Net::ServerSocket socket;
    listenOn(socket, options_.address, options_.port, options_.queue);
    boundPort_ = socket.address().port();
    std::optional<Poco::Net::SecureServerSocket> tlsSocket;
    if (options_.tlsPort >= 0) {
        tlsSocket.emplace(tlsContext(options_));
        listenOn(*tlsSocket, options_.address, options_.tlsPort, options_.queue);
        boundTlsPort_ = tlsSocket->address().port();
    }
    // One pool for both listeners: a worker serves whichever connection comes.
    int listeners = tlsSocket ? 2 : 1;
    pool_ = std::make_unique<Poco::ThreadPool>(2, options_.threads * listeners + listeners, 60, 0);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(*this), *pool_, socket, params());
    server_->start();
    if (tlsSocket) {
        tlsServer_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(*this), *pool_, *tlsSocket, params());
        tlsServer_->start();
    }
}

void ApiServer::stop(std::chrono::milliseconds grace) {
    if (!server_) return;
    server_->stop(); // no new connections
    if (tlsServer_) tlsServer_->stop();
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (inFlight_.load() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (inFlight_.load() > 0) logger("http")->warn("{} request(s) still running after the shutdown grace period", inFlight_.load());
    server_->stopAll(true); // close idle keep-alive connections too
    if (tlsServer_) tlsServer_->stopAll(true);
    pool_->joinAll();
    tlsServer_.reset();
    server_.reset();
}

} // namespace dadns
