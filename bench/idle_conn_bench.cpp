// Idle and slow connections: 1,000 idle keep-alive connections (from 127.0.0.2-5, each having
// made one request) and 200 connections sending their request head one byte a second (from
// the next address, 127.0.0.6) are held open; meanwhile a client on 127.0.0.1 measures a PUT and a GET /health,
// median of 21 each. The source addresses keep per-client connection limits off the measured
// client. The daemon: SQLite store, the bind backend writing zone files (no named).
//
//   build/bench/idle_conn_bench [--idle=1000] [--slow=200] [--samples=21] [--settle=5] [--idle-sources=4]
//
// The bench raises its open-files limit before it starts dadns, which inherits it.
#include "support/BenchLoad.hpp"
#include "support/LoadSockets.hpp"
#include "support/TestSupport.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

struct Held {
    std::vector<int> fds;
    int failed = 0;
    int answered = 0;
    int stillOpen() const {
        int n = 0;
        for (int fd : fds) n += peerClosed(fd) ? 0 : 1;
        return n;
    }
};

// Connections that each make one keep-alive request and then stay idle, spread over
// `sources` client addresses 127.0.0.2, 127.0.0.3, ... (as many clients would be; one address
// alone would meet http.max_connections_per_client).
Held openIdle(int port, int count, int sources) {
    Held h;
    for (int i = 0; i < count; ++i) {
        int fd = connectFrom("127.0.0." + std::to_string(2 + i % sources), port);
        if (fd < 0 || !sendAll(fd, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) {
            ++h.failed;
            if (fd >= 0) ::close(fd);
            continue;
        }
        h.fds.push_back(fd);
    }
    std::vector<bool> done(h.fds.size(), false);
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (h.answered < static_cast<int>(h.fds.size()) && Clock::now() < deadline) {
        for (size_t i = 0; i < h.fds.size(); ++i) {
            char buf[512];
            if (done[i] || ::recv(h.fds[i], buf, sizeof buf, MSG_DONTWAIT) <= 0) continue;
            done[i] = true;
            ++h.answered;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return h;
}

// Connections whose request head never ends: one more byte a second on each.
Held openSlow(int port, int count, const std::string& source) {
    Held h;
    for (int i = 0; i < count; ++i) {
        int fd = connectFrom(source, port);
        if (fd < 0) ++h.failed;
        else h.fds.push_back(fd);
    }
    return h;
}

void dripBytes(const Held& slow, const std::atomic<bool>& stop) {
    std::string head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(100000, 'a');
    for (size_t i = 0; !stop && i < head.size(); ++i) {
        for (int fd : slow.fds) sendAll(fd, head.substr(i, 1));
        for (int t = 0; t < 10 && !stop; ++t) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

struct Timed {
    std::vector<double> ms;
    int failed = 0;
    std::vector<int> statuses;
};

Timed measure(Daemon& d, int samples, bool put) {
    Timed t;
    for (int i = 0; i < samples; ++i) {
        HttpRequest req;
        req.method = put ? "PUT" : "GET";
        req.path = put ? "/api/v1/zones/measured.example" : "/health";
        if (put) req.body = benchZoneText("measured.example", i + 1, benchIp(i));
        req.contentType = "text/plain";
        req.basicAuth = std::make_pair(std::string(Daemon::user), std::string(Daemon::password));
        req.timeout = std::chrono::seconds(30);
        auto t0 = Clock::now();
        int status = -1;
        try {
            status = httpCall("127.0.0.1", d.port(), req).status;
        } catch (const std::exception&) {
        }
        // A failure counts with the time it took (up to the timeout), so the median stays honest.
        t.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        t.statuses.push_back(status);
        if (status < 200 || status >= 300) ++t.failed;
    }
    return t;
}

void printTimed(const char* what, const Timed& t) {
    std::printf("%-12s median %8.1f ms of %zu (failures at their elapsed time), %d failed or timed out (30 s); statuses (-1 = none):", what,
                median(t.ms), t.ms.size(), t.failed);
    for (int s : t.statuses) std::printf(" %d", s);
    std::printf("\n");
}

} // namespace

int main(int argc, char** argv) {
    int idle = std::stoi(benchArg(argc, argv, "idle", "1000"));
    int slowCount = std::stoi(benchArg(argc, argv, "slow", "200"));
    int samples = std::stoi(benchArg(argc, argv, "samples", "21"));
    int settle = std::stoi(benchArg(argc, argv, "settle", "5"));
    int sources = std::stoi(benchArg(argc, argv, "idle-sources", "4"));
    std::string slowSource = "127.0.0." + std::to_string(2 + sources);
    long limit = raiseOpenFilesLimit(65536);
    Daemon d(baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: {dir}/zones\n      named_conf: {dir}/named.conf.include\n"
                        "      rndc_command: \"\"\n"));
    d.start();
    std::printf("open-files limit %ld (dadns inherits it); %d idle from 127.0.0.2-%d, %d slow from %s\n", limit, idle, 1 + sources,
                slowCount, slowSource.c_str());
    Held idleConns = openIdle(d.port(), idle, sources);
    Held slow = openSlow(d.port(), slowCount, slowSource);
    std::atomic<bool> stop{false};
    std::thread drip([&] { dripBytes(slow, stop); });
    std::this_thread::sleep_for(std::chrono::seconds(settle));
    std::printf("held while measuring: %d idle, %d slow still open\n", idleConns.stillOpen(), slow.stillOpen());
    Timed put = measure(d, samples, true);
    Timed health = measure(d, samples, false);
    stop = true;
    drip.join();
    std::printf("idle:  %zu connected (%d refused), %d answered their request, %d still open at the end\n", idleConns.fds.size(),
                idleConns.failed, idleConns.answered, idleConns.stillOpen());
    std::printf("slow:  %zu connected (%d refused), %d still open at the end\n", slow.fds.size(), slow.failed, slow.stillOpen());
    printTimed("PUT", put);
    printTimed("GET /health", health);
    std::printf("dadns %s after the bench\n", d.running() ? "running" : "NOT RUNNING");
    for (int fd : idleConns.fds) ::close(fd);
    for (int fd : slow.fds) ::close(fd);
    return 0;
}
