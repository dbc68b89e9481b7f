// The powerdns backend against three real pdns_server instances (gsqlite3, HTTP API): zones
// answer on all three by dig, changes cost one write per server, a server stopped during a
// burst never holds back the others and catches up after its restart, a wrong API key is a
// permanent error naming the server; what the API holds reads back as the records applied,
// with the SOA serial kept, and a record changed behind dadns's back is repaired.
#include "support/PdnsServer.hpp"
#include "support/TestSupport.hpp"

#include "core/zone/ZoneParser.hpp"

#include <dadns/sdk/master_file.hpp>
#include <dadns/sdk/testing.hpp>

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
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

namespace {

using dadns::sdk::Record;

// Records as sorted master file lines, each parsed again by the daemon's zone parser first:
// spellings of one record's data (2001:DB8::1 and 2001:db8::1, a raw UTF-8 byte and its
// \DDD) become one; the case of names is kept.
std::vector<std::string> canonical(const std::string& zone, const std::vector<Record>& records) {
    dadns::sdk::Zone z{zone, 0, records};
    std::vector<std::string> out;
    for (const auto& r : dadns::parseZoneText(dadns::sdk::masterFileText(z), zone).records) out.push_back(dadns::sdk::masterFileLine(r));
    std::sort(out.begin(), out.end());
    return out;
}

std::string pluginConfig(const PdnsServer& s, const std::string& extra = "") {
    return R"({"timeout":"2s","retry_attempts":1,"retry_delay":"100ms",)" + extra + R"("servers":[{"name":"a","api_url":")" + s.apiUrl() +
           R"(","api_key":")" + s.apiKey() + R"("}]})";
}

// The SOA content PowerDNS's API holds for the zone.
std::string heldSoa(const PdnsServer& s, const std::string& zone) {
    auto rrsets = json(s.api("GET", "/zones/" + zone + ".").body)->getArray("rrsets");
    for (size_t i = 0; i < rrsets->size(); ++i) {
        auto set = rrsets->getObject(static_cast<unsigned>(i));
        if (set->getValue<std::string>("type") == "SOA") return set->getArray("records")->getObject(0)->getValue<std::string>("content");
    }
    return "";
}

std::string servedSoaSerial(const std::vector<Record>& records) {
    for (const auto& r : records)
        if (r.type == "SOA") return r.rdata.at(2);
    return "";
}

const char* kSpellings = "www2 IN AAAA 2001:DB8:0:0::20\n"
                         "utf IN TXT \"caf\xc3\xa9\" \"two\"\n"
                         "@ IN MX 20 Mail2.Example.ORG.\n"
                         "note IN TXT \"it's \\\"quoted\\\" \\\\ ;\" \"{\\\"k\\\": 1}\"\n";

} // namespace

TEST_CASE("what PowerDNS's API holds reads back as the records applied, the serial kept; nothing once removed", "[powerdns]") {
    PdnsServer s;
    s.start();
    dadns::sdk::testing::FakeHost host;
    dadns::sdk::testing::PluginLibrary plugin{host, pluginDir() + "/powerdns.so"};
    auto backend = plugin.createBackend("pdns.a", pluginConfig(s));
    REQUIRE(backend.reportsServedRecords());
    CHECK_FALSE(backend.servedRecords("example.org")); // 404

    dadns::sdk::Zone zone = dadns::parseZoneText(zoneText("example.org", "192.0.2.10", kSpellings), "example.org");
    REQUIRE(backend.apply(zone).expectedCount == static_cast<int64_t>(zone.records.size()));
    auto served = backend.servedRecords("example.org");
    REQUIRE(served);
    // Compared canonically: PowerDNS may spell a record its own way (4.7 answers with the
    // spelling the zone parser gives, which is what dadns sends).
    CHECK(canonical("example.org", *served) == canonical("example.org", zone.records));

    // soa_edit_api "" (the default): PowerDNS keeps the serial dadns sent, in the API and on the wire.
    CHECK(servedSoaSerial(*served) == "2024010101");
    CHECK(heldSoa(s, "example.org") == "ns1.example.org. hostmaster.example.org. 2024010101 3600 600 86400 120");
    CHECK(s.query("example.org", "SOA") == std::vector<std::string>{"ns1.example.org. hostmaster.example.org. 2024010101 3600 600 86400 120"});

    SECTION("a change is a PATCH: the serial is still the zone's") {
        dadns::sdk::Zone next = dadns::parseZoneText(zoneText("example.org", "192.0.2.11", kSpellings), "example.org");
        backend.apply(next);
        served = backend.servedRecords("example.org");
        REQUIRE(served);
        CHECK(canonical("example.org", *served) == canonical("example.org", next.records));
        CHECK(heldSoa(s, "example.org") == "ns1.example.org. hostmaster.example.org. 2024010101 3600 600 86400 120");
        CHECK(s.query("www.example.org", "A") == std::vector<std::string>{"192.0.2.11"});
    }

    SECTION("a record disabled behind dadns's back is not served; reconcile enables it again") {
        REQUIRE(s.api("PATCH", "/zones/example.org.",
                      R"({"rrsets":[{"name":"www.example.org.","type":"A","ttl":60,"changetype":"REPLACE","records":[{"content":"192.0.2.10","disabled":true}]}]})")
                    .status == 204);
        CHECK(s.query("www.example.org", "A").empty());
        served = backend.servedRecords("example.org");
        REQUIRE(served);
        CHECK(served->size() == zone.records.size() - 1);
        backend.reconcile(zone);
        CHECK(canonical("example.org", *backend.servedRecords("example.org")) == canonical("example.org", zone.records));
        CHECK(s.query("www.example.org", "A") == std::vector<std::string>{"192.0.2.10"});
    }

    SECTION("removed: not served") {
        backend.remove("example.org");
        CHECK_FALSE(backend.servedRecords("example.org"));
    }
}

