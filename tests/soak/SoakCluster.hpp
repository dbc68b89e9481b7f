// The system under soak: named, MariaDB and pdns_server on 127.0.0.1 with free ports, and dadns
// with a SQLite store, the three backends, and the directadmin and hosts ingestion plugins.
// Every fault is an operation here; the daemon is only touched under its lock.
#pragma once

#include "support/MariaDbServer.hpp"
#include "support/NamedServer.hpp"
#include "support/PdnsServer.hpp"
#include "support/TestSupport.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace dadns::soak {

class SoakCluster {
public:
    static constexpr const char* kHostsZone = "hosts.soak.example";
    static constexpr const char* kDatabase = "coredns";

    void start();

    int port() const { return port_; }
    const test::NamedServer& named() const { return named_; }
    const test::MariaDbServer& mariadb() const { return mariadb_; }
    const test::PdnsServer& pdns() const { return pdns_; }

    // Faults: each returns once the server answers again.
    void restartNamed(std::chrono::milliseconds down);
    void restartMariaDb(std::chrono::milliseconds down);
    void killPdns(std::chrono::milliseconds down);
    // kill -9 and start again on the same store; "" or what was wrong before the kill.
    std::string killDaemon();

    // "" while dadns runs, else how it ended (and it is started again so the run goes on).
    std::string checkDaemon();
    int daemonPid();
    // SIGTERM; the exit code.
    int stopDaemon();
    std::string daemonLogTail(size_t bytes = 4000);

private:
    std::string daemonConfig() const;

    test::NamedServer named_;
    test::MariaDbServer mariadb_;
    test::PdnsServer pdns_{"soak-api-key"};
    std::mutex daemonMutex_;
    std::unique_ptr<test::Daemon> daemon_;
    int port_ = 0;
};

} // namespace dadns::soak
