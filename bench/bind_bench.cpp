// bind backend benchmark against a real named (tests/servers/named.sh):
//
//   build/bench/bind_bench [--zones=10000] [--clients=32] [--changes=50] [--checkzone=true|false] [--parallel=N] [--reads=200] [--server]
//                          [--membership=include|addzone] [--control=process|channel]
//
// Pushes N new zones, then measures the time from the last acknowledged push until named
// serves all of them (rndc status zone count, then dig on a random sample of 200), and, when
// idle, one change at a time:
// - change to served: from sending a PUT (no ?wait) until named answers with the new data;
// - PUT ?wait=30: until the API answers "applied", and whether named already answers with the
//   new data at that moment.
// named is polled in process (one UDP query with ldns, no dig start), so the poll adds well
// under a millisecond to the figures.
// --server sets the backend's `server` (named's address), so the daemon verifies applies by
// AXFR from named.
// --membership sets zone_membership; --control how named is told: an rndc process per command
// (rndc_command, the default in include mode) or the control channel (rndc_conf).
// Last, the cost of the plugin's servedRecords for a 10-record and a 1,000-record zone (median
// of --reads calls): by AXFR from named (`server`), the same signed with an hmac-sha256 key
// (`transfer_key`), and from the zone file for comparison.
#include "support/BenchLoad.hpp"
#include "support/DnsPoller.hpp"
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <dadns/sdk/testing.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <thread>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

