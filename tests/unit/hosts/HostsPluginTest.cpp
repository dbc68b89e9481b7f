// The shipped hosts.so in-process on the SDK's fake host: registrations through its routes
// become whole-zone submissions of the managed zone.
#include "support/TestSupport.hpp"

#include <dadns/sdk/testing.hpp>

#include <catch2/catch.hpp>

using namespace dadns::sdk;
using namespace dadns::sdk::testing;

namespace {

const char* kConfig = R"({"default_zone":"hosts.example","nameservers":["ns1.example"],"auto_ptr":true})";

// A started hosts instance on a fake host.
struct HostsPlugin {
    FakeHost host;
    PluginLibrary plugin{host, dadns::test::pluginDir() + "/hosts.so"};
    LoadedService service = plugin.createService("hosts", kConfig);

    HostsPlugin() { service.start(); }

    HttpReply send(const std::string& method, const std::string& path, const std::string& body = "") {
        HttpCall call = HttpCall::make(method, path, body);
        call.authUser = "admin"; // the daemon's Basic auth let it through
        return host.call(call);
    }
    // The text of the last change submitted for zone.
    std::string lastText(const std::string& zone) const {
        std::string text;
        for (const auto& s : host.submissions())
            if (s.zone == zone && s.stored) text = s.zoneText;
        return text;
    }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE("hosts in-process: start creates the managed zone, a registration submits it with the host", "[hosts]") {
    HostsPlugin p;
    REQUIRE(p.host.submissions().size() == 1); // the zone was missing: created with SOA and NS
    CHECK(contains(p.lastText("hosts.example"), "hosts.example. 300 IN NS ns1.example."));
    CHECK(p.host.routes().size() == 3);

    auto created = p.send("POST", "/api/v1/hosts", R"({"hostname":"web1","ip":"192.0.2.10"})");
    CHECK(created.status == 201);
    CHECK(contains(created.body, "\"fqdn\":\"web1.hosts.example.\""));
    CHECK(contains(created.body, "\"version\":2"));
    Submission s = p.host.submissions().back();
    CHECK(s.kind == DADNS_CHANGE_ZONE_TEXT);
    CHECK(s.zone == "hosts.example");
    CHECK(s.origin.source == "hosts");
    CHECK(contains(s.zoneText, "web1.hosts.example. 300 IN A 192.0.2.10"));
    CHECK(p.host.counter("dadns_hosts_zone_changes_total", {{"zone", "hosts.example"}}) == 2);

    // The same registration again changes nothing; a new address replaces the old one.
    CHECK(p.send("POST", "/api/v1/hosts", R"({"hostname":"web1","ip":"192.0.2.10"})").status == 200);
    CHECK(p.host.submissions().size() == 2);
    auto moved = p.send("POST", "/api/v1/hosts", R"({"hostname":"web1.hosts.example.","ip":"192.0.2.11","ttl":60})");
    CHECK(moved.status == 200);
    CHECK(contains(moved.body, "\"ttl\":60,")); // a whole number, as it was given
    CHECK(contains(p.lastText("hosts.example"), "web1.hosts.example. 60 IN A 192.0.2.11"));
    CHECK_FALSE(contains(p.lastText("hosts.example"), "192.0.2.10"));

    CHECK(p.send("DELETE", "/api/v1/hosts/web1").status == 200);
    CHECK_FALSE(contains(p.lastText("hosts.example"), "web1.hosts.example."));
    CHECK(p.send("DELETE", "/api/v1/hosts/web1").status == 404);
}

TEST_CASE("hosts in-process: the host list reports each host's sync state from the backends", "[hosts]") {
    HostsPlugin p;
    REQUIRE(p.send("POST", "/api/v1/hosts", R"({"hostname":"db","ip":"2001:db8::5"})").status == 201);
    auto pending = p.send("GET", "/api/v1/hosts/db");
    CHECK(pending.status == 200);
    CHECK(contains(pending.body, "\"ips\":[\"2001:db8::5\"]"));
    CHECK(contains(pending.body, "\"status\":\"pending\""));
    p.host.setZoneBackends("hosts.example", {ZoneBackendState{"bind", 2, false, false, "", 1700000000000}});
    CHECK(contains(p.send("GET", "/api/v1/hosts").body, "\"status\":\"synced\""));
    p.host.setZoneBackends("hosts.example", {ZoneBackendState{"bind", 1, true, false, "rndc failed", 1}});
    CHECK(contains(p.send("GET", "/api/v1/hosts").body, "\"errors\":[{\"backend\":\"bind\",\"error\":\"rndc failed\"}]"));
}

TEST_CASE("hosts in-process: a PTR follows into a managed reverse zone", "[hosts]") {
    HostsPlugin p;
    ZoneInfo reverse;
    reverse.name = "2.0.192.in-addr.arpa";
    reverse.source = "rest";
    reverse.zoneText = "$ORIGIN 2.0.192.in-addr.arpa.\n2.0.192.in-addr.arpa. 300 IN SOA ns1.example. h.example. 1 2 3 4 5\n"
                       "2.0.192.in-addr.arpa. 300 IN NS ns1.example.\n";
    p.host.putZone(reverse);
    REQUIRE(p.send("POST", "/api/v1/hosts", R"({"hostname":"web2","ip":"192.0.2.20"})").status == 201);
    CHECK(contains(p.lastText("2.0.192.in-addr.arpa"), "20.2.0.192.in-addr.arpa. 300 IN PTR web2.hosts.example."));
}

TEST_CASE("hosts in-process: bad input is refused and a failing store answers 503 or 409, changing nothing", "[hosts]") {
    HostsPlugin p;
    CHECK(p.send("POST", "/api/v1/hosts", "not json").status == 400);
    CHECK(p.send("POST", "/api/v1/hosts", R"({"hostname":"web1","ip":"300.1.1.1"})").status == 400);
    CHECK(p.send("POST", "/api/v1/hosts", R"({"hostname":"bad name","ip":"192.0.2.1"})").status == 400);
    CHECK(p.send("POST", "/api/v1/hosts", R"({"hostname":"web1","ip":"192.0.2.1","ttl":"300"})").status == 400);

    p.host.failNext(HostCall::ReadZone, DADNS_ERR_RETRYABLE, "store busy");
    auto busy = p.send("POST", "/api/v1/hosts", R"({"hostname":"web1","ip":"192.0.2.1"})");
    CHECK(busy.status == 503);
    CHECK(busy.header("Retry-After") == "1");
    p.host.failNext(HostCall::SubmitChange, DADNS_ERR_PERMANENT, "hosts.example belongs to rest");
    auto refused = p.send("POST", "/api/v1/hosts", R"({"hostname":"web1","ip":"192.0.2.1"})");
    CHECK(refused.status == 409);
    CHECK(contains(refused.body, "belongs to rest"));
    CHECK(p.host.zone("hosts.example")->version == 1); // only the zone start created
}
