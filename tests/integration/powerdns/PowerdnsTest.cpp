// The powerdns backend against three real pdns_server instances (gsqlite3, HTTP API): zones
// answer on all three by dig, changes cost one write per server, a server stopped during a
// burst never holds back the others and catches up after its restart, a wrong API key is a
// permanent error naming the server.
#include "support/PdnsServer.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <memory>
#include <set>

using namespace dadns::test;

namespace {

Poco::JSON::Object::Ptr json(const std::string& body) { return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>(); }

std::string serverYaml(const std::string& name, const PdnsServer& s, const std::string& key = "") {
    return "        - name: " + name + "\n          api_url: " + s.apiUrl() + "\n          api_key: " + (key.empty() ? s.apiKey() : key) + "\n";
}

std::string daemonConfig(const std::string& servers, const std::string& extra = "") {
    return baseConfig("dns:\n  backends:\n    pdns:\n      type: powerdns\n      timeout: 2s\n      retry_attempts: 1\n"
                      "      retry_delay: 100ms\n" + extra + "      servers:\n" + servers +
                      "dispatch:\n  retry_backoff: 200ms\n  retry_backoff_max: 1s\n  max_attempts: 1000\n  breaker_failures: 1000\n");
}

std::string zoneText(const std::string& zone, const std::string& wwwIp, const std::string& extra = "") {
    return "$TTL 300\n"
           "@ IN SOA ns1." + zone + ". hostmaster." + zone + ". 2024010101 3600 600 86400 120\n"
           "@ IN NS ns1." + zone + ".\n"
           "@ IN NS ns2." + zone + ".\n"
           "ns1 IN A 192.0.2.53\n"
           "ns2 IN A 192.0.2.54\n"
           "www 60 IN A " + wwwIp + "\n"
           "www IN AAAA 2001:db8::10\n"
           "@ IN MX 10 mail." + zone + ".\n"
           "mail IN A 192.0.2.25\n"
           "@ IN TXT \"v=spf1 a mx -all\"\n"
           "_sip._tcp IN SRV 10 5 5060 sip." + zone + ".\n"
           "@ IN CAA 0 issue \"letsencrypt.org\"\n"
           "ftp IN CNAME www\n" + extra;
}

// The zone's records by AXFR, without the SOA (dig prints it twice, first and last).
std::set<std::string> records(const PdnsServer& s, const std::string& zone) {
    std::set<std::string> out;
    for (const auto& r : s.transfer(zone))
        if (r.find(" SOA ") == std::string::npos) out.insert(r);
    return out;
}

Poco::JSON::Object::Ptr backendResult(const HttpResponse& r, const std::string& backend) {
    auto arr = json(r.body)->getArray("backends");
    for (size_t i = 0; i < arr->size(); ++i)
        if (arr->getObject(static_cast<unsigned>(i))->getValue<std::string>("backend") == backend) return arr->getObject(static_cast<unsigned>(i));
    return nullptr;
}

double writes(Daemon& d, const std::string& target) {
    std::string series = "dadns_powerdns_api_calls_total{instance=\"" + target + "\",method=\"";
    return d.metricSum(series + "POST\"") + d.metricSum(series + "PATCH\"") + d.metricSum(series + "DELETE\"");
}

size_t zonesOn(const PdnsServer& s) {
    auto r = s.api("GET", "/zones");
    return r.status == 200 ? Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Array::Ptr>()->size() : 0;
}

} // namespace

