// Host registration end to end: the hosts plugin, the bind backend and a real named. Hosts
// registered over the API and read from a watched hosts file answer by dig; IP changes, deletes,
// PTRs in a managed reverse zone, sync status, serials, and hostile input.
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <ctime>
#include <sstream>

using namespace dadns::test;

namespace {

Poco::JSON::Object::Ptr json(const std::string& body) { return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>(); }

std::string today() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y%m%d", &utc);
    return buf;
}

uint64_t serialOf(const NamedServer& named, const std::string& zone) {
    auto soa = named.query(zone, "SOA");
    if (soa.empty()) return 0;
    std::istringstream words(soa[0]);
    std::string mname, rname, serial;
    words >> mname >> rname >> serial;
    return std::stoull(serial);
}

std::string hostJson(const std::string& name, const std::string& ip) { return "{\"hostname\":\"" + name + "\",\"ip\":\"" + ip + "\"}"; }

} // namespace

TEST_CASE("hosts registered over the API and from a hosts file answer by dig", "[hosts]") {
    NamedServer named;
    named.start();
    TempDir files("dadns-hosts");
    std::string hostsFile = files.file("hosts");
    Daemon d(baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: " + named.dir() + "/zones\n      named_conf: " + named.includeFile() +
                        "\n      rndc_command: \"" + named.rndcCommand() + "\"\n      reload_batch_ms: 50\n"
                        "ingestion:\n  hosts:\n    default_zone: managed.example\n    nameservers: [ns1.example.net]\n"
                        "    auto_ptr: true\n    hosts_file: " + hostsFile + "\n    hosts_file_interval: 100ms\n"));
    d.start();

    // The zone exists from the start with an SOA and NS, serial YYYYMMDDnn.
    REQUIRE(eventually([&] { return serialOf(named, "managed.example") != 0; }));
    uint64_t serial = serialOf(named, "managed.example");
    CHECK(serial / 100 == std::stoull(today()));
    CHECK(named.query("managed.example", "NS") == std::vector<std::string>{"ns1.example.net."});

    // The operator creates the reverse zone for the hosts plugin (zones.ownership: the plugin
    // changes only zones it owns).
    REQUIRE(d.call("PUT", "/api/v1/zones/2.0.192.in-addr.arpa?owner=hosts",
                   "$TTL 300\n@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 86400 300\n@ IN NS ns1.example.net.\n")
                .status == 201);

    auto created = d.call("POST", "/api/v1/hosts", hostJson("web1", "192.0.2.10"), "application/json");
    REQUIRE(created.status == 201);
    CHECK(json(created.body)->getValue<std::string>("fqdn") == "web1.managed.example.");
    CHECK(eventually([&] { return named.query("web1.managed.example", "A") == std::vector<std::string>{"192.0.2.10"}; }));
    CHECK(eventually([&] { return named.query("10.2.0.192.in-addr.arpa", "PTR") == std::vector<std::string>{"web1.managed.example."}; }));
    CHECK(serialOf(named, "managed.example") > serial);

    SECTION("an IP change replaces the record and moves the PTR; IPv6 adds an AAAA") {
        REQUIRE(d.call("POST", "/api/v1/hosts", hostJson("web1", "192.0.2.11"), "application/json").status == 200);
        CHECK(eventually([&] { return named.query("web1.managed.example", "A") == std::vector<std::string>{"192.0.2.11"}; }));
        CHECK(eventually([&] { return named.query("10.2.0.192.in-addr.arpa", "PTR").empty(); }));
        CHECK(eventually([&] { return named.query("11.2.0.192.in-addr.arpa", "PTR") == std::vector<std::string>{"web1.managed.example."}; }));
        REQUIRE(d.call("POST", "/api/v1/hosts", "{\"hostname\":\"web1\",\"ip\":\"2001:db8::11\",\"ttl\":60}", "application/json").status == 200);
        CHECK(eventually([&] { return named.query("web1.managed.example", "AAAA") == std::vector<std::string>{"2001:db8::11"}; }));
        CHECK(named.query("web1.managed.example", "A") == std::vector<std::string>{"192.0.2.11"});
    }

    SECTION("the list shows each host synced once every backend applied it; delete removes it") {
        CHECK(eventually([&] {
            auto hosts = json(d.get("/api/v1/hosts").body)->getArray("hosts");
            return hosts->size() == 1 && hosts->getObject(0)->getValue<std::string>("status") == "synced";
        }));
        auto host = json(d.get("/api/v1/hosts").body)->getArray("hosts")->getObject(0);
        CHECK(host->getValue<std::string>("hostname") == "web1");
        CHECK(host->getArray("ips")->getElement<std::string>(0) == "192.0.2.10");
        CHECK(host->getValue<std::string>("last_sync").size() == 20);
        CHECK(json(d.get("/api/v1/hosts/web1").body)->getArray("hosts")->size() == 1);
        CHECK(d.get("/api/v1/hosts/nobody").status == 404);

        auto deleted = d.call("DELETE", "/api/v1/hosts/web1");
        CHECK(deleted.status == 200);
        CHECK(eventually([&] { return named.query("web1.managed.example", "A").empty(); }));
        CHECK(eventually([&] { return named.query("10.2.0.192.in-addr.arpa", "PTR").empty(); }));
        CHECK(d.call("DELETE", "/api/v1/hosts/web1").status == 404);
        CHECK(json(d.get("/api/v1/hosts").body)->getArray("hosts")->size() == 0);
    }

    SECTION("hosts file entries are added, changed and removed as the file is edited") {
        writeFile(hostsFile, "127.0.0.1 localhost\n192.0.2.30 build build-alias\n");
        CHECK(eventually([&] { return named.query("build.managed.example", "A") == std::vector<std::string>{"192.0.2.30"}; }));
        CHECK(named.query("build-alias.managed.example", "A") == std::vector<std::string>{"192.0.2.30"});
        CHECK(named.query("localhost.managed.example", "A").empty());
        writeFile(hostsFile, "192.0.2.31 build\n");
        CHECK(eventually([&] { return named.query("build.managed.example", "A") == std::vector<std::string>{"192.0.2.31"}; }));
        CHECK(eventually([&] { return named.query("build-alias.managed.example", "A").empty(); }));
        CHECK(eventually([&] { return named.query("31.2.0.192.in-addr.arpa", "PTR") == std::vector<std::string>{"build.managed.example."}; }));
        writeFile(hostsFile, "# nothing\n");
        CHECK(eventually([&] { return named.query("build.managed.example", "A").empty(); }));
        // The API's host is not the file's: it stays.
        CHECK(named.query("web1.managed.example", "A") == std::vector<std::string>{"192.0.2.10"});
    }

    SECTION("zones another source owns are not the plugin's to change") {
        // The operator takes the managed zone: registrations are refused (409) and change nothing.
        REQUIRE(d.call("POST", "/api/v1/zones/managed.example/records?owner=rest", "{\"name\":\"op\",\"type\":\"A\",\"data\":\"192.0.2.77\"}",
                       "application/json").status == 200);
        auto version = json(d.get("/api/v1/zones/managed.example").body)->getValue<int>("version");
        auto refused = d.call("POST", "/api/v1/hosts", hostJson("web9", "192.0.2.19"), "application/json");
        CHECK(refused.status == 409);
        CHECK(json(refused.body)->getValue<std::string>("error").find("belongs to rest") != std::string::npos);
        CHECK(d.call("DELETE", "/api/v1/hosts/web1").status == 409);
        CHECK(json(d.get("/api/v1/zones/managed.example").body)->getValue<int>("version") == version);
        CHECK(named.query("10.2.0.192.in-addr.arpa", "PTR") == std::vector<std::string>{"web1.managed.example."});
        // Handed back, the plugin registers again.
        REQUIRE(d.call("POST", "/api/v1/zones/managed.example/records?owner=hosts", "{\"name\":\"op2\",\"type\":\"A\",\"data\":\"192.0.2.78\"}",
                       "application/json").status == 200);
        CHECK(d.call("POST", "/api/v1/hosts", hostJson("web9", "192.0.2.19"), "application/json").status == 201);
        // A reverse zone of the API's gets no PTR; the registration itself succeeds.
        REQUIRE(d.call("PUT", "/api/v1/zones/100.51.198.in-addr.arpa",
                       "$TTL 300\n@ IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 86400 300\n@ IN NS ns1.example.net.\n")
                    .status == 201);
        CHECK(d.call("POST", "/api/v1/hosts", hostJson("web8", "198.51.100.8"), "application/json").status == 201);
        CHECK(eventually([&] { return named.query("web8.managed.example", "A") == std::vector<std::string>{"198.51.100.8"}; }));
        CHECK(json(d.get("/api/v1/zones/100.51.198.in-addr.arpa").body)->getValue<int>("version") == 1);
        CHECK(d.log().find("no PTR change for 198.51.100.8") != std::string::npos);
    }

    SECTION("bad input is refused with the reason and the daemon serves on") {
        HttpRequest unauthenticated;
        unauthenticated.method = "POST";
        unauthenticated.path = "/api/v1/hosts";
        unauthenticated.body = hostJson("x", "192.0.2.1");
        unauthenticated.contentType = "application/json";
        auto anonymous = httpCall("127.0.0.1", d.port(), unauthenticated);
        CHECK(anonymous.status == 401);
        struct Case {
            std::string body, reason;
        };
        for (const auto& c : std::vector<Case>{{hostJson("../x", "192.0.2.1"), "labels must be 1 to 63"},
                                               {hostJson(std::string(64, 'a'), "192.0.2.1"), "1 to 63"},
                                               {"{\"hostname\":\"we\\u0000b\",\"ip\":\"192.0.2.1\"}", "letters, digits"},
                                               {hostJson("x'; DROP TABLE zones; --", "192.0.2.1"), "letters, digits"},
                                               {hostJson("ok", "192.0.2.300"), "IPv4 or IPv6"},
                                               {hostJson("ok", ""), "IPv4 or IPv6"},
                                               {"{\"hostname\":\"ok\",\"ip\":\"192.0.2.1\",\"ttl\":0}", "ttl must be"},
                                               {"{\"hostname\":\"ok\",\"ip\":\"192.0.2.1\",\"ttl\":\"abc\"}", "ttl must be an integer"},
                                               {"{\"hostname\":\"ok\",\"ip\":\"192.0.2.1\",\"ttl\":\"300\"}", "ttl must be an integer"},
                                               {"{\"hostname\":\"ok\",\"ip\":\"192.0.2.1\",\"ttl\":300.7}", "ttl must be an integer"},
                                               {"{\"hostname\":\"ok\",\"ip\":\"192.0.2.1\",\"ttl\":true}", "ttl must be an integer"},
                                               {"not json", "JSON object"},
                                               {"{\"hostname\":\"\\uZZZZ\",\"ip\":\"192.0.2.1\"}", "JSON object"},
                                               {"[1,2]", "JSON object"}}) {
            INFO(c.body);
            auto r = d.call("POST", "/api/v1/hosts", c.body, "application/json");
            CHECK(r.status == 400);
            CHECK(r.body.find(c.reason) != std::string::npos);
        }
        CHECK(d.call("DELETE", "/api/v1/hosts/..%2Fx").status == 400);
        REQUIRE(d.call("PUT", "/api/v1/zones/managed.example?owner=hosts", // pushed for its owner, the plugin
                       "$TTL 300\n@ IN SOA ns1.example.net. h.example.net. " + today() + "90 3600 600 86400 300\n@ IN NS ns1.example.net.\n"
                       "alias IN CNAME web1\nweb1 IN A 192.0.2.10\n").status == 200);
        CHECK(d.call("POST", "/api/v1/hosts", hostJson("alias", "192.0.2.5"), "application/json").status == 409);
        CHECK(d.get("/health").status == 200);
        CHECK(d.call("POST", "/api/v1/hosts", hostJson("after", "192.0.2.40"), "application/json").status == 201);
        CHECK(eventually([&] { return named.query("after.managed.example", "A") == std::vector<std::string>{"192.0.2.40"}; }));
        CHECK(serialOf(named, "managed.example") == std::stoull(today() + "91")); // the pushed serial moved on by one
    }
}
