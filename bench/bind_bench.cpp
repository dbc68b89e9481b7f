// bind backend benchmark against a real named (tests/servers/named.sh):
//
//   build/bench/bind_bench [--zones=10000] [--clients=32] [--changes=21] [--checkzone=true|false] [--parallel=N]
//
// Pushes N new zones, then measures the time from the last acknowledged push until named
// serves all of them (rndc status zone count, then dig on a random sample of 200), and, when
// idle, the time from one changed zone's acknowledgement until named answers with the new data
// (median over --changes runs).
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>
#include <thread>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

std::string zoneText(const std::string& zone, int serial, const std::string& ip) {
    return "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone + ". " + std::to_string(serial) + " 3600 600 86400 300\n"
           "@ IN NS ns1." + zone + ".\nns1 IN A 192.0.2.53\n@ IN A 192.0.2.1\nwww IN A " + ip + "\nmail IN A 192.0.2.25\n"
           "@ IN MX 10 mail." + zone + ".\n@ IN TXT \"v=spf1 a mx -all\"\nftp IN CNAME www\n_dmarc IN TXT \"v=DMARC1; p=none\"\n"
           "sip IN AAAA 2001:db8::5\n@ IN CAA 0 issue \"letsencrypt.org\"\n";
}

std::string ipFor(int i) { return "10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256); }

std::string arg(int argc, char** argv, const std::string& name, const std::string& def) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--" + name + "=", 0) == 0) return a.substr(name.size() + 3);
    }
    return def;
}

} // namespace

int main(int argc, char** argv) {
    int zones = std::stoi(arg(argc, argv, "zones", "10000"));
    int clients = std::stoi(arg(argc, argv, "clients", "32"));
    int changes = std::stoi(arg(argc, argv, "changes", "21"));
    std::string checkzone = arg(argc, argv, "checkzone", "true");
    std::string parallel = arg(argc, argv, "parallel", "");

    NamedServer named;
    named.start();
    std::string cfg = baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: " + named.dir() + "/zones\n      named_conf: " +
                                 named.includeFile() + "\n      rndc_command: \"" + named.rndcCommand() + "\"\n      checkzone: " +
                                 checkzone + "\n" + (parallel.empty() ? "" : "      parallel: " + parallel + "\n") +
                                 "dispatch:\n  drift_interval: 0\n");
    cfg.replace(cfg.find("log_level: info"), 15, "log_level: warn");
    Daemon d(cfg);
    d.start();
    int baseZones = named.zoneCount();

    std::atomic<int> next{0}, failures{0};
    auto started = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&] {
            Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(d.port()));
            Poco::Net::HTTPBasicCredentials creds(Daemon::user, Daemon::password);
            for (int i = next++; i < zones; i = next++) {
                std::string zone = "b" + std::to_string(i) + ".bench.example";
                std::string body = zoneText(zone, 1, ipFor(i));
                try {
                    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_PUT, "/api/v1/zones/" + zone, Poco::Net::HTTPMessage::HTTP_1_1);
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
            }
        });
    for (auto& t : threads) t.join();
    auto lastAck = Clock::now();
    double pushSeconds = std::chrono::duration<double>(lastAck - started).count();

    eventually([&] { return named.zoneCount() >= baseZones + zones; }, std::chrono::seconds(600), std::chrono::milliseconds(100));
    std::mt19937 random(7);
    int wrong = 0;
    for (int k = 0; k < 200; ++k) {
        int i = static_cast<int>(random() % static_cast<unsigned>(zones));
        std::string zone = "b" + std::to_string(i) + ".bench.example";
        if (!eventually([&] { return named.query("www." + zone, "A") == std::vector<std::string>{ipFor(i)}; }, std::chrono::seconds(60)))
            ++wrong;
    }
    double servedSeconds = std::chrono::duration<double>(Clock::now() - lastAck).count();

    std::vector<double> changeMs;
    for (int k = 0; k < changes; ++k) {
        int i = static_cast<int>(random() % static_cast<unsigned>(zones));
        std::string zone = "b" + std::to_string(i) + ".bench.example";
        std::string ip = "172.16." + std::to_string(k) + ".1";
        auto r = d.call("PUT", "/api/v1/zones/" + zone, zoneText(zone, 2 + k, ip));
        auto acked = Clock::now();
        if (r.status != 200) ++failures;
        eventually([&] { return named.query("www." + zone, "A") == std::vector<std::string>{ip}; }, std::chrono::seconds(30),
                   std::chrono::milliseconds(5));
        changeMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - acked).count());
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // idle between changes
    }
    std::sort(changeMs.begin(), changeMs.end());

    std::printf("zones=%d clients=%d checkzone=%s failures=%d wrong_answers=%d\n", zones, clients, checkzone.c_str(), failures.load(), wrong);
    std::printf("pushes acknowledged in %.2f s (%.0f/s)\n", pushSeconds, zones / pushSeconds);
    std::printf("named serving all %d zones %.2f s after the last acknowledged push (rndc zone count + 200 sampled digs)\n", zones,
                servedSeconds);
    std::printf("one changed zone answered with new data: median %.0f ms, min %.0f ms, max %.0f ms (%d changes)\n",
                changeMs[changeMs.size() / 2], changeMs.front(), changeMs.back(), changes);
    d.stop();
    named.stop();
    return failures.load() == 0 && wrong == 0 ? 0 : 1;
}
