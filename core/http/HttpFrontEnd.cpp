#include "core/http/HttpFrontEnd.hpp"

#include "core/http/HttpConnection.hpp"
#include "core/http/HttpResponseText.hpp"
#include "core/http/TlsContext.hpp"
#include "core/log/Logging.hpp"
#include "core/util/WallClock.hpp"

#include <Poco/Net/NetException.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace dadns {
namespace {

constexpr uint64_t kWakeId = 0;        // epoll id of the wake-up eventfd; listeners are 1 + index
constexpr int kTickMs = 100;           // deadlines are checked this often
constexpr int64_t kLingerMs = 2000;    // how long a closing connection's late bytes are discarded
constexpr size_t kReadBuffer = 256 * 1024; // unparsed bytes read ahead per connection
constexpr size_t kRefusalSlots = 256;      // connections over the limit kept just to answer 503
constexpr size_t kStreamBuffer = 64 * 1024; // a stream's bytes queued for a client at most

const char* const kConnectionsHelp = "API connections closed by the server, by reason.";

std::string peerAddress(const sockaddr_storage& addr) {
    char buf[INET6_ADDRSTRLEN] = "";
    if (addr.ss_family == AF_INET) inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, buf, sizeof buf);
    else if (addr.ss_family == AF_INET6) inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, buf, sizeof buf);
    return buf;
}

// Raises the open-files limit to its hard maximum: every connection is a descriptor.
size_t raiseFileLimit() {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
    if (lim.rlim_cur < lim.rlim_max) {
        rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    return lim.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<size_t>(lim.rlim_cur);
}

void listenOn(Poco::Net::ServerSocket& socket, const std::string& address, int port) {
    try {
        socket.bind(Poco::Net::SocketAddress(address, static_cast<Poco::UInt16>(port)), true, false);
        socket.listen(1024);
        socket.setBlocking(false);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + ": " + e.displayText());
    }
}

ApiResponse errorResponse(int status, const std::string& message) {
    ApiResponse r;
    r.json(status, jsonError(message));
    return r;
}

// The answer to a connection past a limit: written once, best effort, then the socket closes.
void refuseConnection(int fd) {
    std::string busy = renderHttpResponse(errorResponse(503, "too many connections; retry later"), false, false);
    (void)!::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
}

} // namespace

HttpFrontEnd::HttpFrontEnd(HttpFrontEndOptions options, HttpService& service, MetricsRegistry& metrics)
    : options_(std::move(options)), service_(service), metrics_(metrics) {}

HttpFrontEnd::~HttpFrontEnd() { stop(); }

void HttpFrontEnd::start() {
    size_t files = raiseFileLimit();
    size_t usable = files > 512 ? files - 512 : 64; // room for the store, plugins, backends and refusals
    if (options_.maxConnections > usable) {
        logger("http")->warn("http.max_connections {} exceeds what the open-files limit ({}) allows; using {}", options_.maxConnections,
                             files, usable);
        options_.maxConnections = usable;
    }
    if (options_.tlsPort >= 0) tls_ = std::make_unique<TlsContext>(options_.tlsCert, options_.tlsKey);
    listeners_.resize(tls_ ? 2 : 1);
    listenOn(listeners_[0].socket, options_.address, options_.port);
    port_ = listeners_[0].socket.address().port();
    if (tls_) {
        listeners_[1].tls = true;
        listenOn(listeners_[1].socket, options_.address, options_.tlsPort);
        tlsPort_ = listeners_[1].socket.address().port();
    }
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_ < 0 || wakeFd_ < 0) throw std::runtime_error(std::string("cannot create the API's event loop: ") + std::strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeId;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wakeFd_, &ev);
    setListening(true);
    reads_ = std::make_unique<WorkerPool>("http-read", options_.readThreads, options_.queue);
    mutations_ = std::make_unique<WorkerPool>("http-mutate", options_.mutationThreads, options_.queue);
    thread_ = std::thread([this] { loop(); });
}

