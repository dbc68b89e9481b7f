// What the web console costs the daemon: the size of its files, and how fast the API answers
// the pages it shows with many zones stored (target: the zones page's first page under 100 ms
// with 100,000 zones). Two noop backends: "noop" holds every zone, "picky" refuses the zones
// named fail* (1 in 100: dead letters, so the "not in sync" filter has something to find).
//
//   build/bench/console_bench [--zones=100000] [--clients=32] [--calls=30]
#include "support/BenchLoad.hpp"
#include "support/TestSupport.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

struct Timing {
    double medianMs = 0, p90Ms = 0, maxMs = 0;
    int status = 0;
    size_t bytes = 0;
};

// calls GETs of path, one after another on fresh connections, as a browser's first look would.
Timing time(Daemon& d, const std::string& path, int calls) {
    std::vector<double> ms;
    Timing t;
    for (int i = 0; i < calls; ++i) {
        auto t0 = Clock::now();
        auto r = d.get(path);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        t.status = r.status;
        t.bytes = r.body.size();
    }
    std::sort(ms.begin(), ms.end());
    t.medianMs = median(ms);
    t.p90Ms = ms[static_cast<size_t>(0.9 * static_cast<double>(ms.size() - 1))];
    t.maxMs = ms.back();
    return t;
}

size_t assetBytes(size_t& files) {
    size_t total = 0;
    files = 0;
    std::error_code missing;
    for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(DADNS_SOURCE_DIR) + "/core/console/assets", missing))
        if (e.is_regular_file()) {
            total += e.file_size();
            ++files;
        }
    return total;
}

} // namespace

int main(int argc, char** argv) {
    int zones = std::stoi(benchArg(argc, argv, "zones", "100000"));
    int clients = std::stoi(benchArg(argc, argv, "clients", "32"));
    int calls = std::stoi(benchArg(argc, argv, "calls", "30"));
    size_t files = 0;
    size_t bytes = assetBytes(files);
    std::printf("console assets: %zu files, %zu bytes (%.1f KB; budget 150 KB)\n", files, bytes, static_cast<double>(bytes) / 1024.0);

    std::string cfg = baseConfig("dns:\n  backends:\n    noop:\n      type: noop\n      parallel: 4\n    picky:\n      type: noop\n"
                                 "      parallel: 4\n      reject_prefix: fail\n"
                                 "dispatch:\n  drift_interval: 0\nhttp:\n  threads: " + std::to_string(std::max(clients, 16)) + "\n");
    cfg.replace(cfg.find("log_level: info"), 15, "log_level: warn");
    cfg.replace(cfg.find("{plugins}"), 9, DADNS_BENCH_PLUGIN_DIR);
    Daemon d(cfg);
    d.start();
    auto name = [](int i) { return (i % 100 == 0 ? "fail" : "bench") + std::to_string(i) + ".example"; };
    PushRun push = pushZones(d, zones, clients, name, [&](int i) { return benchZoneText(name(i), i + 1, benchIp(i)); });
    eventually([&] {
        auto a = laneStatus(d, "noop"), b = laneStatus(d, "picky");
        return a && b && a->getValue<int>("queued") == 0 && b->getValue<int>("queued") == 0 &&
               a->getValue<Poco::UInt64>("applied") >= static_cast<Poco::UInt64>(zones);
    }, std::chrono::seconds(900), std::chrono::milliseconds(50));
    std::printf("zones stored: %d in %.1f s (%d failures); %d of them refused by picky\n", zones, push.seconds, push.failures, (zones + 99) / 100);

    std::string middle = "bench" + std::to_string(zones / 2 + 1) + ".example";
    struct Page {
        const char* what;
        std::string path;
    } pages[] = {
        {"zones, first page (50)", "/api/v1/zones?limit=50"},
        {"zones, a page in the middle", "/api/v1/zones?limit=50&after=" + middle},
        {"zones, search matching 11 names", "/api/v1/zones?limit=50&search=bench" + std::to_string(zones / 10 - 1)},
        {"zones, search matching none (whole scan)", "/api/v1/zones?limit=50&search=nothing-matches"},
        {"zones, not in sync somewhere, first page", "/api/v1/zones?limit=50&sync=out"},
        {"zones, in sync nowhere (none match)", "/api/v1/zones?limit=50&sync=none"},
        {"one zone", "/api/v1/zones/" + middle},
        {"status", "/api/v1/status"},
        {"queue (50 per backend)", "/api/v1/queue?limit=50"},
        {"console page", "/"},
    };
    std::printf("%-44s %8s %8s %8s %7s %9s\n", "GET", "median", "p90", "max", "status", "bytes");
    bool ok = push.failures == 0;
    for (const auto& p : pages) {
        Timing t = time(d, p.path, calls);
        std::printf("%-44s %6.2f ms %6.2f ms %6.2f ms %7d %9zu\n", p.what, t.medianMs, t.p90Ms, t.maxMs, t.status, t.bytes);
        ok = ok && t.status == 200;
    }
    d.stop();
    return ok ? 0 : 1;
}
