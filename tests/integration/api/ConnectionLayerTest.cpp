// The API's connection layer against a running daemon with deliberately few workers: held,
// silent and slow connections do not starve other clients, deadlines close what stalls, a
// body cut short is never handled, limits and saturation answer 503 with Retry-After.
#include "support/RawClient.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <sstream>
#include <memory>
#include <thread>

using namespace dadns::test;

namespace {

const std::string kZone = "$TTL 300\n@ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 86400 300\n"
                          "@ IN NS ns1.example.com.\nwww IN A 192.0.2.10\n";

int statusOf(const std::string& response) {
    return response.size() > 12 && response.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(response.substr(9, 3)) : 0;
}

std::string authHeader() { return "Authorization: Basic " + base64(std::string(Daemon::user) + ":" + Daemon::password) + "\r\n"; }

std::string putZone(const std::string& zone, const std::string& body, size_t declaredLength) {
    return "PUT /api/v1/zones/" + zone + " HTTP/1.1\r\nHost: x\r\n" + authHeader() + "Content-Length: " + std::to_string(declaredLength) +
           "\r\n\r\n" + body;
}

// cfg with an HTTPS listener on tlsPort, and a fresh self-signed certificate in certs.
std::string withTls(std::string cfg, const TempDir& certs, int tlsPort) {
    auto made = runCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-keyout",
                            certs.file("key.pem"), "-out", certs.file("cert.pem")});
    REQUIRE(made.status == 0);
    cfg.replace(cfg.find("app:\n") + 5, 0,
                "  tls_port: " + std::to_string(tlsPort) + "\n  tls_cert: " + certs.file("cert.pem") + "\n  tls_key: " + certs.file("key.pem") + "\n");
    return cfg;
}

std::string fewWorkers(const std::string& extra = "") {
    return baseConfig("http:\n  threads: 2\n  mutation_threads: 2\n  header_timeout_seconds: 2\n  timeout_seconds: 2\n" + extra);
}

} // namespace

TEST_CASE("held, silent and slow connections leave the API to everyone else", "[http][connections]") {
    Daemon d(fewWorkers());
    d.start();
    std::vector<std::unique_ptr<RawClient>> held;
    for (int i = 0; i < 60; ++i) { // keep-alive readers that stay connected after their answer
        held.push_back(std::make_unique<RawClient>(d.port()));
        held.back()->send("GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(statusOf(held.back()->receive()) == 200);
    }
    for (int i = 0; i < 40; ++i) held.push_back(std::make_unique<RawClient>(d.port())); // silent
    std::vector<std::unique_ptr<RawClient>> slow;
    for (int i = 0; i < 40; ++i) {
        slow.push_back(std::make_unique<RawClient>(d.port()));
        slow.back()->send("G");
    }
    // Two workers per pool: a thread per connection would have none left for these.
    auto health = httpCall("127.0.0.1", d.port(), HttpRequest{"GET", "/health", "", "", {}, {}, "HTTP/1.1", std::chrono::seconds(5)});
    CHECK(health.status == 200);
    auto put = d.call("PUT", "/api/v1/zones/held.example", kZone);
    CHECK(put.status == 201);
    for (auto& s : slow) s->send("E");
    CHECK(d.call("GET", "/api/v1/zones/held.example").status == 200);
    CHECK(d.running());
}

TEST_CASE("a request head must arrive within header_timeout, however slowly it trickles", "[http][connections]") {
    Daemon d(fewWorkers());
    d.start();
    RawClient trickle(d.port());
    std::string head = "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(200, 'a');
    auto started = std::chrono::steady_clock::now();
    std::string answer;
    for (char c : head) { // a byte every 50 ms: 11 s for the whole head, the deadline is 2 s
        trickle.send(std::string(1, c));
        answer = trickle.receive(std::chrono::milliseconds(50));
        if (!answer.empty() || trickle.closedByServer()) break;
    }
    CHECK(statusOf(answer) == 408);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(8));

    RawClient silent(d.port());
    std::string none = silent.receive(std::chrono::seconds(8));
    CHECK(none.empty());
    CHECK(silent.closedByServer());
    CHECK(d.metricSum("dadns_http_connections_closed_total{reason=\"request_timeout\"") >= 1);
}

