// bind backend benchmark against a real named (tests/servers/named.sh):
//
//   build/bench/bind_bench [--zones=10000] [--clients=32] [--changes=21] [--checkzone=true|false] [--parallel=N]
//
// Pushes N new zones, then measures the time from the last acknowledged push until named
// serves all of them (rndc status zone count, then dig on a random sample of 200), and, when
// idle, the time from one changed zone's acknowledgement until named answers with the new data
// (median over --changes runs).
#include "support/BenchLoad.hpp"
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"


#include <algorithm>
#include <cstdio>
#include <random>
#include <thread>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    int zones = std::stoi(benchArg(argc, argv, "zones", "10000"));
    int clients = std::stoi(benchArg(argc, argv, "clients", "32"));
    int changes = std::stoi(benchArg(argc, argv, "changes", "21"));
    std::string checkzone = benchArg(argc, argv, "checkzone", "true");
    std::string parallel = benchArg(argc, argv, "parallel", "");

    NamedServer named;
    named.start();
    std::string cfg = baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: " + named.dir() + "/zones\n      named_conf: " +
                                 named.includeFile() + "\n      rndc_command: \"" + named.rndcCommand() + "\"\n      checkzone: " +
                                 checkzone + "\n" + (parallel.empty() ? "" : "      parallel: " + parallel + "\n") +
                                 "dispatch:\n  drift_interval: 0\n");
    cfg.replace(cfg.find("log_level: info"), 15, "log_level: warn");
    Daemon d(cfg);
    d.start();
    int baseZones = named.zoneCount();

    auto name = [](int i) { return "b" + std::to_string(i) + ".bench.example"; };
    PushRun push = pushZones(d, zones, clients, name, [&](int i) { return benchZoneText(name(i), 1, benchIp(i)); });
    auto lastAck = Clock::now();
    double pushSeconds = push.seconds;
    int failures = push.failures;

    eventually([&] { return named.zoneCount() >= baseZones + zones; }, std::chrono::seconds(600), std::chrono::milliseconds(100));
    std::mt19937 random(7);
    int wrong = 0;
    for (int k = 0; k < 200; ++k) {
        int i = static_cast<int>(random() % static_cast<unsigned>(zones));
        std::string zone = name(i);
        if (!eventually([&] { return named.query("www." + zone, "A") == std::vector<std::string>{benchIp(i)}; }, std::chrono::seconds(60)))
            ++wrong;
    }
    double servedSeconds = std::chrono::duration<double>(Clock::now() - lastAck).count();

    std::vector<double> changeMs;
    for (int k = 0; k < changes; ++k) {
        int i = static_cast<int>(random() % static_cast<unsigned>(zones));
        std::string zone = name(i);
        std::string ip = "172.16." + std::to_string(k) + ".1";
        auto r = d.call("PUT", "/api/v1/zones/" + zone, benchZoneText(zone, 2 + k, ip));
        auto acked = Clock::now();
        if (r.status != 200) ++failures;
        eventually([&] { return named.query("www." + zone, "A") == std::vector<std::string>{ip}; }, std::chrono::seconds(30),
                   std::chrono::milliseconds(5));
        changeMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - acked).count());
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // idle between changes
    }
    std::sort(changeMs.begin(), changeMs.end());

    std::printf("zones=%d clients=%d checkzone=%s failures=%d wrong_answers=%d\n", zones, clients, checkzone.c_str(), failures, wrong);
    std::printf("pushes acknowledged in %.2f s (%.0f/s)\n", pushSeconds, zones / pushSeconds);
    std::printf("named serving all %d zones %.2f s after the last acknowledged push (rndc zone count + 200 sampled digs)\n", zones,
                servedSeconds);
    std::printf("one changed zone answered with new data: median %.0f ms, min %.0f ms, max %.0f ms (%d changes)\n",
                changeMs[changeMs.size() / 2], changeMs.front(), changeMs.back(), changes);
    d.stop();
    named.stop();
    return failures == 0 && wrong == 0 ? 0 : 1;
}
