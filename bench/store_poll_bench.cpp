// How long a lane's poll of a shared PostgreSQL store takes with many zones
// (tests/servers/postgres.sh):
//
//   build/bench/store_poll_bench [--zones=100000] [--runs=20]
//
// Fills the store with --zones zones, all applied to backend "bind" but 10, then times the full
// pending() query and the incremental pendingSince() one (what changed in the last 5 s) that
// lanes run between full polls. Prints medians over --runs.
#include "core/store/PostgresZoneStore.hpp"
#include "support/BenchLoad.hpp"
#include "support/PostgresServer.hpp"
#include "support/TestSupport.hpp"

#include <cstdio>

using namespace dadns;
using namespace dadns::test;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    int zones = std::stoi(benchArg(argc, argv, "zones", "100000"));
    int runs = std::stoi(benchArg(argc, argv, "runs", "20"));
    PostgresServer pg;
    pg.start();
    pg.recreateDatabase("poll");
    PostgresZoneStore store(pg.dsn("poll"), PostgresZoneStore::Options{});
    // Old zones, applied long ago, written directly for speed.
    std::string n = std::to_string(zones);
    pg.exec("INSERT INTO zones SELECT 'z' || i || '.example', 1, 0, 3, '0000000000001.0000@bench', 'bench', '', '', 1000 FROM generate_series(1, " +
                n + ") AS i; INSERT INTO backend_state SELECT 'bind', 'z' || i || '.example', 1, 3, 0, 0, '', 0, 0, 1000 FROM generate_series(11, " +
                n + ") AS i; ANALYZE",
            "poll");
    int64_t since = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count() - 5000;
    for (int i = 0; i < 5; ++i) {
        ZoneSubmission s;
        s.name = "fresh" + std::to_string(i) + ".example";
        s.zoneText = "x. 1 IN A 192.0.2.1\n";
        s.recordCount = 1;
        store.submit(s);
    }
    auto time = [&](auto fn, size_t& found) {
        std::vector<double> ms;
        for (int r = 0; r < runs; ++r) {
            auto t = Clock::now();
            found = fn().size();
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
        }
        return median(ms);
    };
    size_t fullFound = 0, sinceFound = 0;
    double full = time([&] { return store.pending("bind"); }, fullFound);
    double incremental = time([&] { return store.pendingSince("bind", since); }, sinceFound);
    std::printf("zones=%d: full poll %.1f ms (%zu pending), incremental poll %.2f ms (%zu pending), medians of %d; %.0fx\n", zones, full,
                fullFound, incremental, sinceFound, runs, full / std::max(incremental, 0.001));
    return fullFound == 15 && sinceFound == 5 ? 0 : 1;
}
