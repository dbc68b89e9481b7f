#include "soak/Faults.hpp"

#include "support/TestSupport.hpp"

namespace dadns::soak {
FaultInjector::FaultInjector(const SoakOptions& options, SoakCluster& cluster, Recorder& recorder, Verdict& verdict, ExpectedState& expected)
    : options_(options), cluster_(cluster), recorder_(recorder), verdict_(verdict), expected_(expected) {}

FaultInjector::~FaultInjector() {
    stop();
    stopWatchdog();
}

void FaultInjector::start() {
    scheduler_ = std::thread([this] { schedule(); });
    watchdog_ = std::thread([this] { watchdog(); });
}

void FaultInjector::stop() {
    stop_ = true;
    if (scheduler_.joinable()) scheduler_.join();
}

void FaultInjector::stopWatchdog() {
    stopWatchdog_ = true;
    if (watchdog_.joinable()) watchdog_.join();
}

std::vector<FaultResult> FaultInjector::results() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return results_;
}

std::vector<RssSample> FaultInjector::rss() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return rss_;
}

bool FaultInjector::sleepUnlessStopped(double seconds) {
    double until = recorder_.now() + seconds;
    while (!stop_ && recorder_.now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return !stop_;
}

void FaultInjector::schedule() {
    if (!sleepUnlessStopped(options_.warmup.count())) return;
    for (int i = 0; !stop_; ++i) {
        double started = recorder_.now();
        FaultResult r = inject(i);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            results_.push_back(r);
        }
        double elapsed = recorder_.now() - started;
        if (!sleepUnlessStopped(options_.faultInterval.count() - elapsed)) return;
    }
}

void FaultInjector::watchdog() {
    while (!stopWatchdog_) {
        std::string exited = cluster_.checkDaemon();
        if (!exited.empty()) verdict_.fail(exited + " at t=" + std::to_string(static_cast<int>(recorder_.now())) + "s; log tail:\n" +
                                           cluster_.daemonLogTail());
        int pid = cluster_.daemonPid();
        long kb = test::residentKb(pid);
        if (kb > 0) {
            std::lock_guard<std::mutex> lock(mutex_);
            rss_.push_back({recorder_.now(), pid, kb});
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

} // namespace dadns::soak
