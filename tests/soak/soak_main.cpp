// Soak test: dadns under a mixed read/write load with injected faults, against real named,
// MariaDB (coredns_mysql) and pdns_server on loopback. Every acknowledged change is tracked per
// zone; at the end every backend must serve exactly the last acknowledged state of every zone.
// Also required: no 5xx but 503 with Retry-After, no dadns exit but the injected kills, no
// growth of dadns's resident memory. Exits non-zero, naming each violation, otherwise.
//
//   build/bin/soak_test [--duration=2m] [--fault-interval=20s] [--readers=6] [--writers=3] ...
//   (see SoakOptions.hpp for every flag)
#include "soak/Checker.hpp"
#include "soak/Faults.hpp"
#include "soak/SoakCluster.hpp"
#include "soak/SoakOptions.hpp"
#include "soak/SoakReport.hpp"
#include "soak/Workload.hpp"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

using namespace dadns::soak;

namespace {

std::atomic<bool> interrupted{false};

// SIGINT/SIGTERM end the run early through the normal path, so every server started is stopped.
void watchSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // inherited by every thread started later
    std::thread([set] {
        int sig = 0;
        sigwait(&set, &sig);
        std::fprintf(stderr, "signal %d: ending the run early\n", sig);
        interrupted = true;
    }).detach();
}

void sleepUnlessInterrupted(std::chrono::duration<double> d) {
    auto until = std::chrono::steady_clock::now() + d;
    while (!interrupted && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

// Polls the backends until each serves the expected state; the seconds it took, or -1.
double waitForConvergence(SoakCluster& cluster, const ExpectedState& expected, const Recorder& rec, double timeoutSec, Verdict& verdict) {
    double start = rec.now();
    std::vector<std::string> diffs;
    while (true) {
        diffs = compareBackends(cluster, expected.snapshot());
        if (diffs.empty()) return rec.now() - start;
        if (rec.now() - start > timeoutSec || interrupted) break;
        sleepUnlessInterrupted(std::chrono::seconds(2));
    }
    std::printf("\nBackends still differing from the acknowledged state after %.0f s:\n", timeoutSec);
    for (size_t i = 0; i < diffs.size() && i < 20; ++i) std::printf("  %s\n", diffs[i].c_str());
    if (diffs.size() > 20) std::printf("  ... and %zu more\n", diffs.size() - 20);
    verdict.fail(std::to_string(diffs.size()) + " zone/backend pairs do not serve the last acknowledged state");
    return -1;
}

int runSoak(const SoakOptions& o) {
    Recorder rec;
    Verdict verdict;
    ExpectedState expected;
    SoakCluster cluster;
    cluster.start();
    std::printf("dadns on 127.0.0.1:%d; named :%d, MariaDB :%d, pdns_server :%d; load %.0f s, a fault every %.0f s after %.0f s\n",
                cluster.port(), cluster.named().port(), cluster.mariadb().port(), cluster.pdns().dnsPort(), o.duration.count(),
                o.faultInterval.count(), o.warmup.count());
    Workload load(o, cluster.port(), rec, verdict, expected);
    FaultInjector faults(o, cluster, rec, verdict, expected);
    load.start();
    faults.start();
    sleepUnlessInterrupted(o.duration);
    faults.stop();
    load.stop();
    double loadSeconds = rec.now();
    std::printf("[t=%.0fs] load stopped; waiting for the backends to converge\n", loadSeconds);
    double converged = waitForConvergence(cluster, expected, rec, o.convergeTimeout.count(), verdict);
    if (converged >= 0) std::printf("Every backend serves the last acknowledged state of all %zu zones, %.1f s after the load stopped\n",
                                    expected.snapshot().size(), converged);
    faults.stopWatchdog();
    printLoadSummary(rec, loadSeconds);
    judgeServerErrors(rec, verdict);
    judgeTransportErrors(rec, verdict, 2.0);
    printFaults(faults.results());
    judgeRss(faults.rss(), verdict, o.rssTolerance, 10.0, loadSeconds);
    int code = cluster.stopDaemon();
    if (code != 0) verdict.fail("dadns exited with " + std::to_string(code) + " on SIGTERM; log tail:\n" + cluster.daemonLogTail());
    if (interrupted) verdict.fail("interrupted by a signal");
    auto failures = verdict.failures();
    if (failures.empty()) {
        std::printf("\nSOAK PASSED\n");
        return 0;
    }
    std::printf("\nSOAK FAILED: %zu violation(s)\n", failures.size());
    for (const auto& f : failures) std::printf("  - %s\n", f.c_str());
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    SoakOptions options;
    try {
        options = parseOptions(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\nusage: soak_test [--duration=2m] [--fault-interval=20s] [--warmup=15s] [--downtime=3s] "
                                 "[--converge-timeout=180s] [--probe-timeout=60s] [--readers=6] [--writers=3] [--zones-per-writer=8] [--da-zones=6] "
                                 "[--hosts=10] [--think-ms=10] [--rss-tolerance=0.25] [--seed=1]\n";
        return 2;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines in order with the violations on stderr
    watchSignals();
    try {
        return runSoak(options);
    } catch (const std::exception& e) {
        std::cerr << "SOAK FAILED: " << e.what() << std::endl;
        return 1;
    }
}