void HttpFrontEnd::setListening(bool on) {
    for (size_t i = 0; i < listeners_.size(); ++i) {
        Listener& l = listeners_[i];
        if (l.registered == on) continue;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = 1 + i;
        epoll_ctl(epoll_, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, l.socket.impl()->sockfd(), &ev);
        l.registered = on;
    }
}

void HttpFrontEnd::stopAccepting() {
    accepting_ = false;
    if (wakeFd_ >= 0) (void)!::eventfd_write(wakeFd_, 1);
}

void HttpFrontEnd::stop() {
    if (thread_.joinable()) {
        stopping_ = true;
        (void)!::eventfd_write(wakeFd_, 1);
        thread_.join();
    }
    if (reads_) reads_->stop();
    if (mutations_) mutations_->stop();
    for (auto& l : listeners_) l.socket.close();
    listeners_.clear();
    if (epoll_ >= 0) ::close(epoll_);
    if (wakeFd_ >= 0) ::close(wakeFd_);
    epoll_ = wakeFd_ = -1;
}

void HttpFrontEnd::loop() {
    // OpenSSL writes with write(2): a client that reset its connection would raise SIGPIPE and
    // end the process. Blocked here, in the only thread that writes to clients, it becomes EPIPE.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    std::vector<epoll_event> events(256);
    while (!stopping_) {
        int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), kTickMs);
        try {
            round(events.data(), n, nowMs());
        } catch (const std::exception& e) { // out of memory, most likely: the loop goes on
            logger("http")->error("API event loop: {}", e.what());
        } catch (...) {
            logger("http")->error("API event loop: unknown exception");
        }
    }
    connections_.clear();
    perClient_.clear();
    open_ = 0;
}

// One round of the loop: the ready sockets, the workers' answers, listeners, deadlines.
void HttpFrontEnd::round(const epoll_event* events, int n, int64_t now) {
    for (int i = 0; i < n; ++i) {
        uint64_t id = events[i].data.u64;
        if (id == kWakeId) {
            eventfd_t ignored;
            (void)!::eventfd_read(wakeFd_, &ignored);
            continue;
        }
        if (id <= listeners_.size()) {
            acceptFrom(listeners_[id - 1], now);
            continue;
        }
        auto it = connections_.find(id);
        if (it == connections_.end()) continue; // closed earlier in this round
        try {
            onEvent(*it->second, events[i].events, now);
        } catch (const std::exception& e) { // e.g. out of memory: that client loses, the loop goes on
            logger("http")->error("connection from {}: {}", it->second->peer(), e.what());
            close(*it->second, "error");
        }
    }
    drainCompletions(now);
    if (now - lastSweepMs_ >= kTickMs) pumpStreams(now);
    if (!accepting_) {
        closeListeners();
        size_t writing = 0;
        for (const auto& [id, c] : connections_) writing += c->stage == HttpConnection::Stage::Writing;
        writing_ = writing;
    } else if (acceptPausedUntilMs_ && now >= acceptPausedUntilMs_) {
        acceptPausedUntilMs_ = 0;
        setListening(true);
    }
    if (now - lastSweepMs_ >= kTickMs) {
        lastSweepMs_ = now;
        expire(now);
    }
    reap();
}

void HttpFrontEnd::closeListeners() {
    setListening(false);
    for (auto& l : listeners_) l.socket.close();
}