TEST_CASE("a body cut short, stalled or left without its last chunk is never stored", "[http][connections]") {
    Daemon d(fewWorkers());
    d.start();
    std::string zone = kZone + std::string("big IN TXT \"") + std::string(180, 'x') + "\"\n";
    {
        RawClient cut(d.port());
        cut.send(putZone("cut.example", zone.substr(0, zone.size() / 2), zone.size()));
        cut.shutdownWrite(); // the client went away mid-body
        CHECK(cut.receive(std::chrono::seconds(5)).empty());
    }
    {
        RawClient stalled(d.port());
        stalled.send(putZone("stalled.example", zone.substr(0, zone.size() / 2), zone.size()));
        std::string answer = stalled.receive(std::chrono::seconds(8)); // timeout_seconds is 2
        CHECK(statusOf(answer) == 408);
    }
    {
        RawClient chunked(d.port());
        chunked.send("PUT /api/v1/zones/chunked.example HTTP/1.1\r\nHost: x\r\n" + authHeader() +
                     "Transfer-Encoding: chunked\r\n\r\n" + [&] {
                         char size[16];
                         std::snprintf(size, sizeof size, "%zx\r\n", zone.size());
                         return std::string(size) + zone + "\r\n";
                     }());
        chunked.shutdownWrite(); // no "0\r\n\r\n"
        CHECK(chunked.receive(std::chrono::seconds(5)).empty());
    }
    for (const char* name : {"cut.example", "stalled.example", "chunked.example"}) CHECK(d.get(std::string("/api/v1/zones/") + name).status == 404);
    // The same request, complete, is stored: the failures above were the cut, not the request.
    RawClient whole(d.port());
    whole.send(putZone("whole.example", zone, zone.size()));
    CHECK(statusOf(whole.receive()) == 201);
}

TEST_CASE("Expect: 100-continue, pipelining and a refused body", "[http][connections]") {
    Daemon d(fewWorkers());
    d.start();
    RawClient c(d.port());
    c.send("PUT /api/v1/zones/continue.example HTTP/1.1\r\nHost: x\r\n" + authHeader() + "Expect: 100-continue\r\nContent-Length: " +
           std::to_string(kZone.size()) + "\r\n\r\n");
    CHECK(c.receive(std::chrono::seconds(5)).rfind("HTTP/1.1 100 Continue\r\n\r\n", 0) == 0);
    c.send(kZone);
    CHECK(statusOf(c.receive()) == 201);

    RawClient p(d.port());
    p.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/zones/continue.example HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string both = p.drain();
    CHECK(statusOf(both) == 200); // /health first, then the zone: in order
    size_t second = both.find("HTTP/1.1 200", 1);
    REQUIRE(second != std::string::npos);
    CHECK(both.find("continue.example", second) != std::string::npos);

    // Requests answered on the loop (404, 401) and by workers, pipelined in one write, then a
    // half-close: every one is answered, in order.
    RawClient mixed(d.port());
    mixed.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\nDELETE /api/v1/zones/a.example HTTP/1.1\r\nHost: x\r\n\r\n"
               "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    mixed.shutdownWrite();
    std::string answers = mixed.drain();
    size_t at404 = answers.find("HTTP/1.1 404"), at401 = answers.find("HTTP/1.1 401"), at200 = answers.find("HTTP/1.1 200");
    CHECK(at404 == 0);
    CHECK((at401 != std::string::npos && at401 > at404));
    CHECK((at200 != std::string::npos && at200 > at401));

    // Without credentials the body is not read: 401 at once, and the connection closes.
    RawClient anonymous(d.port());
    anonymous.send("PUT /api/v1/zones/x.example HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n");
    std::string refused = anonymous.receive(std::chrono::seconds(5));
    CHECK(statusOf(refused) == 401);
    CHECK(refused.find("Connection: close") != std::string::npos);
}

