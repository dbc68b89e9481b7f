// What the web console stands on, against a running daemon: the event stream (live updates),
// its limits and its end, the browser protections (CSP, cross-site mutations refused, no Basic
// challenge to scripts), the console's files, and the zones list's search, sync filter and
// per-zone redrive. The console itself runs in a real browser in tests/browser.
#include "support/DadnsCommand.hpp"
#include "support/RawClient.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Parser.h>

#include <fstream>

using namespace dadns::test;

namespace {

std::string zoneText(const std::string& extra = "") {
    return "$TTL 300\n@ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 86400 300\n@ IN NS ns1.example.com.\n" + extra;
}

std::string eventsRequest(const std::string& lastEventId = "") {
    return "GET /api/v1/events HTTP/1.1\r\nHost: x\r\n" + (lastEventId.empty() ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n";
}

// The ids of the events in a stream's text, in order (not the position frames, which have none).
std::vector<std::string> eventIds(const std::string& text) {
    std::vector<std::string> ids;
    for (size_t at = text.find("\nid: "); at != std::string::npos; at = text.find("\nid: ", at + 1)) {
        size_t end = text.find('\n', at + 5);
        if (text.compare(end, 8, "\nevent: ") == 0) ids.push_back(text.substr(at + 5, end - at - 5));
    }
    return ids;
}

Poco::JSON::Object::Ptr json(const HttpResponse& r) {
    Poco::JSON::Parser p;
    return p.parse(r.body).extract<Poco::JSON::Object::Ptr>();
}

using States = std::map<std::string, std::string>; // backend -> state

// zone -> its state on each backend
std::map<std::string, States> rows(const HttpResponse& r) {
    std::map<std::string, States> out;
    auto zones = json(r)->getArray("zones");
    for (size_t i = 0; i < zones->size(); ++i) {
        auto z = zones->getObject(static_cast<unsigned>(i));
        auto& states = out[z->getValue<std::string>("zone")];
        auto backends = z->getArray("backends");
        for (size_t j = 0; j < backends->size(); ++j) {
            auto b = backends->getObject(static_cast<unsigned>(j));
            states[b->getValue<std::string>("backend")] = b->getValue<std::string>("state");
        }
    }
    return out;
}

} // namespace

TEST_CASE("the event stream carries changes and outcomes, resumes from Last-Event-ID and resets after a gap", "[http][events]") {
    Daemon d(testPluginConfigWithPlaceholders("dns:\n  backends:\n    files:\n      type: test_backend\n      dir: {dir}/files\n"));
    d.start();
    RawClient stream(d.port());
    stream.send(eventsRequest());
    std::string got;
    REQUIRE(stream.receiveUntil(got, "retry: 2000\n\n"));
    CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(got.find("Content-Type: text/event-stream") != std::string::npos);
    CHECK(got.find("Content-Length") == std::string::npos);
    CHECK(got.find("Content-Security-Policy: ") != std::string::npos);

    REQUIRE(d.call("PUT", "/api/v1/zones/live.example", zoneText()).status == 201);
    REQUIRE(stream.receiveUntil(got, "\"state\":\"applied\""));
    CHECK(got.find("event: zone\ndata: {\"zone\":\"live.example\",\"version\":1,\"deleted\":false,\"source\":\"rest\"}\n\n") != std::string::npos);
    CHECK(got.find("event: outcome\ndata: {\"backend\":\"files\",\"zone\":\"live.example\",\"version\":1,\"state\":\"applied\"") !=
          std::string::npos);
    auto ids = eventIds(got);
    REQUIRE(ids.size() == 2);
    CHECK(got.find("event: zone") < got.find("event: outcome")); // stored, then applied

    // A reader that saw the first event resumes with the second.
    RawClient resumed(d.port());
    resumed.send(eventsRequest(ids[0]));
    std::string again;
    REQUIRE(resumed.receiveUntil(again, "event: outcome"));
    CHECK(eventIds(again) == std::vector<std::string>{ids[1]});
    CHECK(again.find("event: zone") == std::string::npos);

    // An id of an earlier run of the daemon is a gap: the reader is told to refetch.
    RawClient stale(d.port());
    stale.send(eventsRequest("1-5"));
    std::string reset;
    REQUIRE(stale.receiveUntil(reset, "event: reset\ndata: {}\n\n"));
    CHECK(eventIds(reset) == std::vector<std::string>{ids[1]});
    d.stop();
}

TEST_CASE("event streams are bounded and end with the daemon", "[http][events]") {
    Daemon d(testPluginConfigWithPlaceholders("http:\n  max_event_streams: 2\n"
                                              "dns:\n  backends:\n    files:\n      type: test_backend\n      dir: {dir}/files\n"));
    d.start();
    auto first = std::make_unique<RawClient>(d.port());
    first->send(eventsRequest());
    RawClient reader(d.port());
    reader.send(eventsRequest());
    std::string got;
    REQUIRE(reader.receiveUntil(got, "retry: 2000"));
    auto third = d.get("/api/v1/events");
    CHECK(third.status == 503);
    CHECK(third.headers["retry-after"] == "5");
    CHECK(d.get("/api/v1/status").status == 200); // the API goes on
    // A reader that leaves frees its place.
    first.reset();
    CHECK(eventually([&] {
        RawClient next(d.port());
        next.send(eventsRequest());
        std::string answer;
        return next.receiveUntil(answer, "retry: 2000", std::chrono::seconds(2));
    }));

    // Stopping the daemon ends the open stream at once, not after the shutdown grace (5 s).
    auto started = std::chrono::steady_clock::now();
    CHECK(d.stop() == 0);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(4));
    std::string rest;
    CHECK_FALSE(reader.receiveUntil(rest, "never sent", std::chrono::seconds(5)));
    CHECK(reader.closedByServer());
}