void HttpFrontEnd::acceptFrom(Listener& listener, int64_t now) {
    while (accepting_) {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        int fd = ::accept4(listener.socket.impl()->sockfd(), reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                // Out of descriptors: free an idle one and stop accepting briefly rather than spin.
                logger("http")->warn("cannot accept API connections: {}", std::strerror(errno));
                closeOldestIdle("");
                setListening(false);
                acceptPausedUntilMs_ = now + 100;
            }
            return;
        }
        std::string peer = peerAddress(addr);
        bool admitted = admitConnection(peer);
        if (!admitted && connections_.size() - closed_.size() >= options_.maxConnections + kRefusalSlots) {
            refuseConnection(fd); // a flood: no descriptor is kept for an answer
            service_.answeredLocally("", 503);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        SSL* session = nullptr;
        if (listener.tls && !(session = tls_->newSession(fd))) {
            ::close(fd);
            continue;
        }
        auto c = std::make_unique<HttpConnection>(nextId_++, fd, session, peer, options_.limits, now);
        HttpConnection& conn = *c;
        connections_.emplace(conn.id(), std::move(c));
        ++perClient_[peer];
        open_ = connections_.size();
        conn.deadlineMs = now + options_.headerTimeout.count(); // the TLS handshake and the first head
        if (!admitted) { // answered 503 once its request is read (a close before it would reset the answer away)
            conn.refused = true;
            conn.deadlineMs = now + kLingerMs;
        }
        watch(conn);
    }
}

bool HttpFrontEnd::admitConnection(const std::string& peer) {
    auto it = perClient_.find(peer);
    if (it != perClient_.end() && it->second >= options_.maxConnectionsPerClient && !closeOldestIdle(peer)) {
        metrics_.counterAdd("dadns_http_connections_refused_total", "API connections refused at a limit, by limit.",
                            {{"limit", "per_client"}});
        return false;
    }
    if (connections_.size() - closed_.size() >= options_.maxConnections && !closeOldestIdle("")) {
        metrics_.counterAdd("dadns_http_connections_refused_total", "API connections refused at a limit, by limit.", {{"limit", "total"}});
        return false;
    }
    return true;
}

// Closes the connection (of peer, or of anyone when empty) that has waited longest between
// requests; false when none is idle. Candidates are checked for arrived bytes (a system call)
// oldest first, so usually only one is.
bool HttpFrontEnd::closeOldestIdle(const std::string& peer) {
    std::vector<HttpConnection*> idle;
    for (auto& [id, c] : connections_)
        if ((peer.empty() || c->peer() == peer) && c->betweenRequests()) idle.push_back(c.get());
    std::sort(idle.begin(), idle.end(), [](const HttpConnection* a, const HttpConnection* b) { return a->lastActiveMs < b->lastActiveMs; });
    for (HttpConnection* c : idle) {
        if (!c->nothingArrived()) continue;
        close(*c, "evicted_idle");
        return true;
    }
    return false;
}

void HttpFrontEnd::onEvent(HttpConnection& c, uint32_t events, int64_t now) {
    using Stage = HttpConnection::Stage;
    if (c.stage == Stage::Closed) return;
    if (c.stage == Stage::Handling) {
        // Nothing is read while a worker has the request; a hang-up is remembered and the
        // socket leaves the epoll set so it cannot report it again and again.
        if (events & (EPOLLHUP | EPOLLERR)) {
            c.peerClosed = true;
            epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd(), nullptr);
            c.registered = false;
        }
        return;
    }
    if (c.stage == Stage::Lingering) {
        if (c.discard() == HttpConnection::Io::Closed) close(c, "closed");
        return;
    }
    if (c.stage == Stage::Handshake) {
        auto r = c.handshake();
        if (r == HttpConnection::Io::Closed) return close(c, "tls_failed");
        if (r == HttpConnection::Io::WouldBlock) return watch(c);
        c.lastActiveMs = now;
    }
    if (c.stage == Stage::Writing) return writeOut(c, now);
    if (c.stage == Stage::Streaming) {
        if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && c.discard() == HttpConnection::Io::Closed) return close(c, "closed");
        return pump(c, now);
    }
    if ((events & EPOLLOUT) && !c.out().empty() && c.flush() == HttpConnection::Io::Closed) return close(c, "closed");
    readAndAdvance(c, now);
}

