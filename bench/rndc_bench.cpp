// named's control channel spoken natively (plugins/bind/RndcChannel) against spawning rndc, on
// a real named (tests/servers/named.sh, allow-new-zones):
//
//   build/bench/rndc_bench [--commands=200] [--zones=1000] [--rndc-zones=100]
//
// - round trip of `null` and of `status` over the one persistent connection (--commands each),
//   and of `rndc -c <conf> status` started as a process (--commands times): median and p99;
// - addzone then delzone of --zones zones (one small zone file each) over the channel, against
//   a named holding none: the time per command (median, p99) and in total; between them, addzone
//   of the zones named has (a reconcile's offer, answered "exists") and showzone (what a delete
//   asks first);
// - the same for --rndc-zones zones with rndc processes, for comparison.
// Each command's answer is checked; failures are counted and printed.
#include "RndcChannel.hpp"
#include "RndcConfig.hpp"

#include "support/BenchLoad.hpp"
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace dadns::test;
using dadns::bind::RndcChannel;
using Clock = std::chrono::steady_clock;

namespace {

struct Timings {
    std::vector<double> ms;
    int failures = 0;

    double percentile(double p) const {
        if (ms.empty()) return 0;
        std::vector<double> v = ms;
        std::sort(v.begin(), v.end());
        return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
    }
    double total() const {
        double sum = 0;
        for (double m : ms) sum += m;
        return sum;
    }
};

// Runs one(i) count times, timing each; one returns whether it worked.
Timings timeEach(int count, const std::function<bool(int)>& one) {
    Timings t;
    for (int i = 0; i < count; ++i) {
        auto t0 = Clock::now();
        bool ok = one(i);
        t.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        t.failures += !ok;
    }
    return t;
}

void report(const char* what, const Timings& t) {
    std::printf("%-44s n=%zu  median %8.3f ms  p99 %8.3f ms  total %9.1f ms  failures %d\n", what, t.ms.size(), t.percentile(0.5),
                t.percentile(0.99), t.total(), t.failures);
}

std::string zoneName(const std::string& prefix, int i) { return prefix + std::to_string(i) + ".bench.example"; }

std::string writeZone(const NamedServer& named, const std::string& zone) {
    std::string path = named.dir() + "/zones/" + zone;
    writeFile(path, "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone + ". 1 3600 600 86400 300\n@ IN NS ns1." + zone +
                        ".\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.80\n");
    return path;
}

std::string addzone(const std::string& zone, const std::string& file) { return "addzone " + zone + " { type primary; file \"" + file + "\"; };"; }

bool rndc(const NamedServer& named, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"rndc", "-c", named.rndcConf()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv).status == 0;
}

} // namespace

int main(int argc, char** argv) {
    int commands = std::stoi(benchArg(argc, argv, "commands", "200"));
    int zones = std::stoi(benchArg(argc, argv, "zones", "1000"));
    int rndcZones = std::stoi(benchArg(argc, argv, "rndc-zones", "100"));

    NamedServer named;
    named.setOptions("notify no; allow-new-zones yes;");
    named.start();
    RndcChannel channel(dadns::bind::readRndcConfig(named.rndcConf()), std::chrono::seconds(30));
    if (!channel.command("null").ok()) {
        std::fprintf(stderr, "the control channel does not answer\n");
        return 1;
    }

    std::printf("named %s, %d commands each, %d zones over the channel, %d with rndc\n", channel.endpoint().text().c_str(), commands, zones,
                rndcZones);
    report("channel: null", timeEach(commands, [&](int) { return channel.command("null").ok(); }));
    report("channel: status", timeEach(commands, [&](int) { return channel.command("status").ok(); }));
    report("rndc process: status", timeEach(commands, [&](int) { return rndc(named, {"status"}); }));

    // Zone files written beforehand: the figures are named's and the channel's, not the disk's.
    std::vector<std::string> files, rndcFiles;
    for (int i = 0; i < zones; ++i) files.push_back(writeZone(named, zoneName("c", i)));
    for (int i = 0; i < rndcZones; ++i) rndcFiles.push_back(writeZone(named, zoneName("r", i)));
    auto file = [](const std::vector<std::string>& list, int i) { return list[static_cast<size_t>(i)]; };

    report("channel: addzone", timeEach(zones, [&](int i) { return channel.command(addzone(zoneName("c", i), file(files, i))).ok(); }));
    std::printf("named holds %d zones\n", named.zoneCount());
    // A reconcile's offer: addzone of a zone named has, answered "exists" (result 18).
    report("channel: addzone of a zone named has", timeEach(zones, [&](int i) {
               auto a = channel.command(addzone(zoneName("c", i), file(files, i)));
               return !a.ok() && a.result == 18;
           }));
    report("channel: showzone", timeEach(zones, [&](int i) { return channel.command("showzone " + zoneName("c", i)).ok(); }));
    report("channel: delzone", timeEach(zones, [&](int i) { return channel.command("delzone " + zoneName("c", i)).ok(); }));
    report("rndc process: addzone", timeEach(rndcZones, [&](int i) {
               return rndc(named, {"addzone", zoneName("r", i), "{ type primary; file \"" + file(rndcFiles, i) + "\"; };"});
           }));
    report("rndc process: delzone", timeEach(rndcZones, [&](int i) { return rndc(named, {"delzone", zoneName("r", i)}); }));

    std::printf("connections the channel opened: %llu\n", static_cast<unsigned long long>(channel.connectionsOpened()));
    named.stop();
    return 0;
}
