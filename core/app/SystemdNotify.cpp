#include "core/app/SystemdNotify.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace dadns {

bool systemdNotify(const std::string& message) {
    try {
        const char* socketName = std::getenv("NOTIFY_SOCKET");
        if (socketName == nullptr || socketName[0] == '\0') return false;
        std::string name(socketName);
        if (name[0] != '/' && name[0] != '@') return false; // only paths and abstract names are defined
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (name.size() > sizeof addr.sun_path) return false;
        std::memcpy(addr.sun_path, name.data(), name.size());
        if (name[0] == '@') addr.sun_path[0] = '\0'; // abstract: the leading NUL, no terminator
        socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
        if (name[0] == '/' && name.size() < sizeof addr.sun_path) ++length; // a path with its NUL

        int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return false;
        ssize_t sent;
        do {
            sent = ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr), length);
        } while (sent < 0 && errno == EINTR);
        ::close(fd);
        return sent == static_cast<ssize_t>(message.size());
    } catch (...) {
        return false;
    }
}

std::chrono::microseconds systemdWatchdogInterval() {
    const char* usec = std::getenv("WATCHDOG_USEC");
    if (usec == nullptr) return std::chrono::microseconds(0);
    const char* pid = std::getenv("WATCHDOG_PID");
    if (pid != nullptr && std::strtoll(pid, nullptr, 10) != static_cast<long long>(::getpid())) return std::chrono::microseconds(0);
    char* end = nullptr;
    errno = 0;
    unsigned long long value = std::strtoull(usec, &end, 10);
    if (errno != 0 || end == usec || *end != '\0' || value == 0) return std::chrono::microseconds(0);
    return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(value));
}

SystemdWatchdog::SystemdWatchdog(std::chrono::microseconds interval) {
    if (interval.count() <= 0) return;
    try {
        thread_ = std::thread([this, period = interval / 2] { run(period); });
    } catch (...) {
        // No thread, no pings: systemd restarts the daemon, which is what the watchdog is for.
    }
}

SystemdWatchdog::~SystemdWatchdog() { stop(); }

void SystemdWatchdog::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void SystemdWatchdog::run(std::chrono::microseconds period) {
    try {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!stopping_) {
            systemdNotify("WATCHDOG=1");
            wake_.wait_for(lock, period, [this] { return stopping_; });
        }
    } catch (...) {
        // Nothing escapes the thread; the missing pings tell systemd.
    }
}

} // namespace dadns