TEST_CASE("browser protections: a CSP on every answer, cross-site mutations refused, no Basic challenge to scripts", "[http][console]") {
    Daemon d(baseConfig());
    d.start();
    for (const char* path : {"/health", "/api/v1/status", "/api/v1/zones/none.example"}) {
        auto r = d.get(path);
        INFO(path);
        CHECK(r.headers["content-security-policy"].find("script-src 'self'") != std::string::npos);
        CHECK(r.headers["content-security-policy"].find("unsafe-inline") == std::string::npos);
        CHECK(r.headers["x-content-type-options"] == "nosniff");
    }

    auto put = [&](std::map<std::string, std::string> headers) {
        HttpRequest req;
        req.method = "PUT";
        req.path = "/api/v1/zones/site.example";
        req.body = zoneText();
        req.basicAuth = std::make_pair(std::string(Daemon::user), std::string(Daemon::password));
        headers["Host"] = "127.0.0.1:" + std::to_string(d.port());
        req.headers = std::move(headers);
        return httpCall("127.0.0.1", d.port(), req);
    };
    std::string self = "http://127.0.0.1:" + std::to_string(d.port());
    auto forged = put({{"Sec-Fetch-Site", "cross-site"}, {"Origin", "http://evil.example"}});
    CHECK(forged.status == 403);
    CHECK(forged.body.find("cross-site request refused") != std::string::npos);
    CHECK(put({{"Origin", "http://evil.example"}}).status == 403);
    CHECK(put({{"Origin", "http://127.0.0.1:1"}}).status == 403);
    CHECK(d.get("/api/v1/zones/site.example").status == 404); // nothing was stored
    CHECK(put({{"Sec-Fetch-Site", "same-origin"}, {"Origin", self}}).status == 201);
    CHECK(put({{"Origin", self}}).status == 200);
    CHECK(put({}).status == 200); // not a browser

    // 401: a navigation (or curl) is challenged; a page's script is not (the console asks itself).
    HttpRequest anonymous;
    anonymous.method = "DELETE";
    anonymous.path = "/api/v1/zones/site.example";
    auto challenged = httpCall("127.0.0.1", d.port(), anonymous);
    CHECK(challenged.status == 401);
    CHECK(challenged.headers.count("www-authenticate") == 1);
    anonymous.headers["Sec-Fetch-Mode"] = "cors";
    auto scripted = httpCall("127.0.0.1", d.port(), anonymous);
    CHECK(scripted.status == 401);
    CHECK(scripted.headers.count("www-authenticate") == 0);
    d.stop();
}

TEST_CASE("the console's files come from the binary, revalidated by ETag", "[http][console]") {
    Daemon d(baseConfig("http:\n  public_status: false\n"));
    d.start();
    HttpRequest page; // open even when reads need credentials: the page holds no data
    auto index = httpCall("127.0.0.1", d.port(), page);
    REQUIRE(index.status == 200);
    CHECK(index.headers["content-type"] == "text/html; charset=utf-8");
    CHECK(index.body.find("<!doctype html>") != std::string::npos);
    CHECK(index.body.find("<script>") == std::string::npos); // no inline script: the CSP forbids it
    REQUIRE_FALSE(index.headers["etag"].empty());
    page.headers["If-None-Match"] = index.headers["etag"];
    auto same = httpCall("127.0.0.1", d.port(), page);
    CHECK(same.status == 304);
    CHECK(same.body.empty());

    HttpRequest missing;
    missing.path = "/console/../../etc/passwd";
    CHECK(httpCall("127.0.0.1", d.port(), missing).status == 404);
    missing.path = "/console/no-such-file.js";
    CHECK(httpCall("127.0.0.1", d.port(), missing).status == 404);
    HttpRequest status;
    status.path = "/api/v1/status";
    CHECK(httpCall("127.0.0.1", d.port(), status).status == 401);
    d.stop();
}

