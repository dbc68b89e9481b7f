#include "soak/SoakReport.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace dadns::soak {
namespace {

bool inWindow(double t, const std::vector<Window>& windows) {
    return std::any_of(windows.begin(), windows.end(), [t](const Window& w) { return t >= w.startSec && t <= w.endSec; });
}

void printLatencies(const char* label, std::vector<double> reads, std::vector<double> writes) {
    std::sort(reads.begin(), reads.end());
    std::sort(writes.begin(), writes.end());
    std::printf("  %-22s reads p50 %7.1f ms  p99 %7.1f ms (%zu) | writes p50 %7.1f ms  p99 %7.1f ms (%zu)\n", label,
                percentile(reads, 0.5), percentile(reads, 0.99), reads.size(), percentile(writes, 0.5), percentile(writes, 0.99),
                writes.size());
}

double median(std::vector<long> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return static_cast<double>(v[v.size() / 2]);
}

} // namespace

void printLoadSummary(const Recorder& rec, double loadSeconds) {
    auto windows = rec.windows();
    std::vector<double> reads, writes, faultReads, faultWrites;
    for (const auto& s : rec.samples()) {
        if (s.status <= 0) continue;
        (s.write ? writes : reads).push_back(s.ms);
        if (inWindow(s.atSec, windows)) (s.write ? faultWrites : faultReads).push_back(s.ms);
    }
    std::printf("\nLoad: %.0f s, %.1f reads/s, %.1f writes/s answered\n", loadSeconds, static_cast<double>(reads.size()) / loadSeconds,
                static_cast<double>(writes.size()) / loadSeconds);
    printLatencies("overall", reads, writes);
    printLatencies("during fault windows", faultReads, faultWrites);
    std::printf("\nAnswers by route (status: count; -1 = no answer):\n");
    for (const auto& [route, statuses] : rec.byRoute()) {
        std::printf("  %-40s", route.c_str());
        for (const auto& [status, count] : statuses) std::printf(" %d: %ld", status, count);
        std::printf("\n");
    }
}

void judgeServerErrors(const Recorder& rec, Verdict& verdict) {
    auto errors = rec.serverErrors();
    if (errors.empty()) return;
    std::printf("\n5xx answers (%zu):\n", errors.size());
    for (const auto& e : errors) std::printf("  %s\n", e.c_str());
    if (long bad = rec.unexpected5xx()) verdict.fail(std::to_string(bad) + " answers were 5xx other than 503 with Retry-After");
}

void judgeTransportErrors(const Recorder& rec, Verdict& verdict, double graceSec) {
    auto windows = rec.windows();
    long stale = 0, expected = 0;
    std::vector<std::string> bad;
    for (const auto& e : rec.transportErrors()) {
        bool daemonDown = std::any_of(windows.begin(), windows.end(), [&](const Window& w) {
            return w.daemonDown && e.atSec >= w.startSec - graceSec && e.atSec <= w.endSec + graceSec;
        });
        if (daemonDown) ++expected;
        else if (!e.fresh) ++stale;
        else bad.push_back("t=" + std::to_string(static_cast<int>(e.atSec)) + "s " + e.route + ": " + e.what);
    }
    std::printf("\nRequests without an answer: %ld while dadns restarted, %ld on stale keep-alive connections, %zu otherwise\n", expected,
                stale, bad.size());
    for (size_t i = 0; i < bad.size() && i < 30; ++i) std::printf("  %s\n", bad[i].c_str());
    if (!bad.empty()) verdict.fail(std::to_string(bad.size()) + " requests got no answer on a fresh connection while dadns was up");
}

void printFaults(const std::vector<FaultResult>& faults) {
    std::printf("\nFaults (seconds since start; converged = probe change served by every backend, after recovery):\n");
    for (const auto& f : faults)
        std::printf("  t=%6.1f  %-22s recovered in %5.1f s, converged %6.1f s later\n", f.startSec, f.name.c_str(), f.recoveredSec - f.startSec,
                    f.convergedSec);
}

void judgeRss(const std::vector<RssSample>& samples, Verdict& verdict, double tolerance, double warmupSec, double untilSec) {
    std::printf("\nResident memory of dadns (MiB, every 10 s):");
    for (size_t i = 0; i < samples.size(); i += 10) std::printf("%s%.0fs:%.1f", i % 80 ? "  " : "\n  ", samples[i].atSec, samples[i].kb / 1024.0);
    std::printf("\n");
    std::map<int, std::vector<RssSample>> byPid;
    for (const auto& s : samples)
        if (s.atSec <= untilSec) byPid[s.pid].push_back(s);
    for (const auto& [pid, series] : byPid) {
        std::vector<long> kept;
        for (const auto& s : series) if (s.atSec - series.front().atSec >= warmupSec) kept.push_back(s.kb);
        if (kept.size() < 30) continue;  // too short a life to judge
        size_t third = kept.size() / 3;
        double first = median({kept.begin(), kept.begin() + static_cast<long>(third)});
        double last = median({kept.end() - static_cast<long>(third), kept.end()});
        std::printf("  pid %d: first third %.1f MiB, last third %.1f MiB (%zu samples)\n", pid, first / 1024, last / 1024, kept.size());
        if (last > first * (1 + tolerance) + 8192)
            verdict.fail("dadns (pid " + std::to_string(pid) + ") grew from " + std::to_string(static_cast<long>(first / 1024)) + " MiB to " +
                         std::to_string(static_cast<long>(last / 1024)) + " MiB");
    }
}

} // namespace dadns::soak
