// One client connection of the API's event loop: its socket (and TLS session), the bytes read
// and not yet parsed, the request being parsed, the answer being written and its deadline.
// Only the loop's thread touches it; a handler on a worker sees a copy of the request.
#pragma once

#include "core/http/ApiExchange.hpp"
#include "core/http/HttpRequestParser.hpp"

#include <cstdint>
#include <memory>
#include <string>

typedef struct ssl_st SSL;

namespace dadns {

class HttpConnection {
public:
    enum class Stage {
        Handshake, // TLS handshake running
        Reading,   // waiting for (more of) a request
        Handling,  // a worker runs the handler; nothing is read meanwhile
        Writing,   // an answer is being written
        Streaming, // a streamed answer (ResponseStream): written as it comes, until either side ends it
        Lingering, // answered and closing: our side is shut, the client's bytes are discarded
                   // until it closes, so a close with unread data cannot reset the answer away
        Closed     // done; the loop frees it once the current round is over
    };
    enum class Io { Progress, WouldBlock, Closed };

    HttpConnection(uint64_t id, int fd, SSL* tls, std::string peer, const HttpParserLimits& limits, int64_t nowMs);
    ~HttpConnection(); // closes the socket
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    // Non-blocking steps; Closed means the peer went away or the socket failed (error() says why).
    Io handshake();
    Io fill(size_t maxBuffered); // reads until the socket is drained or maxBuffered bytes wait
    Io flush();                  // writes out() until done or the socket is full
    // After the last answer: shuts our sending side down and starts Lingering.
    void shutdownSending();
    Io discard();                // Lingering: reads and drops what the client still sends

    uint64_t id() const { return id_; }
    int fd() const { return fd_; }
    bool tls() const { return tls_ != nullptr; }
    const std::string& peer() const { return peer_; }
    const std::string& error() const { return error_; }
    // Between two requests of a keep-alive connection, nothing of the next one read or being
    // written. Closing it then loses nothing, once nothingArrived() also holds.
    bool betweenRequests() const;
    // Not even a byte of a next request waits in the socket (or the TLS session).
    bool nothingArrived() const;
    // The readiness the next step needs (EPOLLIN / EPOLLOUT bits), from the stage and TLS.
    uint32_t interest() const;

    std::string& in() { return in_; }
    std::string& out() { return out_; }
    size_t unsent() const { return out_.size() - written_; }
    HttpRequestParser& parser() { return parser_; }

    Stage stage = Stage::Reading;
    int64_t deadlineMs = 0;      // closed when the loop sees this passed
    int64_t lastActiveMs = 0;    // for choosing which idle connection to close first
    bool screened = false;       // the current request's head was admitted
    bool refused = false;        // over a connection limit: its first request is answered 503
    bool closeAfterWrite = false;
    bool peerClosed = false;     // read side ended (EOF) while the request was incomplete or handled
    uint32_t served = 0;         // requests answered on this connection
    int64_t requestStartedMs = 0; // first byte of the current request; 0 between requests
    uint32_t watched = 0;        // the events registered with the loop
    bool registered = false;     // known to the loop's epoll set
    std::shared_ptr<ResponseStream> stream; // Streaming: where the rest of the answer comes from

private:
    Io tlsResult(int rc, const char* what);

    uint64_t id_;
    int fd_;
    SSL* tls_;
    std::string peer_;
    std::string in_, out_;
    size_t written_ = 0;         // bytes of out_ already sent
    HttpRequestParser parser_;
    std::string error_;
    bool tlsWantsRead_ = false, tlsWantsWrite_ = false;
};

} // namespace dadns
