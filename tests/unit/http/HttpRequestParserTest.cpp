// The incremental request parser: requests split at every byte, bodies by length and chunks,
// pipelining, and the malformed or oversized input each status stands for.
#include "core/http/HttpRequestParser.hpp"

#include <catch2/catch.hpp>

using namespace dadns;
using Progress = HttpRequestParser::Progress;

namespace {

HttpParserLimits limits(size_t maxBody = 1024) {
    HttpParserLimits l;
    l.maxHeadBytes = 2048;
    l.maxHeaders = 20;
    l.maxBodyBytes = maxBody;
    return l;
}

// Feeds text in pieces of `step` bytes until the request completes; the number of pieces used.
size_t feedInSteps(HttpRequestParser& p, const std::string& text, size_t step, std::string& in) {
    size_t pieces = 0;
    for (size_t at = 0; at < text.size(); at += step) {
        in += text.substr(at, step);
        ++pieces;
        Progress r = p.parse(in);
        if (r == Progress::HeadReady) r = p.parse(in);
        if (r == Progress::Complete) return pieces;
    }
    return 0;
}

int statusOf(const std::string& text, size_t maxBody = 1024) {
    HttpRequestParser p(limits(maxBody));
    std::string in = text;
    try {
        Progress r = p.parse(in);
        if (r == Progress::HeadReady) p.parse(in);
    } catch (const HttpParseError& e) {
        return e.status;
    }
    return 0;
}

} // namespace

TEST_CASE("a request split at every byte completes exactly at its last byte", "[http][parser]") {
    const std::string text = "PUT /api/v1/zones/a.example?wait=5 HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world";
    HttpRequestParser p(limits());
    std::string in;
    CHECK(feedInSteps(p, text, 1, in) == text.size());
    CHECK(p.head().method == "PUT");
    CHECK(p.head().target == "/api/v1/zones/a.example?wait=5");
    CHECK(p.head().header("host") == "x");
    CHECK(p.body() == "hello world");
    CHECK(p.head().keepAlive);
    CHECK(in.empty());
}

TEST_CASE("a body shorter than its Content-Length never completes", "[http][parser]") {
    HttpRequestParser p(limits());
    std::string in = "PUT /z HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + std::string(99, 'x');
    CHECK(p.parse(in) == Progress::HeadReady);
    CHECK(p.parse(in) == Progress::NeedMore);
    in = "x";
    CHECK(p.parse(in) == Progress::Complete);
    CHECK(p.body().size() == 100);
}

TEST_CASE("chunked bodies are joined; a missing last chunk never completes", "[http][parser]") {
    const std::string text = "POST /h HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n";
    HttpRequestParser p(limits());
    std::string in;
    CHECK(feedInSteps(p, text, 3, in) > 0);
    CHECK(p.body() == "hello world");

    HttpRequestParser cut(limits());
    std::string partial = text.substr(0, text.find("0\r\n"));
    CHECK(cut.parse(partial) == Progress::HeadReady);
    CHECK(cut.parse(partial) == Progress::NeedMore);
}

TEST_CASE("pipelined requests are parsed one after another", "[http][parser]") {
    std::string in = "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nConnection: close\r\n\r\n";
    HttpRequestParser p(limits());
    CHECK(p.parse(in) == Progress::Complete);
    CHECK(p.head().target == "/a");
    p.reset();
    CHECK(p.parse(in) == Progress::Complete);
    CHECK(p.head().target == "/b");
    CHECK_FALSE(p.head().keepAlive);
    CHECK(in.empty());
}

TEST_CASE("HTTP/1.0 keeps the connection only when asked; Expect is noticed", "[http][parser]") {
    HttpRequestParser p(limits());
    std::string in = "GET / HTTP/1.0\r\n\r\n";
    REQUIRE(p.parse(in) == Progress::Complete);
    CHECK_FALSE(p.head().keepAlive);
    p.reset();
    in = "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
    REQUIRE(p.parse(in) == Progress::Complete);
    CHECK(p.head().keepAlive);
    p.reset();
    in = "PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n";
    REQUIRE(p.parse(in) == Progress::HeadReady);
    CHECK(p.head().expectContinue);
}

TEST_CASE("malformed, smuggling and oversized requests get the status that says why", "[http][parser]") {
    CHECK(statusOf("GET /\r\n\r\n") == 400);
    CHECK(statusOf("GET / HTTP/2.0\r\n\r\n") == 505);
    CHECK(statusOf("GET / FTP/1.0\r\n\r\n") == 400);
    CHECK(statusOf("G(T / HTTP/1.1\r\n\r\n") == 400);
    CHECK(statusOf("GET /a\x01 HTTP/1.1\r\n\r\n") == 400);
    CHECK(statusOf(std::string("GET / HTTP/1.1\r\nX: a") + '\0' + "b\r\n\r\n") == 400);
    CHECK(statusOf("GET / HTTP/1.1\r\nNoColon\r\n\r\n") == 400);
    CHECK(statusOf("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n") == 400);
    CHECK(statusOf("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n") == 400);
    CHECK(statusOf("PUT / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
    CHECK(statusOf("PUT / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n") == 400);
    CHECK(statusOf("PUT / HTTP/1.1\r\nContent-Length: -5\r\n\r\n") == 400);
    CHECK(statusOf("PUT / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") == 400);
    CHECK(statusOf("PUT / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") == 501);
    CHECK(statusOf("PUT / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n") == 413);
    CHECK(statusOf("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n") == 413);
    CHECK(statusOf("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == 400);
    CHECK(statusOf("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n") == 400);
    CHECK(statusOf("GET / HTTP/1.1\r\nX: " + std::string(3000, 'a') + "\r\n\r\n") == 431);
    CHECK(statusOf("GET /" + std::string(3000, 'a')) == 431); // no line end yet, already too long
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 25; ++i) many += "X" + std::to_string(i) + ": y\r\n";
    CHECK(statusOf(many + "\r\n") == 431);
    CHECK(statusOf("PUT / HTTP/1.1\r\nContent-Length:\r\nTransfer-Encoding: chunked\r\n\r\n") == 400); // empty still counts
    CHECK(statusOf("PUT / HTTP/1.1\r\nContent-Length: \r\nContent-Length: 5\r\n\r\n") == 400);
    CHECK(statusOf("PUT / HTTP/1.1\r\nContent-Length:\r\n\r\n") == 400);
    CHECK(statusOf("GET / HTTP/1.1\r\nX-A: 1\rTransfer-Encoding: chunked\r\n\r\n") == 400); // bare CR
    CHECK(statusOf("GET / HTTP/1.1\r\nX-A: a\x1b[31m\r\n\r\n") == 400);
    CHECK(statusOf("GET / HTTP/1.1\r\nX-A: tab\tinside\r\n\r\n") == 0);
    CHECK(statusOf("PUT / HTTP/1.1\r\nContent-Length: 1024\r\n\r\n") == 0); // exactly at the limit
}