TEST_CASE("zones answer on all three servers; a change is one write per server, an equal push none", "[powerdns]") {
    PdnsServer a, b, c;
    a.start();
    b.start();
    c.start();
    Daemon d(daemonConfig(serverYaml("a", a) + serverYaml("b", b) + serverYaml("c", c)));
    d.start();

    std::string zone = "example.org";
    // Quotes, backslashes and SQL/JSON metacharacters travel as content.
    std::string hostile = "note IN TXT \"it's \\\"quoted\\\" \\\\ ; DROP TABLE records; --\" \"{\\\"k\\\": 1}\"\n";
    auto r = d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", zoneText(zone, "192.0.2.10", hostile));
    REQUIRE(r.status == 200);
    for (const char* target : {"pdns.a", "pdns.b", "pdns.c"}) {
        auto res = backendResult(r, target);
        REQUIRE(res);
        CHECK(res->getValue<std::string>("status") == "applied");
    }

    std::set<std::string> expected = {
        "example.org. 300 IN NS ns1.example.org.", "example.org. 300 IN NS ns2.example.org.",
        "ns1.example.org. 300 IN A 192.0.2.53", "ns2.example.org. 300 IN A 192.0.2.54",
        "www.example.org. 60 IN A 192.0.2.10", "www.example.org. 300 IN AAAA 2001:db8::10",
        "example.org. 300 IN MX 10 mail.example.org.", "mail.example.org. 300 IN A 192.0.2.25",
        "example.org. 300 IN TXT \"v=spf1 a mx -all\"", "_sip._tcp.example.org. 300 IN SRV 10 5 5060 sip.example.org.",
        "example.org. 300 IN CAA 0 issue \"letsencrypt.org\"", "ftp.example.org. 300 IN CNAME www.example.org.",
        "note.example.org. 300 IN TXT \"it's \\\"quoted\\\" \\\\ ; DROP TABLE records; --\" \"{\\\"k\\\": 1}\""};
    for (PdnsServer* s : {&a, &b, &c}) {
        CHECK(records(*s, zone) == expected);
        CHECK(s->query(zone, "SOA") == std::vector<std::string>{"ns1.example.org. hostmaster.example.org. 2024010101 3600 600 86400 120"});
        CHECK(s->query("www." + zone, "A") == std::vector<std::string>{"192.0.2.10"});
    }
    auto state = json(d.get("/api/v1/zones/" + zone).body)->getArray("backends");
    CHECK(state->size() == 3);

    SECTION("an update: new address, a record gone, a TTL changed; one PATCH per server") {
        double before = writes(d, "pdns.a") + writes(d, "pdns.b") + writes(d, "pdns.c");
        std::string next = zoneText(zone, "192.0.2.11", hostile);
        next.replace(next.find("@ IN MX 10 mail." + zone + ".\n"), ("@ IN MX 10 mail." + zone + ".\n").size(), "");
        next.replace(next.find("mail IN A"), 4, "mail 900");
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", next).status == 200);
        CHECK(writes(d, "pdns.a") + writes(d, "pdns.b") + writes(d, "pdns.c") - before == 3);
        CHECK(d.metricSum("dadns_powerdns_api_calls_total{instance=\"pdns.b\",method=\"PATCH\",status=\"204\"}") == 1);
        for (PdnsServer* s : {&a, &b, &c}) {
            CHECK(s->query("www." + zone, "A") == std::vector<std::string>{"192.0.2.11"});
            CHECK(s->query(zone, "MX").empty());
            CHECK(s->query("mail." + zone, "A") == std::vector<std::string>{"192.0.2.25"});
            CHECK(records(*s, zone).count("mail.example.org. 900 IN A 192.0.2.25") == 1);
            CHECK(records(*s, zone).size() == expected.size() - 1);
        }

        // The same zone again: nothing to write anywhere.
        before = writes(d, "pdns.a") + writes(d, "pdns.b") + writes(d, "pdns.c");
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", next + "; same records, new text\n").status == 200);
        CHECK(writes(d, "pdns.a") + writes(d, "pdns.b") + writes(d, "pdns.c") == before);
    }

    SECTION("a record added on a server behind dadns's back is removed by the next change") {
        REQUIRE(a.api("PATCH", "/zones/example.org.",
                      R"({"rrsets":[{"name":"stray.example.org.","type":"A","ttl":60,"changetype":"REPLACE","records":[{"content":"203.0.113.9","disabled":false}]}]})")
                    .status == 204);
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", zoneText(zone, "192.0.2.12", hostile)).status == 200);
        CHECK(a.query("stray." + zone, "A").empty());
        CHECK(a.query("www." + zone, "A") == std::vector<std::string>{"192.0.2.12"});
    }

    SECTION("a delete removes the zone from every server") {
        auto del = d.call("DELETE", "/api/v1/zones/" + zone + "?wait=10");
        REQUIRE(del.status == 200);
        for (PdnsServer* s : {&a, &b, &c}) {
            CHECK(s->api("GET", "/zones/example.org.").status == 404);
            CHECK(zonesOn(*s) == 0);
        }
    }
}

