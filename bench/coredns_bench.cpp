// coredns_mysql backend benchmark against a real MariaDB (tests/servers/mariadb.sh):
//
//   build/bench/coredns_bench [--zones=10000] [--clients=32] [--changes=21] [--parallel=N]
//
// Pushes N new zones of 12 records and measures zones/s end to end (from the first push until
// every zone is applied and verified in MariaDB); then, idle, one changed record in a stored
// zone: rows written (the plugin's row counter) and the time from acknowledgement until the
// new row is in the table (median over --changes runs).
#include "support/BenchLoad.hpp"
#include "support/MariaDbServer.hpp"
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
    std::string parallel = benchArg(argc, argv, "parallel", "");

    MariaDbServer db;
    db.start();
    db.createDatabase("coredns", "coredns", "bench");
    std::string cfg = baseConfig("dns:\n  backends:\n    coredns:\n      type: coredns_mysql\n      host: 127.0.0.1\n      port: " +
                                 std::to_string(db.port()) + "\n      database: coredns\n      username: coredns\n      password: bench\n" +
                                 (parallel.empty() ? "" : "      parallel: " + parallel + "\n") + "dispatch:\n  drift_interval: 0\n");
    cfg.replace(cfg.find("log_level: info"), 15, "log_level: warn");
    Daemon d(cfg);
    d.start();

    auto name = [](int i) { return "c" + std::to_string(i) + ".bench.example"; };
    PushRun push = pushZones(d, zones, clients, name, [&](int i) { return benchZoneText(name(i), 1, benchIp(i)); });
    auto started = Clock::now() - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(push.seconds));
    bool done = eventually([&] {
        auto lane = laneStatus(d);
        return lane && lane->getValue<Poco::UInt64>("applied") >= static_cast<Poco::UInt64>(zones) && lane->getValue<int>("queued") == 0;
    }, std::chrono::seconds(900), std::chrono::milliseconds(20));
    double e2eSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::string stored = db.query("SELECT COUNT(DISTINCT zone), COUNT(*) FROM coredns_records", "coredns").at(0).at(0);

    std::mt19937 random(7);
    std::vector<double> changeMs, rows;
    int wrong = 0;
    for (int k = 0; k < changes; ++k) {
        int i = static_cast<int>(random() % static_cast<unsigned>(zones));
        std::string ip = "172.16." + std::to_string(k) + ".1";
        double before = d.metricSum("dadns_coredns_mysql_rows_total{");
        auto r = d.call("PUT", "/api/v1/zones/" + name(i), benchZoneText(name(i), 2 + k, ip));
        auto acked = Clock::now();
        if (r.status != 200) ++push.failures;
        std::string want = "{\"ip\":\"" + ip + "\"}";
        if (!eventually([&] {
                auto rows = db.query("SELECT content FROM coredns_records WHERE zone = '" + name(i) + ".' AND name = 'www'", "coredns");
                return rows.size() == 1 && rows[0].at(0) == want;
            }, std::chrono::seconds(30), std::chrono::milliseconds(2)))
            ++wrong;
        changeMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - acked).count());
        eventually([&] { return laneStatus(d)->getValue<int>("queued") == 0 && laneStatus(d)->getValue<int>("in_flight") == 0; });
        rows.push_back(d.metricSum("dadns_coredns_mysql_rows_total{") - before);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::sort(changeMs.begin(), changeMs.end());
    std::sort(rows.begin(), rows.end());

    std::printf("zones=%d clients=%d failures=%d wrong=%d all_applied=%s zones_in_table=%s\n", zones, clients, push.failures, wrong,
                done ? "yes" : "no", stored.c_str());
    std::printf("pushes acknowledged in %.2f s (%.0f/s)\n", push.seconds, zones / push.seconds);
    std::printf("end-to-end applied+verified in MariaDB: %.0f zones/s (%.2f s)\n", zones / e2eSeconds, e2eSeconds);
    std::printf("one changed record: rows written median %.0f (max %.0f); in the table after median %.1f ms, min %.1f, max %.1f (%d changes)\n",
                rows[rows.size() / 2], rows.back(), changeMs[changeMs.size() / 2], changeMs.front(), changeMs.back(), changes);
    d.stop();
    db.stop();
    return push.failures == 0 && wrong == 0 && done ? 0 : 1;
}
