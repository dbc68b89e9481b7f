// The systemd notification protocol against a real AF_UNIX datagram socket standing in for
// systemd: READY=1 arrives (path and abstract names), nothing is sent without NOTIFY_SOCKET, and
// the watchdog pings at half of WATCHDOG_USEC until stopped.
#include "core/app/SystemdNotify.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace dadns;
using namespace dadns::test;

namespace {

// A bound datagram socket: what systemd listens on. name starts with '/' or '@' (abstract).
class FakeSystemd {
public:
    explicit FakeSystemd(const std::string& name) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, name.data(), name.size());
        socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
        if (name[0] == '@') addr.sun_path[0] = '\0';
        else ++length;
        REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), length) == 0);
    }
    ~FakeSystemd() { ::close(fd_); }

    // The next datagram within the timeout, or nothing.
    std::optional<std::string> receive(std::chrono::milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
        char buf[4096];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0) return std::nullopt;
        return std::string(buf, static_cast<size_t>(n));
    }

private:
    int fd_ = -1;
};

// Sets an environment variable for one test case, restoring the previous value.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value->c_str(), 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

} // namespace

TEST_CASE("READY=1 reaches the socket NOTIFY_SOCKET names", "[systemd]") {
    TempDir dir;
    std::string path = dir.file("notify");
    FakeSystemd systemd(path);
    ScopedEnv env("NOTIFY_SOCKET", path);
    CHECK(systemdNotify("READY=1"));
    CHECK(systemd.receive(std::chrono::seconds(2)) == std::optional<std::string>("READY=1"));
}

TEST_CASE("an abstract NOTIFY_SOCKET (leading @) works too", "[systemd]") {
    std::string name = "@dadns-notify-test-" + std::to_string(::getpid());
    FakeSystemd systemd(name);
    ScopedEnv env("NOTIFY_SOCKET", name);
    CHECK(systemdNotify("STOPPING=1"));
    CHECK(systemd.receive(std::chrono::seconds(2)) == std::optional<std::string>("STOPPING=1"));
}

TEST_CASE("without NOTIFY_SOCKET nothing is sent and nothing fails", "[systemd]") {
    TempDir dir;
    FakeSystemd systemd(dir.file("notify"));
    ScopedEnv env("NOTIFY_SOCKET", std::nullopt);
    ScopedEnv usec("WATCHDOG_USEC", std::nullopt);
    CHECK_FALSE(systemdNotify("READY=1"));
    CHECK(systemdWatchdogInterval().count() == 0);
    SystemdWatchdog watchdog(systemdWatchdogInterval());
    CHECK_FALSE(watchdog.running());
    CHECK_FALSE(systemd.receive(std::chrono::milliseconds(200)));
}

TEST_CASE("a NOTIFY_SOCKET nobody listens on is not an error", "[systemd]") {
    TempDir dir;
    ScopedEnv env("NOTIFY_SOCKET", dir.file("nobody"));
    CHECK_FALSE(systemdNotify("READY=1"));
    ScopedEnv relative("NOTIFY_SOCKET", std::string("relative/path"));
    CHECK_FALSE(systemdNotify("READY=1"));
}

TEST_CASE("WATCHDOG_USEC is read for this process only", "[systemd]") {
    ScopedEnv usec("WATCHDOG_USEC", std::string("400000"));
    {
        ScopedEnv pid("WATCHDOG_PID", std::nullopt);
        CHECK(systemdWatchdogInterval() == std::chrono::microseconds(400000));
    }
    {
        ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid()));
        CHECK(systemdWatchdogInterval() == std::chrono::microseconds(400000));
    }
    {
        ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid() + 1));
        CHECK(systemdWatchdogInterval().count() == 0);
    }
    ScopedEnv bad("WATCHDOG_USEC", std::string("soon"));
    CHECK(systemdWatchdogInterval().count() == 0);
}

TEST_CASE("the watchdog pings at half the interval until stopped", "[systemd]") {
    TempDir dir;
    std::string path = dir.file("notify");
    FakeSystemd systemd(path);
    ScopedEnv env("NOTIFY_SOCKET", path);

    // 400 ms interval: a ping every 200 ms. Over 1.1 s about 6 pings (the first at once);
    // loosely bounded, a loaded machine delays them.
    SystemdWatchdog watchdog(std::chrono::milliseconds(400));
    REQUIRE(watchdog.running());
    auto start = std::chrono::steady_clock::now();
    int pings = 0;
    while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1100)) {
        auto message = systemd.receive(std::chrono::milliseconds(100));
        if (message) {
            CHECK(*message == "WATCHDOG=1");
            ++pings;
        }
    }
    CHECK(pings >= 3);
    CHECK(pings <= 8);

    watchdog.stop();
    CHECK_FALSE(watchdog.running());
    while (systemd.receive(std::chrono::milliseconds(0))) {} // what was sent before the stop
    CHECK_FALSE(systemd.receive(std::chrono::milliseconds(500)));
}
