// A raw client socket for tests of the API's connection layer: bytes exactly as given, what
// arrives as it arrives, and whether the server closed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace dadns::test {

// A raw client socket on 127.0.0.1 (or another loopback source address).
class RawClient {
public:
    // receiveBuffer > 0: the socket's receive buffer (SO_RCVBUF), set before connecting, for
    // a client that reads slowly.
    explicit RawClient(int port, const std::string& source = "", int receiveBuffer = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (receiveBuffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        if (!source.empty()) {
            sockaddr_in from{};
            from.sin_family = AF_INET;
            inet_pton(AF_INET, source.c_str(), &from.sin_addr);
            if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) throw std::runtime_error("bind to " + source);
        }
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) throw std::runtime_error("connect");
    }
    ~RawClient() { ::close(fd_); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    void send(const std::string& bytes) { (void)!::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
    void shutdownWrite() { ::shutdown(fd_, SHUT_WR); }
    // What arrives within timeout, until a complete response (by Content-Length) or EOF.
    std::string receive(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::string got;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!complete(got)) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            pollfd p{fd_, POLLIN, 0};
            if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) break;
            char buf[8192];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed_ = true;
                break;
            }
            got.append(buf, static_cast<size_t>(n));
        }
        return got;
    }
    // Reads, appending to got, until got contains needle (true), the server closes or timeout.
    // For streamed answers, which have no end to wait for.
    bool receiveUntil(std::string& got, const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (got.find(needle) == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            pollfd p{fd_, POLLIN, 0};
            if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
            char buf[8192];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed_ = true;
                return false;
            }
            got.append(buf, static_cast<size_t>(n));
        }
        return true;
    }
    // Everything that arrives until nothing more comes for 300 ms.
    std::string drain() {
        std::string got;
        char buf[8192];
        pollfd p{fd_, POLLIN, 0};
        while (::poll(&p, 1, 300) > 0) {
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) break;
            got.append(buf, static_cast<size_t>(n));
        }
        return got;
    }
    bool closedByServer() const { return closed_; }

private:
    static bool complete(const std::string& r) {
        size_t end = r.find("\r\n\r\n");
        if (end == std::string::npos) return false;
        size_t cl = r.find("Content-Length: ");
        if (cl == std::string::npos || cl > end) return true;
        return r.size() >= end + 4 + std::stoul(r.substr(cl + 16));
    }
    int fd_;
    bool closed_ = false;
};

} // namespace dadns::test