TEST_CASE("with soa_edit_api PowerDNS writes its own serials; the SOA reads back with the one dadns sent", "[powerdns]") {
    PdnsServer s;
    s.start();
    dadns::sdk::testing::FakeHost host;
    dadns::sdk::testing::PluginLibrary plugin{host, pluginDir() + "/powerdns.so"};
    std::string config = pluginConfig(s, R"("soa_edit_api":"DEFAULT",)");
    auto backend = plugin.createBackend("pdns.a", config);

    dadns::sdk::Zone zone = dadns::parseZoneText(zoneText("edited.example", "192.0.2.10"), "edited.example");
    backend.apply(zone);
    std::string held = heldSoa(s, "edited.example");
    CHECK(held.find(" 2024010101 ") == std::string::npos); // PowerDNS's serial (a date)
    auto served = backend.servedRecords("edited.example");
    REQUIRE(served);
    CHECK(canonical("edited.example", *served) == canonical("edited.example", zone.records));

    // A change: PowerDNS increases its serial again; still not a difference.
    dadns::sdk::Zone next = dadns::parseZoneText(zoneText("edited.example", "192.0.2.11"), "edited.example");
    backend.apply(next);
    CHECK(heldSoa(s, "edited.example") != held);
    CHECK(canonical("edited.example", *backend.servedRecords("edited.example")) == canonical("edited.example", next.records));

    // An instance that has not sent the zone (the daemon restarted) reports PowerDNS's serial
    // until it applies or reconciles the zone once.
    auto fresh = plugin.createBackend("pdns.b", config);
    CHECK(servedSoaSerial(*fresh.servedRecords("edited.example")) != "2024010101");
    fresh.reconcile(next);
    CHECK(canonical("edited.example", *fresh.servedRecords("edited.example")) == canonical("edited.example", next.records));
}

TEST_CASE("a record changed on a server behind dadns's back, the count unchanged, is found by a drift scan and repaired", "[powerdns]") {
    PdnsServer a;
    a.start();
    Daemon d(daemonConfig(serverYaml("a", a), "") + "  drift_interval: 0\n");
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/drift.example?wait=10", zoneText("drift.example", "192.0.2.10")).status == 200);
    REQUIRE(a.query("www.drift.example", "A") == std::vector<std::string>{"192.0.2.10"});
    REQUIRE(a.api("PATCH", "/zones/drift.example.",
                  R"({"rrsets":[{"name":"www.drift.example.","type":"A","ttl":60,"changetype":"REPLACE","records":[{"content":"203.0.113.66","disabled":false}]}]})")
                .status == 204);
    REQUIRE(a.query("www.drift.example", "A") == std::vector<std::string>{"203.0.113.66"});

    auto scan = d.call("POST", "/api/v1/backends/pdns.a/drift");
    CHECK(scan.status == 200);
    CHECK(eventually([&] { return a.query("www.drift.example", "A") == std::vector<std::string>{"192.0.2.10"}; }, std::chrono::seconds(30),
                     std::chrono::milliseconds(100)));
    CHECK(records(a, "drift.example").size() == 12);
}

TEST_CASE("with PowerDNS's caches on, answers change when the apply returns: a new zone, a change, a removal", "[powerdns]") {
    PdnsServer a;
    a.setCacheTtl(300);
    a.start();
    Daemon d(daemonConfig(serverYaml("a", a)));
    d.start();

    // Asked before it exists: REFUSED, which the packet cache keeps. PowerDNS does not purge its
    // caches when the API creates a zone; the plugin flushes the new zone's names.
    CHECK(a.query("www.cached.example", "A").empty());
    CHECK(a.query("cached.example", "SOA").empty());
    REQUIRE(d.call("PUT", "/api/v1/zones/cached.example?wait=10", zoneText("cached.example", "192.0.2.10")).status == 200);
    CHECK(a.query("www.cached.example", "A") == std::vector<std::string>{"192.0.2.10"});
    CHECK(a.query("cached.example", "SOA") == std::vector<std::string>{"ns1.cached.example. hostmaster.cached.example. 2024010101 3600 600 86400 120"});
    CHECK(d.metricSum("dadns_powerdns_api_calls_total{instance=\"pdns.a\",method=\"PUT\",status=\"200\"}") == 1);

    // A changed record and a name that did not exist (cached as NXDOMAIN): PATCH purges both.
    CHECK(a.query("new.cached.example", "A").empty());
    REQUIRE(d.call("PUT", "/api/v1/zones/cached.example?wait=10", zoneText("cached.example", "192.0.2.11", "new IN A 192.0.2.12\n")).status == 200);
    CHECK(a.query("www.cached.example", "A") == std::vector<std::string>{"192.0.2.11"});
    CHECK(a.query("new.cached.example", "A") == std::vector<std::string>{"192.0.2.12"});

    REQUIRE(d.call("DELETE", "/api/v1/zones/cached.example?wait=10").status == 200);
    CHECK(a.query("www.cached.example", "A").empty());
}
