// Convergence and load of swim clusters on loopback:
//
//   build/bench/swim_bench [--sizes=5,10,25] [--zones=5] [--idle_seconds=10]
//
// For each cluster size, N dadns daemons (SQLite store, bind backend writing zone files, swim
// with the LAN defaults: probe 1 s / 500 ms, 3 indirect checks, gossip to 3 every 200 ms,
// push-pull every 30 s) join through node 1. Prints: time until every node sees every other
// alive after the last start; packets and bytes each node sends per second while idle; the
// median time from a push to node 1 until the zone file is on every node's backend; the time
// from kill -9 of one node until every other node reports it failed, and from its restart until
// every node sees it alive again.
#include "support/BenchLoad.hpp"
#include "support/SwimCluster.hpp"
#include "support/TestSupport.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::vector<std::string> idsExcept(SwimCluster& c, size_t except) {
    std::vector<std::string> out;
    for (size_t i = 0; i < c.size(); ++i)
        if (i != except) out.push_back(c.id(i));
    return out;
}

bool allSee(SwimCluster& c, size_t subject, const std::string& state) {
    for (size_t i = 0; i < c.size(); ++i)
        if (i != subject && !c.sees(i, {c.id(subject)}, state)) return false;
    return true;
}

// Packets and bytes node i has sent so far.
std::pair<double, double> sent(SwimCluster& c, size_t i) {
    auto root = Poco::JSON::Parser().parse(c.node(i).get("/api/v1/cluster").body).extract<Poco::JSON::Object::Ptr>();
    auto stats = root->getObject("cluster")->getObject("statistics");
    return {stats->getValue<double>("packets_sent"), stats->getValue<double>("bytes_sent")};
}

std::string zoneText(const std::string& zone, int serial) {
    return "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone + ". " + std::to_string(serial) + " 3600 600 86400 300\n@ IN NS ns1." +
           zone + ".\nwww IN A 192.0.2.1\n";
}

} // namespace

int main(int argc, char** argv) {
    std::vector<size_t> sizes;
    std::stringstream list(benchArg(argc, argv, "sizes", "5,10,25"));
    for (std::string item; std::getline(list, item, ',');) sizes.push_back(std::stoul(item));
    int zones = std::stoi(benchArg(argc, argv, "zones", "5"));
    int idleSeconds = std::stoi(benchArg(argc, argv, "idle_seconds", "10"));
    bool ok = true;

    for (size_t n : sizes) {
        SwimClusterOptions o;
        o.nodes = n;
        o.timing = ""; // the LAN defaults
        SwimCluster c(o);
        c.startAll();
        auto lastStart = Clock::now();
        bool formed = eventually([&] {
            for (size_t i = 0; i < c.size(); ++i)
                if (!c.sees(i, idsExcept(c, i), "alive")) return false;
            return true;
        }, std::chrono::seconds(120), std::chrono::milliseconds(100));
        double formSeconds = secondsSince(lastStart);

        // Idle load, per node.
        std::vector<std::pair<double, double>> before(n);
        for (size_t i = 0; i < n; ++i) before[i] = sent(c, i);
        auto idleStart = Clock::now();
        std::this_thread::sleep_for(std::chrono::seconds(idleSeconds));
        double idle = secondsSince(idleStart);
        std::vector<double> packets, bytes;
        for (size_t i = 0; i < n; ++i) {
            auto after = sent(c, i);
            packets.push_back((after.first - before[i].first) / idle);
            bytes.push_back((after.second - before[i].second) / idle);
        }

        // Zone propagation to every backend.
        std::vector<double> spread;
        for (int z = 0; z < zones; ++z) {
            std::string zone = "spread" + std::to_string(z) + ".bench.example";
            auto pushed = Clock::now();
            if (c.node(0).call("PUT", "/api/v1/zones/" + zone, zoneText(zone, 1)).status != 201) ok = false;
            bool everywhere = eventually([&] {
                for (size_t i = 0; i < n; ++i)
                    if (c.zoneFile(i, zone).empty()) return false;
                return true;
            }, std::chrono::seconds(60), std::chrono::milliseconds(10));
            ok = ok && everywhere;
            spread.push_back(secondsSince(pushed));
        }

        // Failure detection and rejoin of the last node.
        size_t victim = n - 1;
        c.node(victim).kill9();
        auto killed = Clock::now();
        bool detected = eventually([&] { return allSee(c, victim, "failed"); }, std::chrono::seconds(120), std::chrono::milliseconds(100));
        double detectSeconds = secondsSince(killed);
        auto restarted = Clock::now();
        c.node(victim).start();
        bool rejoined = eventually([&] { return allSee(c, victim, "alive"); }, std::chrono::seconds(120), std::chrono::milliseconds(100));
        double rejoinSeconds = secondsSince(restarted);
        ok = ok && formed && detected && rejoined;

        std::printf("nodes=%zu: formed in %.2f s; idle load per node: median %.1f packets/s, %.0f bytes/s (max %.1f packets/s); "
                    "zone on every backend: median %.3f s, max %.3f s (%d zones); kill -9 -> failed everywhere %.2f s; restart -> alive everywhere %.2f s%s\n",
                    n, formSeconds, median(packets), median(bytes), *std::max_element(packets.begin(), packets.end()), median(spread),
                    *std::max_element(spread.begin(), spread.end()), zones, detectSeconds, rejoinSeconds, ok ? "" : "  (FAILED)");
        std::fflush(stdout);
    }
    return ok ? 0 : 1;
}
