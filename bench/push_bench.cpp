// Push benchmark: N distinct zones (about 12 records each) from C concurrent HTTP clients
// into a daemon with its store on disk, to a no-op backend or the bind backend.
//
//   build/bench/push_bench [--zones=N] [--clients=C] [--backend=noop|bind] [--restart]
//
// Prints: acknowledged pushes/s (every PUT answered 201, i.e. durable), end-to-end zones/s
// (every zone applied and verified on the backend), request latency median/p99, the daemon's
// resident memory, and with --restart the time a restart takes until it answers.
#include "core/metrics/ProcessMetrics.hpp"
#include "support/TestSupport.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
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

long rssKb(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

Poco::JSON::Object::Ptr lane(Daemon& d) {
    auto body = d.get("/api/v1/backends").body;
    auto arr = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>()->getArray("backends");
    return arr->size() ? arr->getObject(0) : nullptr;
}

std::string arg(int argc, char** argv, const std::string& name, const std::string& def) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--" + name + "=", 0) == 0) return a.substr(name.size() + 3);
        if (a == "--" + name) return "1";
    }
    return def;
}

} // namespace

int main(int argc, char** argv) {
    int zones = std::stoi(arg(argc, argv, "zones", "20000"));
    int clients = std::stoi(arg(argc, argv, "clients", "32"));
    std::string backend = arg(argc, argv, "backend", "noop");
    bool restart = arg(argc, argv, "restart", "") == "1";

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
    std::string cfg = baseConfig("dns:\n  backends:\n" + backends + "dispatch:\n  drift_interval: 0\nhttp:\n  threads: " +
                                 std::to_string(std::max(clients, 16)) + "\n");
    cfg.replace(cfg.find("log_level: info"), 15, "log_level: warn");
    cfg.replace(cfg.find("{plugins}"), 9, pluginDirYaml);
    Daemon d(cfg);
    d.start();

    std::atomic<int> next{0}, failures{0};
    std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
    auto started = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(d.port()));
            session.setKeepAlive(true);
            Poco::Net::HTTPBasicCredentials creds(Daemon::user, Daemon::password);
            for (int i = next++; i < zones; i = next++) {
                std::string zone = "bench" + std::to_string(i) + ".example";
                std::string body = zoneText(zone, i + 1);
                auto t0 = Clock::now();
                try {
                    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_PUT, "/api/v1/zones/" + zone, Poco::Net::HTTPMessage::HTTP_1_1);
                    req.setKeepAlive(true);
                    req.setContentType("text/plain");
                    req.setContentLength(static_cast<std::streamsize>(body.size()));
                    creds.authenticate(req);
                    session.sendRequest(req) << body;
                    Poco::Net::HTTPResponse resp;
                    std::istream& in = session.receiveResponse(resp);
                    std::string ignored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                    if (resp.getStatus() != 201) ++failures;
                } catch (const std::exception&) {
                    ++failures;
                    session.reset();
                }
                latencies[static_cast<size_t>(c)].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
        });
    for (auto& t : threads) t.join();
    double ackSeconds = std::chrono::duration<double>(Clock::now() - started).count();

    eventually([&] {
        auto l = lane(d);
        return l && l->getValue<Poco::UInt64>("applied") >= static_cast<Poco::UInt64>(zones) && l->getValue<int>("queued") == 0;
    }, std::chrono::seconds(600), std::chrono::milliseconds(10));
    double e2eSeconds = std::chrono::duration<double>(Clock::now() - started).count();
    long rss = rssKb(d.pid());

    std::vector<double> all;
    for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * static_cast<double>(all.size())))]; };

    std::printf("backend=%s zones=%d clients=%d failures=%d\n", backend.c_str(), zones, clients, failures.load());
    std::printf("acknowledged: %.0f pushes/s (%.2f s)\n", zones / ackSeconds, ackSeconds);
    std::printf("end-to-end applied+verified: %.0f zones/s (%.2f s)\n", zones / e2eSeconds, e2eSeconds);
    std::printf("latency: median %.2f ms, p99 %.2f ms\n", pct(0.5), pct(0.99));
    std::printf("daemon resident memory: %.1f MB\n", static_cast<double>(rss) / 1024.0);

    if (restart) {
        d.stop();
        auto t0 = Clock::now();
        d.start();
        double ready = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        auto l = lane(d);
        std::printf("restart with %d zones stored: answering after %.0f ms (polled every 50 ms), %d queued\n", zones, ready,
                    l ? l->getValue<int>("queued") : -1);
        std::printf("daemon resident memory after restart: %.1f MB\n", static_cast<double>(rssKb(d.pid())) / 1024.0);
    }
    d.stop();
    return failures.load() == 0 ? 0 : 1;
}
