// Streamed answers in the API's connection layer, against real loopback sockets: bytes arrive
// as the stream makes them, a client that stops reading is closed once it stalls past the
// I/O timeout (others are served meanwhile), and streams end when the server stops accepting.
#include "core/http/HttpFrontEnd.hpp"
#include "support/RawClient.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace dadns;
using dadns::test::RawClient;

namespace {

// Endless numbered lines, as fast as the connection layer asks for them.
class CountingStream final : public ResponseStream {
public:
    std::string next(size_t maxBytes, int64_t) override {
        std::string out;
        while (out.size() + 16 < maxBytes) out += "line " + std::to_string(++n_) + "\n";
        return out;
    }

private:
    uint64_t n_ = 0;
};

class StreamingService final : public HttpService {
public:
    std::optional<ApiResponse> screen(const HttpRequestHead&, const std::string&) override { return std::nullopt; }
    ApiResponse handle(const HttpRequestHead& head, std::string, const std::string&) override {
        ApiResponse r;
        if (head.target == "/stream") {
            r.text(200, "start\n", "text/event-stream");
            r.stream = std::make_shared<CountingStream>();
        } else {
            r.text(200, "plain");
        }
        return r;
    }
    void answeredLocally(const std::string&, int) override {}
};

HttpFrontEndOptions options() {
    HttpFrontEndOptions o;
    o.address = "127.0.0.1";
    o.port = 0;
    o.readThreads = 2;
    o.mutationThreads = 1;
    o.ioTimeout = std::chrono::milliseconds(700);
    return o;
}

const std::string kStream = "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n";

// A started front end serving StreamingService; stopped when it goes.
struct StreamingServer {
    StreamingService service;
    MetricsRegistry metrics;
    HttpFrontEnd server{options(), service, metrics};
    StreamingServer() { server.start(); }
    ~StreamingServer() { server.stop(); }
};

} // namespace

TEST_CASE("a streamed answer has no length, closes at its end and arrives as it is made", "[http][stream]") {
    StreamingServer fixture;
    HttpFrontEnd& server = fixture.server;
    RawClient client(server.port());
    client.send(kStream);
    std::string got;
    REQUIRE(client.receiveUntil(got, "line 5000\n"));
    CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(got.find("Content-Length") == std::string::npos);
    CHECK(got.find("Connection: close\r\n") != std::string::npos);
    CHECK(got.find("\r\n\r\nstart\nline 1\nline 2\n") != std::string::npos);
}

TEST_CASE("a client that stops reading its stream is closed after the I/O timeout; others are served", "[http][stream]") {
    StreamingServer fixture;
    HttpFrontEnd& server = fixture.server;
    MetricsRegistry& metrics = fixture.metrics;
    RawClient stalled(server.port(), "", 4096);
    stalled.send(kStream); // and never reads: the socket buffers fill, then nothing moves
    auto counted = [&] { return metrics.renderPrometheus().find("dadns_http_connections_closed_total{reason=\"io_timeout\"} 1") != std::string::npos; };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!counted() && std::chrono::steady_clock::now() < deadline) {
        RawClient other(server.port());
        other.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
        REQUIRE(other.receive(std::chrono::seconds(5)).find("\r\n\r\nplain") != std::string::npos);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(counted());
    // What the client finds once it reads: what was queued, then the end.
    std::string rest;
    CHECK_FALSE(stalled.receiveUntil(rest, "never sent", std::chrono::seconds(20)));
    CHECK(stalled.closedByServer());
}

TEST_CASE("streams end when the server stops accepting", "[http][stream]") {
    StreamingServer fixture;
    HttpFrontEnd& server = fixture.server;
    RawClient client(server.port());
    client.send(kStream);
    std::string got;
    REQUIRE(client.receiveUntil(got, "line 100\n"));
    server.stopAccepting();
    // Read on until the server closes: the stream does not go on for ever.
    std::string rest;
    CHECK_FALSE(client.receiveUntil(rest, "never sent", std::chrono::seconds(10)));
    CHECK(client.closedByServer());
    CHECK(server.unfinished() == 0);
}
