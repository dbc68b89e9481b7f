// 1,000 concurrent readers of one zone: every reader opens its own connection and sends
// GET /api/v1/zones/{zone} at the same moment; answers are counted by status (target: no 500).
// The daemon: SQLite store, the bind backend writing zone files (no named).
//
//   build/bench/concurrent_read_bench [--readers=1000] [--rounds=3] [--per-client=1024]
//
// Every reader connects from 127.0.0.1, so --per-client sets http.max_connections_per_client
// (default 256 in dadns): above the readers every one is served; at 256 the rest are answered
// 503 with Retry-After.
// The bench raises its open-files limit before it starts dadns, which inherits it.
#include "support/BenchLoad.hpp"
#include "support/LoadSockets.hpp"
#include "support/TestSupport.hpp"

#include <algorithm>
#include <cstdio>
#include <latch>
#include <map>
#include <mutex>
#include <thread>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

struct Round {
    std::map<int, int> byStatus;  // -1: no answer (refused, reset, timed out)
    std::vector<double> ms;
    std::string first500;  // the body of one 500, to say why
};

Round readAtOnce(int port, int readers, const std::string& zone) {
    Round round;
    std::mutex mutex;
    std::latch ready(readers);
    std::vector<std::thread> threads;
    for (int i = 0; i < readers; ++i)
        threads.emplace_back([&] {
            HttpRequest req;
            req.path = "/api/v1/zones/" + zone;
            req.timeout = std::chrono::seconds(60);
            ready.arrive_and_wait();
            auto t0 = Clock::now();
            HttpResponse resp;
            resp.status = -1;
            try {
                resp = httpCall("127.0.0.1", port, req);
            } catch (const std::exception&) {
            }
            int status = resp.status;
            double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            std::lock_guard<std::mutex> lock(mutex);
            if (status == 500 && round.first500.empty()) round.first500 = resp.body.substr(0, 300);
            ++round.byStatus[status];
            round.ms.push_back(ms);
        });
    for (auto& t : threads) t.join();
    std::sort(round.ms.begin(), round.ms.end());
    return round;
}

} // namespace

int main(int argc, char** argv) {
    int readers = std::stoi(benchArg(argc, argv, "readers", "1000"));
    int rounds = std::stoi(benchArg(argc, argv, "rounds", "3"));
    std::string perClient = benchArg(argc, argv, "per-client", "1024");
    long limit = raiseOpenFilesLimit(65536);
    Daemon d(baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: {dir}/zones\n      named_conf: {dir}/named.conf.include\n"
                        "      rndc_command: \"\"\n"
                        "http:\n  max_connections_per_client: " + perClient + "\n"));
    d.start();
    const std::string zone = "read.example";
    int put = d.call("PUT", "/api/v1/zones/" + zone, benchZoneText(zone, 1, "192.0.2.80")).status;
    std::printf("open-files limit %ld (dadns inherits it); zone stored: %d; %d readers at once, %d rounds; per-client limit %s\n", limit,
                put, readers, rounds, perClient.c_str());
    int total500 = 0;
    for (int r = 0; r < rounds; ++r) {
        Round round = readAtOnce(d.port(), readers, zone);
        std::printf("round %d: answers by status (-1 = none):", r + 1);
        for (const auto& [status, count] : round.byStatus) std::printf(" %d: %d", status, count);
        auto at = [&](double p) { return round.ms[std::min(round.ms.size() - 1, static_cast<size_t>(p * static_cast<double>(round.ms.size())))]; };
        std::printf("; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", at(0.5), at(0.99), round.ms.back());
        if (!round.first500.empty()) std::printf("  a 500 said: %s\n", round.first500.c_str());
        total500 += round.byStatus[500];
    }
    std::printf("500 answers in all: %d (target 0); dadns %s\n", total500, d.running() ? "running" : "NOT RUNNING");
    return 0;
}
