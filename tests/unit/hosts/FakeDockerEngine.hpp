// A stand-in Docker Engine on a Unix socket for unit tests of the Docker client and source:
// each connection is answered by a handler given the request's target.
#pragma once

#include "support/LoadSockets.hpp"
#include "support/TestSupport.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace dadns::hosts::testing {

// Answers each connection on DIR/docker.sock with what handler writes for the request's target
// ("/v1.41/containers/json?filters=..."); /_ping answers OK unless the handler takes it.
class FakeEngine {
public:
    using Handler = std::function<bool(FakeEngine& fake, int fd, const std::string& target)>; // false: not handled

    explicit FakeEngine(Handler handler) : dir_("dadns-fake-docker"), handler_(std::move(handler)) {
        listener_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socketPath().c_str());
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 16) != 0)
            throw std::runtime_error("fake engine: cannot listen");
        acceptor_ = std::thread([this] { acceptLoop(); });
    }
    ~FakeEngine() {
        stopping_ = true;
        acceptor_.join();
        for (auto& t : connections_) t.join();
        ::close(listener_);
    }
    std::string socketPath() const { return dir_.file("docker.sock"); }
    std::string endpoint() const { return "unix://" + socketPath(); }
    bool stopping() const { return stopping_; }

    // Writes all of data; false once the client has gone.
    static bool send(int fd, const std::string& data) { return dadns::test::sendAll(fd, data); }
    static bool answer(int fd, int status, const std::string& body, const std::string& type = "application/json") {
        return send(fd, "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
                            "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    }
    static bool chunkedHead(int fd) {
        return send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    }
    static bool chunk(int fd, const std::string& data) {
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", data.size());
        return send(fd, size + data + "\r\n");
    }
    // Waits until the fake is destroyed or the time is up.
    void stall(std::chrono::milliseconds upTo) {
        auto until = std::chrono::steady_clock::now() + upTo;
        while (!stopping_ && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

private:
    void acceptLoop() {
        while (!stopping_) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) continue;
            connections_.emplace_back([this, fd] { serve(fd); });
        }
    }
    void serve(int fd) {
        std::string request;
        char buf[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            request.append(buf, static_cast<size_t>(n));
        }
        std::string target = request.substr(4, request.find(' ', 4) - 4); // "GET <target> HTTP/1.1"
        if (!handler_(*this, fd, target) && target == "/_ping") answer(fd, 200, "OK", "text/plain");
        ::close(fd);
    }

    dadns::test::TempDir dir_;
    Handler handler_;
    int listener_ = -1;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;
    std::vector<std::thread> connections_; // only the acceptor adds; joined after it ends
};

} // namespace dadns::hosts::testing