TEST_CASE("the zones list searches names, filters by sync state and pages; one zone's dead letter is redriven", "[http][console]") {
    TempDir flags("console-flags");
    std::string failFile = flags.file("fail");
    std::ofstream(failFile) << "fail";
    Daemon d(testPluginConfigWithPlaceholders("dispatch:\n  retry_backoff: 100ms\n  max_attempts: 2\n  breaker_failures: 100\n"
                                              "dns:\n  backends:\n    good:\n      type: test_backend\n      dir: {dir}/good\n"
                                              "    bad:\n      type: test_backend\n      dir: {dir}/bad\n      fail_file: " +
                                              failFile + "\n"));
    d.start();
    for (const char* z : {"alpha.example", "beta.example", "gamma.test"}) REQUIRE(d.call("PUT", std::string("/api/v1/zones/") + z, zoneText()).status == 201);
    // Every zone dead on "bad" before its flag goes (a zone still retrying then would be applied).
    REQUIRE(eventually([&] {
        auto out = rows(d.get("/api/v1/zones?sync=out"));
        if (out.size() != 3) return false;
        for (const auto& [zone, states] : out)
            if (states != States{{"bad", "dead"}, {"good", "applied"}}) return false;
        return true;
    }));
    std::remove(failFile.c_str());
    REQUIRE(d.call("PUT", "/api/v1/zones/delta.example?wait=10", zoneText()).status == 200); // applied everywhere

    auto all = rows(d.get("/api/v1/zones"));
    CHECK(all.size() == 4);
    CHECK(all["delta.example"] == States{{"bad", "applied"}, {"good", "applied"}});
    CHECK(all["alpha.example"] == States{{"bad", "dead"}, {"good", "applied"}});
    auto backends = json(d.get("/api/v1/zones?search=alpha"))->getArray("zones")->getObject(0)->getArray("backends");
    auto bad = backends->getObject(0); // sorted by name
    CHECK(bad->getValue<std::string>("backend") == "bad");
    CHECK(bad->getValue<std::string>("error").find("fail_file exists") != std::string::npos);
    CHECK(backends->getObject(1)->getValue<std::string>("error").empty());

    // Search is a substring of the name, any case; sync filters are checked against each row.
    CHECK(rows(d.get("/api/v1/zones?search=EXAMPLE")).size() == 3);
    CHECK(rows(d.get("/api/v1/zones?search=ta.ex")).size() == 2); // beta, delta
    CHECK(rows(d.get("/api/v1/zones?sync=out&search=.test")).size() == 1);
    CHECK(rows(d.get("/api/v1/zones?sync=out")).count("delta.example") == 0);
    CHECK(rows(d.get("/api/v1/zones?sync=none")).empty()); // "good" holds every zone

    // Pages of two, by name, for both kinds of listing.
    for (std::string filter : {"", "&sync=out"}) {
        auto first = json(d.get("/api/v1/zones?limit=2" + filter));
        CHECK(first->getArray("zones")->size() == 2);
        std::string next = first->getValue<std::string>("next");
        auto second = rows(d.get("/api/v1/zones?limit=2&after=" + next + filter));
        CHECK(second.size() == (filter.empty() ? 2u : 1u));
        CHECK(second.count(next) == 0);
    }
    CHECK(d.get("/api/v1/zones?sync=maybe").status == 400);

    // One zone's dead letter goes again; the others stay dead.
    auto redriven = d.call("POST", "/api/v1/zones/beta.example/redrive");
    REQUIRE(redriven.status == 200);
    CHECK(json(redriven)->getValue<int>("redriven") == 1);
    CHECK(eventually([&] { return rows(d.get("/api/v1/zones?search=beta"))["beta.example"] == States{{"bad", "applied"}, {"good", "applied"}}; }));
    auto out = rows(d.get("/api/v1/zones?sync=out"));
    CHECK(out.size() == 2);
    CHECK(out.count("beta.example") == 0);
    CHECK(d.call("POST", "/api/v1/zones/nowhere.example/redrive").status == 404);

    // A zone's page says the same as its row, by the same rule.
    auto page = json(d.get("/api/v1/zones/gamma.test"))->getArray("backends");
    REQUIRE(page->size() == 2);
    auto badOnPage = page->getObject(0), goodOnPage = page->getObject(1);
    CHECK(badOnPage->getValue<std::string>("state") == "dead");
    CHECK(badOnPage->getValue<bool>("dead_letter"));
    CHECK(badOnPage->getValue<std::string>("last_error").find("fail_file exists") != std::string::npos);
    CHECK(goodOnPage->getValue<std::string>("state") == "applied");
    CHECK(goodOnPage->getValue<bool>("in_sync"));

    // A kept version with its text, for the console's diffs.
    REQUIRE(d.call("PUT", "/api/v1/zones/alpha.example", zoneText("www IN A 192.0.2.7\n")).status == 200);
    auto v1 = json(d.get("/api/v1/zones/alpha.example/versions/1"));
    CHECK(v1->getValue<int>("version") == 1);
    CHECK(v1->getValue<std::string>("zone_text").find("192.0.2.7") == std::string::npos);
    CHECK(json(d.get("/api/v1/zones/alpha.example/versions/2"))->getValue<std::string>("zone_text").find("192.0.2.7") != std::string::npos);
    CHECK(d.get("/api/v1/zones/alpha.example/versions/9").status == 404);
    CHECK(d.get("/api/v1/zones/alpha.example/versions/x1").status == 400);
    d.stop();
}