void HttpFrontEnd::readAndAdvance(HttpConnection& c, int64_t now) {
    // Answers given while parsing return here instead of recursing (pipelined requests).
    struct Advancing {
        bool& flag;
        bool was;
        ~Advancing() { flag = was; }
    } advancing{advancing_, advancing_};
    advancing_ = true;
    while (c.stage == HttpConnection::Stage::Reading) {
        if (!c.in().empty()) {
            advance(c, now);
            if (c.stage != HttpConnection::Stage::Reading) break;
        }
        auto r = c.fill(kReadBuffer);
        if (r == HttpConnection::Io::WouldBlock) break;
        if (r == HttpConnection::Io::Closed) {
            // The client stopped sending. Requests already complete are still answered (a
            // half-closed client waits for them); anything incomplete is dropped unhandled.
            c.peerClosed = true;
            if (!c.in().empty()) advance(c, now);
            if (c.stage == HttpConnection::Stage::Reading) return close(c, "closed");
            return;
        }
        c.lastActiveMs = now;
    }
    if (c.stage != HttpConnection::Stage::Reading) return;
    if (!c.out().empty() && c.flush() == HttpConnection::Io::Closed) return close(c, "closed"); // an interim 100 Continue
    refreshDeadline(c, now);
    watch(c);
}

void HttpFrontEnd::advance(HttpConnection& c, int64_t now) {
    HttpRequestParser& parser = c.parser();
    try {
        while (c.stage == HttpConnection::Stage::Reading) {
            if (c.requestStartedMs == 0 && !c.in().empty()) c.requestStartedMs = now;
            auto progress = parser.parse(c.in());
            if (progress == HttpRequestParser::Progress::NeedMore) return;
            if (!c.screened) {
                c.screened = true;
                if (c.refused) {
                    service_.answeredLocally(parser.head().method, 503);
                    answer(c, errorResponse(503, "too many connections; retry later"), true, now);
                    continue;
                }
                if (auto refusal = service_.screen(parser.head(), c.peer())) {
                    // The body (if any) is not read: the connection closes after the answer.
                    answer(c, *refusal, progress != HttpRequestParser::Progress::Complete, now);
                    continue; // a pipelined request may follow
                }
                if (progress == HttpRequestParser::Progress::HeadReady && parser.head().expectContinue)
                    c.out() += "HTTP/1.1 100 Continue\r\n\r\n";
            }
            if (progress == HttpRequestParser::Progress::Complete) dispatch(c, now);
        }
    } catch (const HttpParseError& e) {
        std::string method = parser.head().method;
        service_.answeredLocally(method, e.status);
        answer(c, errorResponse(e.status, e.what()), true, now);
    }
}

void HttpFrontEnd::dispatch(HttpConnection& c, int64_t now) {
    HttpRequestParser& parser = c.parser();
    auto head = std::make_shared<HttpRequestHead>(parser.head());
    auto body = std::make_shared<std::string>(std::move(parser.body()));
    bool headOnly = head->method == "HEAD";
    bool keepAlive = head->keepAlive && c.served + 1 < options_.keepAliveRequests;
    parser.reset();
    c.screened = false;
    c.requestStartedMs = 0;
    WorkerPool& pool = isSafeMethod(head->method) ? *reads_ : *mutations_;
    uint64_t id = c.id();
    std::string peer = c.peer();
    bool queued = pool.trySubmit([this, id, head, body, peer, headOnly, keepAlive] {
        // Always completes: a connection left in Handling would never close.
        Completion done{id, {}, false, nullptr};
        try {
            ApiResponse response;
            try {
                response = service_.handle(*head, std::move(*body), peer);
            } catch (const std::exception& e) {
                response = errorResponse(500, std::string("internal error: ") + e.what());
            }
            done.keepAlive = keepAlive && !wantsClose(response);
            done.bytes = renderHttpResponse(response, headOnly, done.keepAlive);
            if (!headOnly) done.stream = std::move(response.stream);
        } catch (...) {
            done.bytes.clear(); // no answer can be made (out of memory): the connection closes
            done.keepAlive = false;
        }
        std::lock_guard<std::mutex> lock(completionsMutex_);
        completions_.push_back(std::move(done));
        (void)!::eventfd_write(wakeFd_, 1);
    });
    if (!queued) {
        service_.answeredLocally(head->method, 503);
        ApiResponse busy = errorResponse(503, "the API is busy; retry later");
        c.out() += renderHttpResponse(busy, headOnly, keepAlive);
        c.closeAfterWrite = !keepAlive;
        ++c.served;
        c.stage = HttpConnection::Stage::Writing;
        return writeOut(c, now);
    }
    ++handling_;
    c.stage = HttpConnection::Stage::Handling;
    c.deadlineMs = 0;
    watch(c);
}

