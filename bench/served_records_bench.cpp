// What content verification costs per zone: the coredns_mysql and powerdns plugins' servedRecords
// (what the daemon reads after every apply and in drift scans) against a real MariaDB and a real
// pdns_server (tests/servers/), beside count (what verification read before):
//
//   build/bench/served_records_bench [--reads=200] [--backends=coredns_mysql,powerdns]
//
// Each plugin is loaded in process on the SDK's fake host, as the daemon loads it; a 10-record
// and a 1,000-record zone are applied once, then read --reads times each, one read at a time.
// Prints the median and 90th percentile microseconds per read and checks that every read
// reports the records applied.
#include "support/BenchLoad.hpp"
#include "support/MariaDbServer.hpp"
#include "support/PdnsServer.hpp"
#include "support/TestSupport.hpp"

#include "core/zone/ZoneParser.hpp"

#include <dadns/sdk/testing.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

// SOA, two NS, then A, AAAA, MX and TXT records in turn up to `records`.
dadns::sdk::Zone benchZone(const std::string& name, int records) {
    std::string text = "$TTL 300\n@ IN SOA ns1." + name + ". hostmaster." + name + ". 2024010101 3600 600 86400 300\n@ IN NS ns1." + name +
                       ".\n@ IN NS ns2." + name + ".\n";
    for (int i = 3; i < records; ++i) {
        std::string n = "h" + std::to_string(i);
        switch (i % 4) {
        case 0: text += n + " IN A 10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) + "\n"; break;
        case 1: text += n + " IN AAAA 2001:db8::" + std::to_string(i) + "\n"; break;
        case 2: text += n + " IN MX 10 mail" + std::to_string(i) + "." + name + ".\n"; break;
        default: text += n + " IN TXT \"v=spf1 ip4:10.0.0." + std::to_string(i % 256) + " -all\" \"part two\"\n"; break;
        }
    }
    return dadns::parseZoneText(text, name);
}

struct Figures {
    double median = 0, p90 = 0;
};

Figures time(int reads, const std::function<void()>& read) {
    read(); // connections open, caches warm
    std::vector<double> us;
    us.reserve(static_cast<size_t>(reads));
    for (int i = 0; i < reads; ++i) {
        auto start = Clock::now();
        read();
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    std::sort(us.begin(), us.end());
    return {us[us.size() / 2], us[us.size() * 9 / 10]};
}

bool measure(dadns::sdk::testing::LoadedBackend& backend, const std::string& label, int reads) {
    bool ok = true;
    for (int records : {10, 1000}) {
        std::string name = "z" + std::to_string(records) + ".bench.example";
        dadns::sdk::Zone zone = benchZone(name, records);
        int64_t expected = backend.apply(zone).expectedCount;
        Figures served = time(reads, [&] {
            auto held = backend.servedRecords(name);
            if (!held || static_cast<int64_t>(held->size()) != expected) ok = false;
        });
        Figures counted = time(reads, [&] {
            if (backend.count(name) != expected) ok = false;
        });
        std::printf("%-14s %5d records: servedRecords median %8.0f us, p90 %8.0f us | count median %6.0f us, p90 %6.0f us (%d reads each)\n",
                    label.c_str(), records, served.median, served.p90, counted.median, counted.p90, reads);
    }
    return ok;
}

} // namespace

int main(int argc, char** argv) {
    int reads = std::stoi(benchArg(argc, argv, "reads", "200"));
    std::string backends = benchArg(argc, argv, "backends", "coredns_mysql,powerdns");
    bool ok = true;
    dadns::sdk::testing::FakeHost host;

    if (backends.find("coredns_mysql") != std::string::npos) {
        MariaDbServer db;
        db.start();
        db.createDatabase("coredns", "coredns", "bench");
        dadns::sdk::testing::PluginLibrary plugin{host, pluginDir() + "/coredns_mysql.so"};
        auto backend = plugin.createBackend("coredns", R"({"host":"127.0.0.1","port":)" + std::to_string(db.port()) +
                                                           R"(,"database":"coredns","username":"coredns","password":"bench"})");
        ok = measure(backend, "coredns_mysql", reads) && ok;
    }
    if (backends.find("powerdns") != std::string::npos) {
        PdnsServer pdns;
        pdns.start();
        dadns::sdk::testing::PluginLibrary plugin{host, pluginDir() + "/powerdns.so"};
        auto backend = plugin.createBackend("pdns.s1", R"({"servers":[{"name":"s1","api_url":")" + pdns.apiUrl() + R"(","api_key":")" +
                                                           pdns.apiKey() + R"("}]})");
        ok = measure(backend, "powerdns", reads) && ok;
    }
    if (!ok) std::printf("a read did not report the records applied\n");
    return ok ? 0 : 1;
}
