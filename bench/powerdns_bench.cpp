// powerdns backend benchmark against real pdns_server instances (tests/servers/pdns.sh):
//
//   build/bench/powerdns_bench [--zones=2000] [--servers=3] [--clients=32] [--parallel=N]
//
// Phase "create": pushes N new zones of 12 records; phase "change": pushes every zone again
// with its www address changed. For each: zones/s end to end (from the first push until every
// server's lane has applied and verified every zone) and API calls per zone per server,
// writes (POST/PATCH) and all calls (with the read that verifies the count), from the plugin's
// call counter.
#include "support/BenchLoad.hpp"
#include "support/PdnsServer.hpp"
#include "support/TestSupport.hpp"

#include <cstdio>
#include <memory>
#include <sstream>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

struct Phase {
    double seconds = 0;
    double writes = 0, calls = 0;
    double dadnsCpu = 0, pdnsCpu = 0; // seconds
    bool done = false;
    int failures = 0;
};

} // namespace

int main(int argc, char** argv) {
    int zones = std::stoi(benchArg(argc, argv, "zones", "2000"));
    int servers = std::stoi(benchArg(argc, argv, "servers", "3"));
    int clients = std::stoi(benchArg(argc, argv, "clients", "32"));
    std::string parallel = benchArg(argc, argv, "parallel", "");

    std::vector<std::unique_ptr<PdnsServer>> pdns;
    std::string yaml;
    for (int i = 0; i < servers; ++i) {
        pdns.push_back(std::make_unique<PdnsServer>());
        pdns.back()->start();
        yaml += "        - name: s" + std::to_string(i + 1) + "\n          api_url: " + pdns.back()->apiUrl() + "\n          api_key: " +
                pdns.back()->apiKey() + "\n";
    }
    std::string cfg = baseConfig("dns:\n  backends:\n    pdns:\n      type: powerdns\n" +
                                 (parallel.empty() ? "" : "      parallel: " + parallel + "\n") + "      servers:\n" + yaml +
                                 "dispatch:\n  drift_interval: 0\n");
    cfg.replace(cfg.find("log_level: info"), 15, "log_level: warn");
    Daemon d(cfg);
    d.start();

    auto name = [](int i) { return "p" + std::to_string(i) + ".bench.example"; };
    auto calls = [&](const std::string& method) {
        double total = 0;
        for (int s = 1; s <= servers; ++s)
            total += d.metricSum("dadns_powerdns_api_calls_total{instance=\"pdns.s" + std::to_string(s) + "\"" +
                                 (method.empty() ? "" : ",method=\"" + method + "\""));
        return total;
    };
    auto run = [&](int serial, uint64_t appliedTarget, int expectedStatus) {
        Phase p;
        double writesBefore = calls("POST") + calls("PATCH"), callsBefore = calls("");
        auto pdnsCpu = [&] {
            double total = 0;
            for (auto& s : pdns) total += cpuSeconds(s->pid());
            return total;
        };
        double dadnsCpuBefore = cpuSeconds(d.pid()), pdnsCpuBefore = pdnsCpu();
        PushRun push = pushZones(d, zones, clients, name, [&](int i) { return benchZoneText(name(i), serial, benchIp(i + serial * 7)); },
                                 expectedStatus);
        auto started = Clock::now() - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(push.seconds));
        p.failures = push.failures;
        p.done = eventually([&] {
            for (int s = 1; s <= servers; ++s) {
                auto lane = laneStatus(d, "pdns.s" + std::to_string(s));
                if (!lane || lane->getValue<Poco::UInt64>("applied") < appliedTarget || lane->getValue<int>("queued") != 0 ||
                    lane->getValue<int>("in_flight") != 0)
                    return false;
            }
            return true;
        }, std::chrono::seconds(900), std::chrono::milliseconds(20));
        p.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        p.writes = (calls("POST") + calls("PATCH") - writesBefore) / (static_cast<double>(zones) * servers);
        p.calls = (calls("") - callsBefore) / (static_cast<double>(zones) * servers);
        p.dadnsCpu = cpuSeconds(d.pid()) - dadnsCpuBefore;
        p.pdnsCpu = pdnsCpu() - pdnsCpuBefore;
        return p;
    };

    Phase create = run(1, static_cast<uint64_t>(zones), 201);
    Phase change = run(2, static_cast<uint64_t>(zones) * 2, 200);

    // Spot check what the servers answer.
    int wrong = 0;
    for (auto& s : pdns) {
        for (int i : {0, zones / 2, zones - 1})
            if (s->query("www." + name(i), "A") != std::vector<std::string>{benchIp(i + 14)}) ++wrong;
        if (s->api("GET", "/zones").body.size() < static_cast<size_t>(zones) * 10) ++wrong;
    }

    std::printf("zones=%d servers=%d clients=%d parallel=%s wrong=%d\n", zones, servers, clients, parallel.empty() ? "default" : parallel.c_str(),
                wrong);
    for (auto [label, p] : {std::pair<const char*, Phase&>{"create", create}, {"change", change}})
        std::printf("%s: end-to-end on all servers %.0f zones/s (%.0f zone applies/s, %.2f s), failures=%d all_applied=%s; per zone per "
                    "server %.2f writes, %.2f calls; CPU dadns %.1f s, pdns_server %.1f s (dadns %.2f ms per zone apply)\n",
                    label, zones / p.seconds, zones * servers / p.seconds, p.seconds, p.failures, p.done ? "yes" : "no", p.writes, p.calls,
                    p.dadnsCpu, p.pdnsCpu, p.dadnsCpu * 1000 / (static_cast<double>(zones) * servers));
    std::istringstream metrics(d.get("/metrics").body);
    for (std::string line; std::getline(metrics, line);)
        if (line.rfind("dadns_powerdns_api_calls_total{", 0) == 0 && line.find("status=\"2") == std::string::npos) std::printf("%s\n", line.c_str());
    d.stop();
    return create.done && change.done && create.failures == 0 && change.failures == 0 && wrong == 0 ? 0 : 1;
}
