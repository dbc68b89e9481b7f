// Tells systemd how the daemon is doing (sd_notify's protocol, without libsystemd): the unit is
// Type=notify, so systemd counts dadns as started only once the API listens (READY=1), hears when
// it begins to stop (STOPPING=1), and restarts it when the periodic WATCHDOG=1 stops arriving
// (WatchdogSec=). The protocol is one datagram per message to the AF_UNIX socket named by
// $NOTIFY_SOCKET (a path, or an abstract name written with a leading '@'); a dependency on
// libsystemd for that would be a library to ship for a dozen lines.
//
// Without NOTIFY_SOCKET (started by hand, by a test, by another supervisor) everything here is a
// no-op. Nothing here throws: a supervisor that cannot be told is not a reason to stop serving.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace dadns {

// Sends one message (e.g. "READY=1") to $NOTIFY_SOCKET. False when there is no socket or the
// datagram could not be sent.
bool systemdNotify(const std::string& message);

// The interval systemd expects watchdog pings at: $WATCHDOG_USEC, when set and meant for this
// process ($WATCHDOG_PID absent or ours). Zero when no watchdog is asked for.
std::chrono::microseconds systemdWatchdogInterval();

// Sends WATCHDOG=1 every half of the given interval on a thread of its own until stop() (or
// destruction). An interval of zero starts nothing.
class SystemdWatchdog {
public:
    explicit SystemdWatchdog(std::chrono::microseconds interval);
    ~SystemdWatchdog();
    SystemdWatchdog(const SystemdWatchdog&) = delete;
    SystemdWatchdog& operator=(const SystemdWatchdog&) = delete;

    void stop();
    bool running() const { return thread_.joinable(); }

private:
    void run(std::chrono::microseconds period);

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace dadns
