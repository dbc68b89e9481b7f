#include "TcpConnect.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dadns::bind {

namespace {

std::string connectOne(const addrinfo* ai, Deadline deadline, std::chrono::milliseconds timeout, int& fd) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) return std::strerror(errno);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return "";
    if (errno != EINPROGRESS) return std::strerror(errno);
    if (waitFor(fd, POLLOUT, deadline) <= 0) return "no connection within " + std::to_string(timeout.count()) + " ms";
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    return err ? std::strerror(err) : "";
}

} // namespace

int waitFor(int fd, short events, Deadline deadline) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0)));
        if (n >= 0 || errno != EINTR) return n;
    }
}

std::string connectWithin(const std::string& host, uint16_t port, std::chrono::milliseconds timeout, int& fd) {
    fd = -1;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* list = nullptr;
    int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
    if (rc != 0) return "cannot resolve " + host + ": " + gai_strerror(rc);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string why = "no address";
    for (addrinfo* ai = list; ai; ai = ai->ai_next) {
        why = connectOne(ai, deadline, timeout, fd);
        if (why.empty()) break;
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    ::freeaddrinfo(list);
    return why;
}

} // namespace dadns::bind
