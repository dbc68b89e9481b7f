#include "soak/SoakCluster.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <stdexcept>
#include <thread>

namespace dadns::soak {
namespace {

// pdns_server is not our child (its start script forked it): wait until the pid is gone or a
// zombie nobody has reaped yet.
void waitGone(int pid) {
    for (int i = 0; i < 200; ++i) {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string pidField, comm, state;
        if (!(stat >> pidField >> comm >> state) || state == "Z") return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("pdns_server " + std::to_string(pid) + " did not die after kill -9");
}

} // namespace

std::string SoakCluster::daemonConfig() const {
    // addzone over the control channel, the mode for many zones: named's restarts and dadns's
    // kill -9 exercise its reconcile.
    std::string bind = "    bind:\n      zones_dir: " + named_.dir() + "/zones\n      named_conf: " + named_.includeFile() +
                       "\n      zone_membership: addzone\n      rndc_conf: " + named_.rndcConf() +
                       "\n      named_check_interval: 1s\n      reload_batch_ms: 100\n";
    std::string mysql = "    coredns:\n      type: coredns_mysql\n      host: 127.0.0.1\n      port: " + std::to_string(mariadb_.port()) +
                        "\n      database: " + kDatabase + "\n      username: dadns\n      password: soak-pw\n"
                        "      connect_timeout: 2\n      timeout: 5\n";
    std::string pdns = "    pdns:\n      type: powerdns\n      timeout: 2s\n      retry_attempts: 1\n      retry_delay: 200ms\n"
                       "      servers:\n        - name: one\n          api_url: " + pdns_.apiUrl() + "\n          api_key: " + pdns_.apiKey() + "\n";
    return test::baseConfig("dns:\n  default_backend: bind\n  backends:\n" + bind + mysql + pdns +
                            "ingestion:\n  directadmin: {}\n  hosts:\n    default_zone: " + kHostsZone +
                            "\n    nameservers: [ns1.soak.example]\n"
                            "dispatch:\n  drift_interval: 1s\n  retry_backoff: 200ms\n  retry_backoff_max: 5s\n  max_attempts: 1000\n"
                            // The writers delete their zones and create them again, and grow and shrink
                            // them, all the time: churn that zones.safety would rightly hold.
                            "zones:\n  safety:\n    max_deletes: 0\n    max_remove_share: 1\n");
}

void SoakCluster::start() {
    named_.setOptions("notify no; allow-new-zones yes;");
    named_.start();
    mariadb_.start();
    mariadb_.createDatabase(kDatabase, "dadns", "soak-pw");
    pdns_.start();
    std::lock_guard<std::mutex> lock(daemonMutex_);
    daemon_ = std::make_unique<test::Daemon>(daemonConfig());
    daemon_->start();
    port_ = daemon_->port();
}

void SoakCluster::restartNamed(std::chrono::milliseconds down) {
    named_.stop();
    std::this_thread::sleep_for(down);
    named_.start();
}

void SoakCluster::restartMariaDb(std::chrono::milliseconds down) {
    mariadb_.stop();
    std::this_thread::sleep_for(down);
    mariadb_.start();
}

void SoakCluster::killPdns(std::chrono::milliseconds down) {
    int pid = pdns_.pid();
    ::kill(pid, SIGKILL);
    waitGone(pid);
    std::this_thread::sleep_for(down);
    pdns_.start();
}

std::string SoakCluster::killDaemon() {
    std::lock_guard<std::mutex> lock(daemonMutex_);
    std::string before = daemon_->running() ? "" : "dadns was not running before the injected kill";
    daemon_->kill9();
    daemon_->start();
    return before;
}

std::string SoakCluster::checkDaemon() {
    std::lock_guard<std::mutex> lock(daemonMutex_);
    if (daemon_->running()) return "";
    int code = daemon_->stop(SIGKILL);  // already gone: this reports its exit code
    std::string what = "dadns exited by itself with code " + std::to_string(code) +
                       (code > 128 ? " (signal " + std::to_string(code - 128) + ")" : "");
    daemon_->start();
    return what;
}

int SoakCluster::daemonPid() {
    std::lock_guard<std::mutex> lock(daemonMutex_);
    return daemon_->pid();
}

int SoakCluster::stopDaemon() {
    std::lock_guard<std::mutex> lock(daemonMutex_);
    return daemon_->stop(SIGTERM);
}

std::string SoakCluster::daemonLogTail(size_t bytes) {
    std::lock_guard<std::mutex> lock(daemonMutex_);
    std::string log = daemon_->log();
    return log.size() > bytes ? log.substr(log.size() - bytes) : log;
}

} // namespace dadns::soak