bool pollUntil(DnsPoller& named, const std::string& name, const std::string& ip) {
    auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
        if (named.answersA(name, ip)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

struct ChangeRun {
    std::vector<double> servedMs; // PUT sent until named answers with the new data
    std::vector<double> answerMs; // PUT ?wait: PUT sent until the API answered
    int servedAtAnswer = 0;       // PUT ?wait: named answered with the new data when the API did
    int failures = 0;
};

// `changes` single-zone changes one at a time, idle in between; with wait, PUT ?wait=30.
void measureChanges(Daemon& d, DnsPoller& named, int zones, int changes, bool wait, int serialBase, ChangeRun& run) {
    std::mt19937 random(static_cast<unsigned>(serialBase));
    for (int k = 0; k < changes; ++k) {
        std::string zone = "b" + std::to_string(random() % static_cast<unsigned>(zones)) + ".bench.example";
        std::string ip = "172." + std::to_string(16 + wait) + "." + std::to_string(k) + ".1";
        auto t0 = Clock::now();
        auto r = d.call("PUT", "/api/v1/zones/" + zone + (wait ? "?wait=30" : ""), benchZoneText(zone, serialBase + k, ip));
        if (r.status != 200) ++run.failures;
        if (wait) {
            run.answerMs.push_back(msSince(t0));
            if (named.answersA("www." + zone, ip)) ++run.servedAtAnswer;
        }
        if (!pollUntil(named, "www." + zone, ip)) ++run.failures;
        run.servedMs.push_back(msSince(t0));
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // idle between changes
    }
}

// A zone of exactly n records: SOA, NS and n - 2 A records (one for the name server).
std::string sizedZoneText(int n) {
    std::string text = "$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 10.9.255.255\n";
    for (int i = 0; i < n - 3; ++i) text += "h" + std::to_string(i) + " IN A 10.9." + std::to_string(i / 256) + "." + std::to_string(i % 256) + "\n";
    return text;
}

// Median microseconds of servedRecords(zone) over `reads` calls; -1 when a call returned
// something else than `records` records.
double servedRecordsMicros(dadns::sdk::testing::LoadedBackend& bind, const std::string& zone, size_t records, int reads) {
    std::vector<double> us;
    for (int i = 0; i < reads; ++i) {
        auto t0 = Clock::now();
        auto served = bind.servedRecords(zone);
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        if (!served || served->size() != records) return -1;
    }
    return percentile(us, 0.5);
}

// servedRecords of a second, in-process bind instance on the daemon's files (idle by now): one
// reading named by AXFR, one by AXFR signed with key (transfer_key), one reading the zone files.
void measureServedRecords(Daemon& d, const NamedServer& named, const TsigKey& key, int reads) {
    for (int n : {10, 1000}) {
        std::string zone = "r" + std::to_string(n) + ".bench.example";
        auto r = d.call("PUT", "/api/v1/zones/" + zone + "?wait=30", sizedZoneText(n));
        if (r.status != 200 && r.status != 201) std::printf("push of %s failed: %d %s\n", zone.c_str(), r.status, r.body.c_str());
    }
    dadns::sdk::testing::FakeHost host;
    dadns::sdk::testing::PluginLibrary plugin(host, pluginDir() + "/bind.so");
    std::string common = "{\"zones_dir\":\"" + named.dir() + "/zones\",\"named_conf\":\"" + named.includeFile() + "\",\"rndc_command\":\"\"";
    std::string server = ",\"server\":\"127.0.0.1:" + std::to_string(named.port()) + "\"";
    writeFile(named.dir() + "/readback.key", key.statement() + "\n");
    auto axfr = plugin.createBackend("axfr", common + server + "}");
    auto signedAxfr = plugin.createBackend("signed", common + server + ",\"transfer_key\":\"" + named.dir() + "/readback.key\"}");
    auto files = plugin.createBackend("files", common + "}");
    for (int n : {10, 1000}) {
        std::string zone = "r" + std::to_string(n) + ".bench.example";
        size_t records = static_cast<size_t>(n);
        std::printf("servedRecords of a %d-record zone (median of %d): AXFR from named %.0f us, signed with %s %.0f us, zone file %.0f us\n",
                    n, reads, servedRecordsMicros(axfr, zone, records, reads), key.algorithm.c_str(),
                    servedRecordsMicros(signedAxfr, zone, records, reads), servedRecordsMicros(files, zone, records, reads));
    }
}

} // namespace

int main(int argc, char** argv) {
    int zones = std::stoi(benchArg(argc, argv, "zones", "10000"));
    int clients = std::stoi(benchArg(argc, argv, "clients", "32"));
    int changes = std::stoi(benchArg(argc, argv, "changes", "50"));
    std::string checkzone = benchArg(argc, argv, "checkzone", "true");
    std::string parallel = benchArg(argc, argv, "parallel", "");
    int reads = std::stoi(benchArg(argc, argv, "reads", "200"));
    bool server = benchArg(argc, argv, "server", "0") != "0";
    std::string membership = benchArg(argc, argv, "membership", "include");
    std::string control = benchArg(argc, argv, "control", membership == "addzone" ? "channel" : "process");

    NamedServer named;
    named.setOptions("notify no; allow-new-zones yes;");
    TsigKey readBackKey = TsigKey::random("bench-readback"); // for the signed read-back's figures
    named.addKey(readBackKey);
    named.start();
    std::string signal = control == "channel" ? "rndc_conf: " + named.rndcConf() : "rndc_command: \"" + named.rndcCommand() + "\"";
    std::string cfg = baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: " + named.dir() + "/zones\n      named_conf: " +
                                 named.includeFile() + "\n      zone_membership: " + membership + "\n      " + signal + "\n      checkzone: " +
                                 checkzone + "\n" + (server ? "      server: 127.0.0.1:" + std::to_string(named.port()) + "\n" : "") + (parallel.empty() ? "" : "      parallel: " + parallel + "\n") +
                                 "dispatch:\n  drift_interval: 0\n");
    cfg.replace(cfg.find("log_level: info"), 15, "log_level: warn");
    Daemon d(cfg);
    d.start();
    int baseZones = named.zoneCount();

    auto name = [](int i) { return "b" + std::to_string(i) + ".bench.example"; };
    PushRun push = pushZones(d, zones, clients, name, [&](int i) { return benchZoneText(name(i), 1, benchIp(i)); });
    auto lastAck = Clock::now();
    int failures = push.failures;

    eventually([&] { return named.zoneCount() >= baseZones + zones; }, std::chrono::seconds(600), std::chrono::milliseconds(100));
    std::mt19937 random(7);
    int wrong = 0;
    for (int k = 0; k < 200; ++k) {
        int i = static_cast<int>(random() % static_cast<unsigned>(zones));
        if (!eventually([&] { return named.query("www." + name(i), "A") == std::vector<std::string>{benchIp(i)}; }, std::chrono::seconds(60)))
            ++wrong;
    }
    double servedSeconds = std::chrono::duration<double>(Clock::now() - lastAck).count();

    DnsPoller poller(named.port());
    ChangeRun plain, waited;
    measureChanges(d, poller, zones, changes, false, 2, plain);
    measureChanges(d, poller, zones, changes, true, 2 + changes, waited);
    failures += plain.failures + waited.failures;

    std::printf("zones=%d clients=%d membership=%s control=%s checkzone=%s server=%s failures=%d wrong_answers=%d\n", zones, clients,
                membership.c_str(), control.c_str(), checkzone.c_str(), server ? "set" : "unset", failures, wrong);
    std::printf("pushes acknowledged in %.2f s (%.0f/s)\n", push.seconds, zones / push.seconds);
    std::printf("named serving all %d zones %.2f s after the last acknowledged push (rndc zone count + 200 sampled digs)\n", zones,
                servedSeconds);
    std::printf("idle change to served (PUT sent until named answers the new data, %d changes): median %.0f ms, p90 %.0f ms, max %.0f ms\n",
                changes, percentile(plain.servedMs, 0.5), percentile(plain.servedMs, 0.9), percentile(plain.servedMs, 1));
    std::printf("PUT ?wait=30 answered: median %.0f ms, p90 %.0f ms; named already answering the new data then: %d of %d; "
                "served: median %.0f ms, p90 %.0f ms\n",
                percentile(waited.answerMs, 0.5), percentile(waited.answerMs, 0.9), waited.servedAtAnswer, changes,
                percentile(waited.servedMs, 0.5), percentile(waited.servedMs, 0.9));
    if (reads > 0) measureServedRecords(d, named, readBackKey, reads);
    d.stop();
    named.stop();
    return failures == 0 && wrong == 0 ? 0 : 1;
}