TEST_CASE("one server stopped during a burst: the others complete, ?wait names it retrying, it catches up after restart", "[powerdns]") {
    PdnsServer a, b, c;
    a.start();
    b.start();
    c.start();
    Daemon d(daemonConfig(serverYaml("a", a) + serverYaml("b", b) + serverYaml("c", c)));
    d.start();

    const int zones = 200;
    for (int i = 0; i < zones; ++i) {
        if (i == 50) b.stop();
        std::string zone = "burst" + std::to_string(i) + ".example";
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone, zoneText(zone, "192.0.2." + std::to_string(i % 250 + 1))).status == 201);
    }
    CHECK(eventually([&] { return zonesOn(a) == zones && zonesOn(c) == zones; }, std::chrono::seconds(60)));

    auto partial = d.call("PUT", "/api/v1/zones/during.example?wait=8", zoneText("during.example", "192.0.2.77"));
    CHECK(partial.status == 202); // the deadline passed with pdns.b retrying
    auto down = backendResult(partial, "pdns.b");
    REQUIRE(down);
    CHECK(down->getValue<std::string>("status") == "retrying");
    CHECK_THAT(down->getValue<std::string>("error"), Catch::Contains("server 'b'") && Catch::Contains("connection refused"));
    CHECK(backendResult(partial, "pdns.a")->getValue<std::string>("status") == "applied");
    CHECK(backendResult(partial, "pdns.c")->getValue<std::string>("status") == "applied");
    CHECK(a.query("www.during.example", "A") == std::vector<std::string>{"192.0.2.77"});

    b.start();
    CHECK(eventually([&] { return zonesOn(b) == zones + 1; }, std::chrono::seconds(90), std::chrono::milliseconds(250)));
    CHECK(b.query("www.burst199.example", "A") == std::vector<std::string>{"192.0.2.200"});
    CHECK(b.query("www.during.example", "A") == std::vector<std::string>{"192.0.2.77"});
    CHECK(eventually([&] { return backendResult(d.get("/api/v1/zones/burst120.example"), "pdns.b")->getValue<int>("applied_version") == 1; }));
}

TEST_CASE("a wrong API key is a permanent error naming the server; the good server applies", "[powerdns]") {
    PdnsServer good, bad;
    good.start();
    bad.start();
    Daemon d(daemonConfig(serverYaml("good", good) + serverYaml("bad", bad, "not-the-key")));
    d.start();
    auto r = d.call("PUT", "/api/v1/zones/key.example?wait=10", zoneText("key.example", "192.0.2.5"));
    CHECK(r.status == 207);
    CHECK(backendResult(r, "pdns.good")->getValue<std::string>("status") == "applied");
    auto refused = backendResult(r, "pdns.bad");
    CHECK(refused->getValue<std::string>("status") == "dead");
    CHECK_THAT(refused->getValue<std::string>("error"), Catch::Contains("server 'bad'") && Catch::Contains("refused the API key") &&
                                                             Catch::Contains("HTTP 401"));
    CHECK(zonesOn(bad) == 0);
    CHECK(good.query("www.key.example", "A") == std::vector<std::string>{"192.0.2.5"});
}

TEST_CASE("a zone PowerDNS rejects is a permanent error with its text; multi_server false writes to the first server only", "[powerdns]") {
    PdnsServer first, second;
    first.start();
    second.start();
    Daemon d(daemonConfig(serverYaml("first", first) + serverYaml("second", second), "      multi_server: false\n      zone_kind: Master\n"));
    d.start();
    auto lanes = json(d.get("/api/v1/backends").body)->getArray("backends");
    REQUIRE(lanes->size() == 1);
    CHECK(lanes->getObject(0)->getValue<std::string>("name") == "pdns.first");

    REQUIRE(d.call("PUT", "/api/v1/zones/one.example?wait=10", zoneText("one.example", "192.0.2.6")).status == 200);
    CHECK(json(first.api("GET", "/zones/one.example.").body)->getValue<std::string>("kind") == "Master");
    CHECK(zonesOn(second) == 0);

    // Valid DNS, so the core stores it, but a type PowerDNS does not know: it answers 422 with
    // its reason.
    auto r = d.call("PUT", "/api/v1/zones/one.example?wait=10", zoneText("one.example", "192.0.2.6", "pos IN GPOS -32.6882 116.8652 10.0\n"));
    CHECK(r.status == 502);
    auto res = backendResult(r, "pdns.first");
    CHECK(res->getValue<std::string>("status") == "dead");
    CHECK_THAT(res->getValue<std::string>("error"), Catch::Contains("server 'first'") && Catch::Contains("HTTP 422") && Catch::Contains("GPOS"));
    CHECK(first.query("www.one.example", "A") == std::vector<std::string>{"192.0.2.6"}); // the earlier version still served
}