TEST_CASE("connection limits close the longest-idle connection first, then answer 503", "[http][connections]") {
    Daemon d(fewWorkers("  max_connections_per_client: 4\n"));
    d.start();
    std::vector<std::unique_ptr<RawClient>> idle;
    for (int i = 0; i < 4; ++i) {
        idle.push_back(std::make_unique<RawClient>(d.port()));
        idle.back()->send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(statusOf(idle.back()->receive()) == 200);
    }
    RawClient fifth(d.port());
    fifth.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(statusOf(fifth.receive()) == 200);
    int closed = 0;
    for (auto& c : idle) {
        c->receive(std::chrono::milliseconds(300));
        if (c->closedByServer()) ++closed;
    }
    CHECK(closed == 1); // one idle connection made room

    // Four connections in the middle of a request are not idle: the next one is refused.
    idle.clear();
    std::vector<std::unique_ptr<RawClient>> busy;
    for (int i = 0; i < 4; ++i) {
        busy.push_back(std::make_unique<RawClient>(d.port()));
        busy.back()->send("GET /hea");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    RawClient refused(d.port());
    refused.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string answer = refused.receive(std::chrono::seconds(5));
    CHECK(statusOf(answer) == 503);
    CHECK(answer.find("Retry-After: ") != std::string::npos);
    // Another client address is not affected by this one's limit.
    RawClient other(d.port(), "127.0.0.2");
    other.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(statusOf(other.receive()) == 200);
}

TEST_CASE("a saturated worker pool answers 503 with Retry-After, and reads go on", "[http][connections]") {
    std::string cfg = fewWorkers("  mutation_threads: 1\n  queue: 1\n");
    cfg.replace(cfg.find("  mutation_threads: 2\n"), 22, "");
    cfg += "dns:\n  backends:\n    slow:\n      type: test_backend\n      dir: {dir}/slow\n      delay_ms: 3000\n";
    cfg.replace(cfg.find("{plugins}"), 9, "{test_plugins}");
    Daemon d(cfg);
    d.start();
    // Each ?wait PUT holds the one mutation worker for about 3 s (the slow backend's apply).
    std::vector<std::future<HttpResponse>> puts;
    for (int i = 0; i < 4; ++i)
        puts.push_back(std::async(std::launch::async, [&, i] {
            return d.call("PUT", "/api/v1/zones/sat" + std::to_string(i) + ".example?wait=10", kZone);
        }));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(d.get("/api/v1/status").status == 200); // reads have their own workers
    int busy = 0, ok = 0;
    for (auto& f : puts) {
        HttpResponse r = f.get();
        if (r.status == 503) {
            ++busy;
            CHECK(r.headers["retry-after"] == "1");
        } else if (r.status == 200 || r.status == 201) {
            ++ok;
        }
    }
    CHECK(busy >= 1); // one running, one queued: the rest are told to come back
    CHECK(ok >= 1);
    CHECK(busy + ok == 4);
}

TEST_CASE("TLS clients are served, and one that resets before its answer harms nothing", "[http][connections]") {
    TempDir certs("dadns-tls");
    int tlsPort = freePort();
    std::string cfg = fewWorkers();
    cfg = withTls(cfg, certs, tlsPort);
    Daemon d(cfg);
    d.start();
    for (int i = 0; i < 10; ++i) CHECK(rawHttp(tlsPort, "GET /health HTTP/1.0\r\n\r\n", true).status == 200);
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    for (int i = 0; i < 30; ++i) { // the answer is written to a connection the client has reset
        Poco::Net::SecureStreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(tlsPort)), context);
        std::string req = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
        s.sendBytes(req.data(), static_cast<int>(req.size()));
        s.setLinger(true, 0);
        s.close();
    }
    RawClient garbage(tlsPort); // not TLS at all
    garbage.send("GET / HTTP/1.1\r\n\r\n");
    garbage.receive(std::chrono::seconds(3));
    CHECK(garbage.closedByServer());
    CHECK(rawHttp(tlsPort, "GET /health HTTP/1.0\r\n\r\n", true).status == 200);
    CHECK(d.running());
}

TEST_CASE("a TLS client waiting for a slow answer costs no CPU", "[http][connections]") {
    TempDir certs("dadns-tls");
    int tlsPort = freePort();
    std::string cfg = fewWorkers() + "dns:\n  backends:\n    slow:\n      type: test_backend\n      dir: {dir}/slow\n      delay_ms: 3000\n";
    cfg.replace(cfg.find("{plugins}"), 9, "{test_plugins}");
    cfg = withTls(cfg, certs, tlsPort);
    Daemon d(cfg);
    d.start();
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    Poco::Net::SecureStreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(tlsPort)),
                                    new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params));
    // A slow PUT, and a pipelined GET waiting behind it while the worker runs.
    std::string req = "PUT /api/v1/zones/tls.example?wait=10 HTTP/1.1\r\nHost: x\r\n" + authHeader() +
                      "Content-Length: " + std::to_string(kZone.size()) + "\r\n\r\n" + kZone + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    s.sendBytes(req.data(), static_cast<int>(req.size()));
    auto cpuSeconds = [&] { // utime + stime of the daemon, from /proc
        std::string stat = readFile("/proc/" + std::to_string(d.pid()) + "/stat");
        std::istringstream fields(stat.substr(stat.rfind(')') + 2));
        std::string f;
        long ticks = 0;
        for (int i = 3; i <= 15 && fields >> f; ++i)
            if (i == 14 || i == 15) ticks += std::stol(f);
        return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
    };
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    double before = cpuSeconds();
    std::this_thread::sleep_for(std::chrono::seconds(2)); // the apply takes 3 s
    double spent = cpuSeconds() - before;
    CHECK(spent < 1.0); // a spinning event loop burns the whole 2 s of a core
    char buf[4096];
    std::string got;
    s.setReceiveTimeout(Poco::Timespan(10, 0));
    while (got.find("HTTP/1.1 200", got.find("HTTP/1.1 20") + 1) == std::string::npos) {
        int n = s.receiveBytes(buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
    }
    CHECK(got.rfind("HTTP/1.1 20", 0) == 0);
}