void HttpFrontEnd::answer(HttpConnection& c, const ApiResponse& response, bool close, int64_t now) {
    const HttpRequestHead& head = c.parser().head();
    bool keepAlive = !close && head.keepAlive && c.served + 1 < options_.keepAliveRequests;
    c.out() += renderHttpResponse(response, head.method == "HEAD", keepAlive);
    c.closeAfterWrite = !keepAlive;
    ++c.served;
    c.parser().reset();
    c.screened = false;
    c.requestStartedMs = 0;
    c.stage = HttpConnection::Stage::Writing;
    writeOut(c, now);
}

void HttpFrontEnd::writeOut(HttpConnection& c, int64_t now) {
    auto r = c.flush();
    if (r == HttpConnection::Io::Closed) return close(c, "closed");
    c.lastActiveMs = now;
    if (r == HttpConnection::Io::WouldBlock) {
        refreshDeadline(c, now);
        return watch(c);
    }
    if (c.closeAfterWrite || stopping_ || !accepting_) {
        if (c.peerClosed) return close(c, "closed");
        c.shutdownSending();
        c.deadlineMs = now + kLingerMs;
        return watch(c);
    }
    c.stage = HttpConnection::Stage::Reading; // the next request may already be buffered
    if (!advancing_) readAndAdvance(c, now);
}

void HttpFrontEnd::pump(HttpConnection& c, int64_t now) {
    while (c.unsent() < kStreamBuffer) {
        std::string more = c.stream->next(kStreamBuffer, now);
        if (more.empty()) break;
        c.out() += more;
    }
    size_t queued = c.unsent();
    if (queued && c.flush() == HttpConnection::Io::Closed) return close(c, "closed");
    if (c.unsent() == 0) c.deadlineMs = 0;
    else if (c.unsent() < queued || c.deadlineMs == 0) c.deadlineMs = now + options_.ioTimeout.count(); // moved by progress only
    watch(c);
}

void HttpFrontEnd::pumpStreams(int64_t now) {
    std::vector<HttpConnection*> streams;
    for (auto& [id, c] : connections_)
        if (c->stage == HttpConnection::Stage::Streaming) streams.push_back(c.get());
    for (HttpConnection* c : streams) {
        if (!accepting_ || stopping_) {
            close(*c, "closed");
            continue;
        }
        try {
            pump(*c, now);
        } catch (const std::exception& e) {
            logger("http")->error("event stream to {}: {}", c->peer(), e.what());
            close(*c, "error");
        }
    }
}

