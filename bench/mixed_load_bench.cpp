// 64 readers and 8 writers for N minutes, each on its own keep-alive connection: readers GET
// random zones, writers PUT new versions of their own zones. Prints the count of answers by
// status (target: no 500), p50/p99 of writes and reads/s. The daemon: SQLite store, the bind
// backend writing zone files (no named).
//
//   build/bench/mixed_load_bench [--minutes=10] [--readers=64] [--writers=8] [--zones=16]
//
// --zones is per writer. The bench raises its open-files limit; dadns inherits it.
#include "support/BenchLoad.hpp"
#include "support/LoadSockets.hpp"
#include "support/TestSupport.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

struct Tally {
    std::mutex mutex;
    std::map<int, long> readStatus, writeStatus;  // -1: no answer
    std::vector<double> writeMs;
    long reads = 0;
};

// One request on a keep-alive session (re-opened after a failure); the status or -1.
int exchange(std::unique_ptr<Poco::Net::HTTPClientSession>& s, int port, const std::string& method, const std::string& path,
             const std::string& body) {
    try {
        if (!s) {
            s = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", static_cast<Poco::UInt16>(port));
            s->setKeepAlive(true);
            s->setTimeout(Poco::Timespan(30, 0));
        }
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.setKeepAlive(true);
        req.set("Authorization", "Basic " + base64(std::string(Daemon::user) + ":" + Daemon::password));
        if (method == "PUT") {
            req.setContentLength(static_cast<std::streamsize>(body.size()));
            req.setContentType("text/plain");
        }
        s->sendRequest(req) << body;
        Poco::Net::HTTPResponse resp;
        std::string ignored;
        Poco::StreamCopier::copyToString(s->receiveResponse(resp), ignored);
        return static_cast<int>(resp.getStatus());
    } catch (const std::exception&) {
        s.reset();
        return -1;
    }
}

std::string zoneName(int writer, int zone) { return "w" + std::to_string(writer) + "-" + std::to_string(zone) + ".mixed.example"; }

void writer(int port, int id, int zones, const std::atomic<bool>& stop, Tally& tally) {
    std::unique_ptr<Poco::Net::HTTPClientSession> s;
    for (int version = 1; !stop; ++version) {
        std::string zone = zoneName(id, version % zones);
        auto t0 = Clock::now();
        int status = exchange(s, port, "PUT", "/api/v1/zones/" + zone, benchZoneText(zone, version, benchIp(version)));
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        std::lock_guard<std::mutex> lock(tally.mutex);
        ++tally.writeStatus[status];
        if (status >= 200 && status < 300) tally.writeMs.push_back(ms);
    }
}

void reader(int port, int id, int writers, int zones, const std::atomic<bool>& stop, Tally& tally) {
    std::unique_ptr<Poco::Net::HTTPClientSession> s;
    std::mt19937 rng(static_cast<unsigned>(id));
    while (!stop) {
        std::string zone = zoneName(std::uniform_int_distribution<int>(0, writers - 1)(rng), std::uniform_int_distribution<int>(0, zones - 1)(rng));
        int status = exchange(s, port, "GET", "/api/v1/zones/" + zone, "");
        std::lock_guard<std::mutex> lock(tally.mutex);
        ++tally.readStatus[status];
        ++tally.reads;
    }
}

void printStatuses(const char* what, const std::map<int, long>& statuses) {
    std::printf("%s by status (-1 = no answer):", what);
    for (const auto& [status, count] : statuses) std::printf(" %d: %ld", status, count);
    std::printf("\n");
}

} // namespace

int main(int argc, char** argv) {
    double minutes = std::stod(benchArg(argc, argv, "minutes", "10"));
    int readers = std::stoi(benchArg(argc, argv, "readers", "64"));
    int writers = std::stoi(benchArg(argc, argv, "writers", "8"));
    int zones = std::stoi(benchArg(argc, argv, "zones", "16"));
    long limit = raiseOpenFilesLimit(65536);
    Daemon d(baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: {dir}/zones\n      named_conf: {dir}/named.conf.include\n"
                        "      rndc_command: \"\"\n"));
    d.start();
    std::printf("open-files limit %ld (dadns inherits it); %d readers, %d writers x %d zones, %.1f min\n", limit, readers, writers, zones, minutes);
    Tally tally;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) threads.emplace_back([&, w] { writer(d.port(), w, zones, stop, tally); });
    for (int r = 0; r < readers; ++r) threads.emplace_back([&, r] { reader(d.port(), r, writers, zones, stop, tally); });
    std::this_thread::sleep_for(std::chrono::duration<double>(minutes * 60));
    stop = true;
    for (auto& t : threads) t.join();
    printStatuses("reads ", tally.readStatus);
    printStatuses("writes", tally.writeStatus);
    std::sort(tally.writeMs.begin(), tally.writeMs.end());
    auto at = [&](double p) { return tally.writeMs.empty() ? 0.0 : tally.writeMs[std::min(tally.writeMs.size() - 1, static_cast<size_t>(p * static_cast<double>(tally.writeMs.size())))]; };
    long fiveHundreds = tally.readStatus[500] + tally.writeStatus[500];
    double answeredReads = static_cast<double>(tally.reads - tally.readStatus[-1]);
    std::printf("500 answers: %ld (target 0); writes p50 %.1f ms, p99 %.1f ms; %.1f reads/s answered\n", fiveHundreds, at(0.5), at(0.99),
                answeredReads / (minutes * 60));
    std::printf("dadns %s after the bench\n", d.running() ? "running" : "NOT RUNNING");
    return 0;
}
