// The API's connection layer: one event-loop thread (epoll) owns every client connection and
// reads, parses and writes without blocking; only complete requests go to worker threads.
//
// Why this shape: with a thread per connection (Poco's HTTPServer) a keep-alive reader or a
// client sending its head a byte a second holds a thread, and 33 such clients starved every
// other caller. Here an idle or slow connection costs a file descriptor and a few KB:
// - idle keep-alive connections close after keepAliveTimeout or keepAliveRequests requests,
//   and the oldest idle one is closed first when a connection limit is reached;
// - a request head must be complete within headerTimeout of its first byte (not reset by
//   each byte); bodies and answers may pause at most ioTimeout;
// - reads (GET, HEAD, OPTIONS) and mutations run on separate worker pools, so any number of
//   readers cannot hold back a PUT; a pool whose queue is full answers 503 with Retry-After
//   at once instead of leaving the client waiting;
// - a body that is cut short or stalls never reaches a handler.
// - a streamed answer (server-sent events) is fed from its ResponseStream on this thread, at
//   each tick, as far as the client keeps up; a client that stops reading is closed.
// Connection limits: maxConnections in all and maxConnectionsPerClient per client address;
// past them a new connection's request is answered 503 with Retry-After, then it is closed.
#pragma once

#include "core/http/ApiExchange.hpp"
#include "core/http/ApiServerOptions.hpp"
#include "core/http/HttpRequestParser.hpp"
#include "core/http/WorkerPool.hpp"
#include "core/metrics/MetricsRegistry.hpp"

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

struct epoll_event;

namespace dadns {

class HttpConnection;
class TlsContext;

// What the front end serves. screen and answeredLocally run on the loop thread and must be
// quick; handle runs on a worker.
class HttpService {
public:
    virtual ~HttpService() = default;
    // Once a request's head is there: an answer that ends the request without reading its
    // body (401, 404, 405, ...), or nullopt to read the body and handle it.
    virtual std::optional<ApiResponse> screen(const HttpRequestHead& head, const std::string& peer) = 0;
    virtual ApiResponse handle(const HttpRequestHead& head, std::string body, const std::string& peer) = 0;
    // An answer the front end gave itself (malformed request, too large, busy, timeout).
    virtual void answeredLocally(const std::string& method, int status) = 0;
};

class HttpFrontEnd {
public:
    HttpFrontEnd(HttpFrontEndOptions options, HttpService& service, MetricsRegistry& metrics);
    ~HttpFrontEnd();

    // Binds the listeners and starts the loop and the workers; throws std::runtime_error with
    // a clear reason (port in use, unusable certificate).
    void start();
    // Closes the listeners (new clients are refused); connections already open are served,
    // each closed after its current answer.
    void stopAccepting();
    // Closes every connection and stops the loop, then the workers (after their current job;
    // queued requests are dropped unanswered).
    void stop();

    int port() const { return port_; }
    int tlsPort() const { return tlsPort_; }
    size_t handling() const { return handling_.load(); }
    // Requests being handled or answers being written (after stopAccepting: what a graceful
    // stop waits for).
    size_t unfinished() const { return handling_.load() + writing_.load(); }
    size_t openConnections() const { return open_.load(); }

private:
    struct Listener {
        Poco::Net::ServerSocket socket;
        bool tls = false;
        bool registered = false;
    };
    struct Completion {
        uint64_t connection;
        std::string bytes;
        bool keepAlive;
        std::shared_ptr<ResponseStream> stream; // set: the answer goes on from it
    };

    void loop();
    void acceptFrom(Listener& listener, int64_t now);
    bool admitConnection(const std::string& peer);
    bool closeOldestIdle(const std::string& peer);
    void onEvent(HttpConnection& c, uint32_t events, int64_t now);
    void readAndAdvance(HttpConnection& c, int64_t now);
    void advance(HttpConnection& c, int64_t now);
    void dispatch(HttpConnection& c, int64_t now);
    void round(const epoll_event* events, int n, int64_t now);
    void closeListeners();
    void answer(HttpConnection& c, const ApiResponse& response, bool close, int64_t now);
    void writeOut(HttpConnection& c, int64_t now);
    // Streaming: moves what the stream has into the connection (while the client keeps up)
    // and writes it; a client that takes nothing for ioTimeout is closed.
    void pump(HttpConnection& c, int64_t now);
    // Every tick: pumps every stream, or closes them all once the server stops accepting
    // (a stream never finishes by itself).
    void pumpStreams(int64_t now);
    void drainCompletions(int64_t now);
    void expire(int64_t now);
    void refreshDeadline(HttpConnection& c, int64_t now);
    void watch(HttpConnection& c);
    void close(HttpConnection& c, const char* reason);
    void reap();
    void setListening(bool on);

    HttpFrontEndOptions options_;
    HttpService& service_;
    MetricsRegistry& metrics_;
    std::unique_ptr<TlsContext> tls_;
    std::vector<Listener> listeners_;
    int port_ = 0, tlsPort_ = -1;
    int epoll_ = -1, wakeFd_ = -1;

    // Loop thread only.
    std::unordered_map<uint64_t, std::unique_ptr<HttpConnection>> connections_;
    std::unordered_map<std::string, size_t> perClient_;
    std::vector<uint64_t> closed_; // closed this round, freed at its end
    uint64_t nextId_ = 16; // ids below are the wake-up fd and the listeners
    int64_t acceptPausedUntilMs_ = 0;
    int64_t lastSweepMs_ = 0;
    bool advancing_ = false; // inside readAndAdvance: a finished answer returns to its loop

    std::mutex completionsMutex_;
    std::vector<Completion> completions_;
    std::atomic<size_t> handling_{0}, writing_{0}, open_{0};
    std::atomic<bool> accepting_{true}, stopping_{false};
    std::thread thread_;
    // Last members: destroyed (joined) first, while everything their jobs touch still exists.
    std::unique_ptr<WorkerPool> reads_, mutations_;
};

} // namespace dadns
