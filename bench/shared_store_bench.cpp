// Dispatch scaling on a shared PostgreSQL store (tests/servers/postgres.sh):
//
//   build/bench/shared_store_bench [--zones=600] [--delay_ms=20] [--parallel=2] [--instances=3]
//
// One --role=ingest instance takes the pushes; 1, 2, ... --instances --role=dispatch instances
// share the work of one backend that takes a fixed time per zone (the test backend with
// delay_ms, parallel zones per instance). Prints zones/s from the first push until every zone
// is applied, and the ratio to one dispatch instance.
#include "support/BenchLoad.hpp"
#include "support/PostgresServer.hpp"
#include "support/TestSupport.hpp"

#include <cstdio>
#include <memory>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    int zones = std::stoi(benchArg(argc, argv, "zones", "600"));
    std::string delay = benchArg(argc, argv, "delay_ms", "20");
    std::string parallel = benchArg(argc, argv, "parallel", "2");
    int maxInstances = std::stoi(benchArg(argc, argv, "instances", "3"));

    PostgresServer pg;
    pg.start();
    TempDir backendDir("dadns-bench-backend");
    double single = 0;
    bool ok = true;
    for (int n = 1; n <= maxInstances; ++n) {
        std::string database = "bench" + std::to_string(n);
        pg.recreateDatabase(database);
        std::string dir = backendDir.path() + "/" + std::to_string(n);
        std::string cfg = baseConfig("log_level: warn\nstore:\n  type: postgresql\n  dsn: \"" + pg.dsn(database) +
                                     "\"\ndns:\n  backends:\n    files:\n      type: test_backend\n      dir: " + dir +
                                     "\n      delay_ms: " + delay + "\n      parallel: " + parallel +
                                     "\ndispatch:\n  poll_interval: 100ms\n  drift_interval: 0\n");
        cfg.replace(cfg.find("log_level: info\n"), 16, "");
        cfg.replace(cfg.find("{plugins}"), 9, "{test_plugins}");
        Daemon ingest(cfg);
        ingest.setArgs({"--role=ingest"});
        ingest.start();
        std::vector<std::unique_ptr<Daemon>> workers;
        for (int i = 0; i < n; ++i) {
            workers.push_back(std::make_unique<Daemon>(cfg));
            workers.back()->setArgs({"--role=dispatch"});
            workers.back()->start();
        }
        auto name = [](int i) { return "w" + std::to_string(i) + ".bench.example"; };
        auto started = Clock::now();
        PushRun push = pushZones(ingest, zones, 16, name, [&](int i) { return benchZoneText(name(i), 1, benchIp(i)); });
        bool done = eventually([&] {
            return std::stoll(pg.exec("SELECT COUNT(*) FROM backend_state WHERE backend = 'files' AND applied_version = 1", database)) == zones;
        }, std::chrono::seconds(600), std::chrono::milliseconds(20));
        double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        double rate = zones / seconds;
        if (n == 1) single = rate;
        std::string log = readFile(dir + "/applied.log");
        size_t applies = static_cast<size_t>(std::count(log.begin(), log.end(), '\n'));
        std::printf("dispatch instances=%d: %.0f zones/s (%.2f s), %.2fx one instance; %zu applies for %d zones, push failures=%d%s\n", n,
                    rate, seconds, rate / single, applies, zones, push.failures, done ? "" : ", NOT ALL APPLIED");
        ok = ok && done && push.failures == 0;
    }
    std::printf("backend: %s ms per zone, %s zones at once per instance\n", delay.c_str(), parallel.c_str());
    return ok ? 0 : 1;
}