void HttpFrontEnd::drainCompletions(int64_t now) {
    std::vector<Completion> done;
    {
        std::lock_guard<std::mutex> lock(completionsMutex_);
        done.swap(completions_);
    }
    for (auto& d : done) {
        --handling_;
        auto it = connections_.find(d.connection);
        if (it == connections_.end() || it->second->stage == HttpConnection::Stage::Closed) continue;
        HttpConnection& c = *it->second;
        c.stage = HttpConnection::Stage::Writing; // the worker is done with it
        if (c.peerClosed && !c.registered) {
            close(c, "closed");
            continue;
        }
        try {
            c.out() += d.bytes;
            c.closeAfterWrite = c.closeAfterWrite || !d.keepAlive;
            ++c.served;
            if (d.stream && accepting_ && !stopping_) {
                c.stream = std::move(d.stream);
                c.stage = HttpConnection::Stage::Streaming;
                pump(c, now);
            } else {
                writeOut(c, now);
            }
        } catch (const std::exception& e) {
            logger("http")->error("connection from {}: {}", c.peer(), e.what());
            close(c, "error");
        }
    }
}

void HttpFrontEnd::refreshDeadline(HttpConnection& c, int64_t now) {
    using Stage = HttpConnection::Stage;
    switch (c.stage) {
    case Stage::Handshake:
        break; // set at accept
    case Stage::Reading:
        if (c.requestStartedMs == 0 && !c.in().empty()) c.requestStartedMs = now; // a pipelined request waits
        if (c.requestStartedMs == 0)
            c.deadlineMs = now + (c.served == 0 ? options_.headerTimeout : options_.keepAliveTimeout).count();
        else if (c.screened)
            c.deadlineMs = now + options_.ioTimeout.count(); // the body: may pause, not stall
        else
            c.deadlineMs = c.requestStartedMs + options_.headerTimeout.count(); // not moved by each byte
        break;
    case Stage::Handling:
    case Stage::Closed:
        c.deadlineMs = 0;
        break;
    case Stage::Streaming:
        break; // pump() sets it
    case Stage::Writing:
        c.deadlineMs = now + options_.ioTimeout.count();
        break;
    case Stage::Lingering:
        break;
    }
}

void HttpFrontEnd::expire(int64_t now) {
    std::vector<HttpConnection*> late;
    for (auto& [id, c] : connections_)
        if (c->deadlineMs && now >= c->deadlineMs) late.push_back(c.get());
    for (HttpConnection* c : late) {
        bool midRequest = c->stage == HttpConnection::Stage::Reading && c->requestStartedMs != 0;
        if (midRequest) { // tell the client why, best effort, then close
            service_.answeredLocally(c->parser().head().method, 408);
            c->out() += renderHttpResponse(errorResponse(408, "request not received in time"), false, false);
            (void)c->flush();
        }
        using Stage = HttpConnection::Stage;
        close(*c, midRequest                    ? "request_timeout"
                  : c->stage == Stage::Reading   ? "idle_timeout"
                  : c->stage == Stage::Lingering ? "closed"
                                                 : "io_timeout");
    }
}

void HttpFrontEnd::watch(HttpConnection& c) {
    uint32_t want = c.interest();
    if (c.registered && want == c.watched) return;
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = c.id();
    epoll_ctl(epoll_, c.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c.fd(), &ev);
    c.registered = true;
    c.watched = want;
}

// Callers up the stack may still hold c: it is only marked here and freed by reap().
void HttpFrontEnd::close(HttpConnection& c, const char* reason) {
    if (c.stage == HttpConnection::Stage::Closed) return;
    if (std::strcmp(reason, "closed") != 0) metrics_.counterAdd("dadns_http_connections_closed_total", kConnectionsHelp, {{"reason", reason}});
    if (c.registered) epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd(), nullptr);
    c.registered = false;
    if (c.stage == HttpConnection::Stage::Handling) { // the worker's answer finds it gone and closes it
        c.peerClosed = true;
        return;
    }
    c.stage = HttpConnection::Stage::Closed;
    c.deadlineMs = 0;
    auto pc = perClient_.find(c.peer());
    if (pc != perClient_.end() && --pc->second == 0) perClient_.erase(pc);
    closed_.push_back(c.id());
}

void HttpFrontEnd::reap() {
    for (uint64_t id : closed_) connections_.erase(id); // closes the sockets
    closed_.clear();
    open_ = connections_.size();
}

} // namespace dadns
