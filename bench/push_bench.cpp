// Push benchmark: N distinct zones (about 12 records each) from C concurrent HTTP clients
// into a daemon with its store on disk, to a no-op backend or the bind backend.
//
//   build/bench/push_bench [--zones=N] [--clients=C] [--backend=noop|bind] [--store=sqlite|postgresql] [--restart] [--updates]
//
// --store=postgresql starts a PostgreSQL (tests/servers/postgres.sh) and keeps the store there.
//
// Prints: acknowledged pushes/s (every PUT answered 201, i.e. durable), end-to-end zones/s
// (every zone applied and verified on the backend), request latency median/p99, the daemon's
// resident memory, and with --restart the time a restart takes until it answers. --updates
// pushes every zone once more, one address changed (an update of a stored zone, what a control
// panel sends most), and prints the same figures for that pass.
#include "core/metrics/ProcessMetrics.hpp"
#include "support/BenchLoad.hpp"
#include "support/PostgresServer.hpp"
#include "support/TestSupport.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

std::string zoneText(const std::string& zone, int n) {
    std::string t = "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone + ". " + std::to_string(n) + " 3600 600 86400 300\n";
    t += "@ IN NS ns1." + zone + ".\n@ IN NS ns2." + zone + ".\n@ IN A 192.0.2.1\n@ IN MX 10 mail." + zone + ".\n";
    t += "@ IN TXT \"v=spf1 a mx -all\"\nwww IN A 192.0.2.2\nmail IN A 192.0.2.3\nftp IN CNAME www\n";
    t += "_dmarc IN TXT \"v=DMARC1; p=none\"\nns1 IN A 192.0.2.4\nns2 IN A 192.0.2.5\n";
    return t; // 12 records
}

} // namespace

int main(int argc, char** argv) {
    int zones = std::stoi(benchArg(argc, argv, "zones", "20000"));
    int clients = std::stoi(benchArg(argc, argv, "clients", "32"));
    std::string backend = benchArg(argc, argv, "backend", "noop");
    bool restart = benchArg(argc, argv, "restart", "") == "1";
    bool updates = benchArg(argc, argv, "updates", "") == "1";
    std::string storeType = benchArg(argc, argv, "store", "sqlite");
    std::unique_ptr<PostgresServer> postgres;
    std::string storeYaml;
    if (storeType == "postgresql") {
        postgres = std::make_unique<PostgresServer>();
        postgres->start();
        postgres->recreateDatabase("dadns");
        storeYaml = "store:\n  type: postgresql\n  dsn: \"" + postgres->dsn("dadns") + "\"\n  pool_size: " + std::to_string(std::max(clients, 16)) + "\n";
    } else if (storeType != "sqlite") {
        std::cerr << "unknown --store " << storeType << "\n";
        return 2;
    }

    std::string backends;
    std::string pluginDirYaml;
    if (backend == "noop") {
        backends = "    noop:\n      parallel: 4\n";
        pluginDirYaml = DADNS_BENCH_PLUGIN_DIR;
    } else if (backend == "bind") {
        backends = "    bind:\n      zones_dir: {dir}/zones\n      named_conf: {dir}/named.conf.include\n      rndc_command: \"\"\n      checkzone: false\n";
        pluginDirYaml = "{plugins}";
    } else {
        std::cerr << "unknown --backend " << backend << "\n";
        return 2;
    }
    std::string cfg = baseConfig(storeYaml + "dns:\n  backends:\n" + backends + "dispatch:\n  drift_interval: 0\nhttp:\n  threads: " +
                                 std::to_string(std::max(clients, 16)) + "\n");
    cfg.replace(cfg.find("log_level: info"), 15, "log_level: warn");
    cfg.replace(cfg.find("{plugins}"), 9, pluginDirYaml);
    Daemon d(cfg);
    d.start();

    auto started = Clock::now();
    auto name = [](int i) { return "bench" + std::to_string(i) + ".example"; };
    PushRun push = pushZones(d, zones, clients, name, [&](int i) { return zoneText(name(i), i + 1); });
    double ackSeconds = push.seconds;

    eventually([&] {
        auto l = laneStatus(d);
        return l && l->getValue<Poco::UInt64>("applied") >= static_cast<Poco::UInt64>(zones) && l->getValue<int>("queued") == 0;
    }, std::chrono::seconds(600), std::chrono::milliseconds(10));
    double e2eSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    long rss = residentKb(d.pid());


    std::printf("backend=%s store=%s zones=%d clients=%d failures=%d\n", backend.c_str(), storeType.c_str(), zones, clients, push.failures);
    std::printf("acknowledged: %.0f pushes/s (%.2f s)\n", zones / ackSeconds, ackSeconds);
    std::printf("end-to-end applied+verified: %.0f zones/s (%.2f s)\n", zones / e2eSeconds, e2eSeconds);
    std::printf("latency: median %.2f ms, p99 %.2f ms\n", push.percentileMs(0.5), push.percentileMs(0.99));
    std::printf("daemon resident memory: %.1f MB\n", static_cast<double>(rss) / 1024.0);

    if (updates) {
        PushRun again = pushZones(d, zones, clients, name, [&](int i) {
            std::string text = zoneText(name(i), i + 2);
            return text.replace(text.find("www IN A 192.0.2.2"), 18, "www IN A 192.0.2.9");
        }, 200);
        std::printf("updates: %.0f pushes/s (%.2f s), latency median %.2f ms, p99 %.2f ms, failures %d\n", zones / again.seconds, again.seconds,
                    again.percentileMs(0.5), again.percentileMs(0.99), again.failures);
        push.failures += again.failures;
    }

    if (restart) {
        d.stop();
        auto t0 = Clock::now();
        d.start();
        double ready = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        auto l = laneStatus(d);
        std::printf("restart with %d zones stored: answering after %.0f ms (polled every 50 ms), %d queued\n", zones, ready,
                    l ? l->getValue<int>("queued") : -1);
        std::printf("daemon resident memory after restart: %.1f MB\n", static_cast<double>(residentKb(d.pid())) / 1024.0);
    }
    d.stop();
    return push.failures == 0 ? 0 : 1;
}
