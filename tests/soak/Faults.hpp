// Injected faults on a schedule (named restarted, MariaDB restarted, pdns_server killed with
// kill -9, dadns killed with kill -9), each followed by a probe change whose arrival on every
// backend times the convergence; and a watchdog that samples dadns's resident memory and
// notices any exit that was not injected.
#pragma once

#include "soak/SoakCluster.hpp"
#include "soak/SoakOptions.hpp"
#include "soak/SoakStats.hpp"
#include "soak/ZoneModel.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dadns::soak {

struct FaultResult {
    std::string name;
    double startSec = 0;      // fault injected
    double recoveredSec = 0;  // the server answers again
    double convergedSec = -1; // the probe change is served by every backend; -1: never
};

struct RssSample {
    double atSec;
    int pid;
    long kb;
};

class FaultInjector {
public:
    static constexpr const char* kProbeZone = "probe.soak.example";

    FaultInjector(const SoakOptions& options, SoakCluster& cluster, Recorder& recorder, Verdict& verdict, ExpectedState& expected);
    ~FaultInjector();

    void start();  // the schedule (first fault after the warm-up) and the watchdog
    void stop();   // no new faults; the one in progress finishes (with its probe)
    void stopWatchdog();

    std::vector<FaultResult> results() const;
    std::vector<RssSample> rss() const;

private:
    void schedule();
    void watchdog();
    FaultResult inject(int index);
    double probeConvergence(unsigned marker);
    bool sleepUnlessStopped(double seconds);

    SoakOptions options_;
    SoakCluster& cluster_;
    Recorder& recorder_;
    Verdict& verdict_;
    ExpectedState& expected_;
    std::atomic<bool> stop_{false}, stopWatchdog_{false};
    std::thread scheduler_, watchdog_;
    mutable std::mutex mutex_;
    std::vector<FaultResult> results_;
    std::vector<RssSample> rss_;
    unsigned probeVersion_ = 0;
};

} // namespace dadns::soak
