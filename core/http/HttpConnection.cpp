#include "core/http/HttpConnection.hpp"

#include "core/http/TlsContext.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace dadns {

HttpConnection::HttpConnection(uint64_t id, int fd, SSL* tls, std::string peer, const HttpParserLimits& limits, int64_t nowMs)
    : lastActiveMs(nowMs), id_(id), fd_(fd), tls_(tls), peer_(std::move(peer)), parser_(limits) {
    if (tls_) stage = Stage::Handshake;
}

HttpConnection::~HttpConnection() {
    if (tls_) {
        if (stage == Stage::Reading || stage == Stage::Writing || stage == Stage::Streaming) SSL_shutdown(tls_); // best effort, never waits
        SSL_free(tls_);
    }
    ::close(fd_);
}

bool HttpConnection::betweenRequests() const {
    return stage == Stage::Reading && served > 0 && requestStartedMs == 0 && in_.empty() && written_ >= out_.size();
}

bool HttpConnection::nothingArrived() const {
    if (tls_ && SSL_pending(tls_) > 0) return false;
    int unread = 0;
    return ::ioctl(fd_, FIONREAD, &unread) == 0 && unread == 0;
}

uint32_t HttpConnection::interest() const {
    // What TLS asked for counts only while the loop drives the session: in Handling a stale
    // "wants read" would report readable data that nobody consumes, again and again.
    if (stage == Stage::Handling || stage == Stage::Closed) return 0;
    uint32_t events = 0;
    if (tlsWantsRead_) events |= EPOLLIN;
    if (tlsWantsWrite_) events |= EPOLLOUT;
    switch (stage) {
    case Stage::Handshake:
        if (!events) events = EPOLLIN;
        break;
    case Stage::Reading:
        events |= EPOLLIN;
        if (written_ < out_.size()) events |= EPOLLOUT; // an interim "100 Continue"
        break;
    case Stage::Handling: // nothing read until the answer is there; hang-ups are reported anyway
    case Stage::Closed:
        break;
    case Stage::Writing:
        if (written_ < out_.size()) events |= EPOLLOUT;
        break;
    case Stage::Streaming: // the client sends nothing more; reading notices it leaving
        events |= EPOLLIN;
        if (written_ < out_.size()) events |= EPOLLOUT;
        break;
    case Stage::Lingering:
        events = EPOLLIN;
        break;
    }
    return events;
}

HttpConnection::Io HttpConnection::tlsResult(int rc, const char* what) {
    int err = SSL_get_error(tls_, rc);
    tlsWantsRead_ = err == SSL_ERROR_WANT_READ;
    tlsWantsWrite_ = err == SSL_ERROR_WANT_WRITE;
    if (tlsWantsRead_ || tlsWantsWrite_) return Io::WouldBlock;
    if (err == SSL_ERROR_ZERO_RETURN) {
        error_ = "peer closed the TLS session";
    } else if (err == SSL_ERROR_SYSCALL) {
        error_ = std::string("TLS ") + what + ": " + (errno ? std::strerror(errno) : "connection closed");
        ERR_clear_error();
    } else {
        error_ = std::string("TLS ") + what + ": " + tlsErrors();
    }
    return Io::Closed;
}

HttpConnection::Io HttpConnection::handshake() {
    ERR_clear_error();
    int rc = SSL_do_handshake(tls_);
    if (rc == 1) {
        tlsWantsRead_ = tlsWantsWrite_ = false;
        stage = Stage::Reading;
        return Io::Progress;
    }
    return tlsResult(rc, "handshake");
}

HttpConnection::Io HttpConnection::fill(size_t maxBuffered) {
    char buf[16384];
    bool progressed = false;
    while (in_.size() < maxBuffered) {
        ssize_t n;
        if (tls_) {
            ERR_clear_error();
            int rc = SSL_read(tls_, buf, sizeof buf);
            if (rc <= 0) {
                Io r = tlsResult(rc, "read");
                return r == Io::WouldBlock && progressed ? Io::Progress : r;
            }
            tlsWantsRead_ = tlsWantsWrite_ = false;
            n = rc;
        } else {
            n = ::recv(fd_, buf, sizeof buf, 0);
            if (n == 0) {
                error_ = "peer closed the connection";
                return Io::Closed;
            }
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) return progressed ? Io::Progress : Io::WouldBlock;
                error_ = std::string("read: ") + std::strerror(errno);
                return Io::Closed;
            }
        }
        in_.append(buf, static_cast<size_t>(n));
        progressed = true;
    }
    return Io::Progress;
}

HttpConnection::Io HttpConnection::flush() {
    while (written_ < out_.size()) {
        const char* data = out_.data() + written_;
        size_t left = out_.size() - written_;
        ssize_t n;
        if (tls_) {
            ERR_clear_error();
            int rc = SSL_write(tls_, data, static_cast<int>(std::min<size_t>(left, 1 << 20)));
            if (rc <= 0) return tlsResult(rc, "write");
            tlsWantsRead_ = tlsWantsWrite_ = false;
            n = rc;
        } else {
            n = ::send(fd_, data, left, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::WouldBlock;
                error_ = std::string("write: ") + std::strerror(errno);
                return Io::Closed;
            }
        }
        written_ += static_cast<size_t>(n);
    }
    out_.clear();
    written_ = 0;
    return Io::Progress;
}

void HttpConnection::shutdownSending() {
    if (tls_) {
        ERR_clear_error();
        SSL_shutdown(tls_); // close_notify; the client's answer to it is discarded below
    }
    ::shutdown(fd_, SHUT_WR);
    tlsWantsRead_ = tlsWantsWrite_ = false;
    stage = Stage::Lingering;
}

HttpConnection::Io HttpConnection::discard() {
    char buf[16384];
    while (true) {
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n > 0) continue;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Io::WouldBlock;
        return Io::Closed;
    }
}

} // namespace dadns
