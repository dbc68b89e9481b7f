// The powerdns plugin's model of a zone as rrsets, the PATCH it derives from fingerprints,
// and how its configuration becomes one target per server.
#include "PdnsRrsets.hpp"
#include "PdnsSettings.hpp"

#include <dadns/sdk/master_file.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace dadns::powerdns;
using dadns::sdk::Json;
using dadns::sdk::Record;
using dadns::sdk::Zone;

namespace {

Record rec(const std::string& owner, const std::string& type, uint32_t ttl, std::vector<std::string> rdata) {
    Record r;
    r.owner = owner;
    r.type = type;
    r.ttl = ttl;
    r.rdata = std::move(rdata);
    return r;
}

Zone zone(std::vector<Record> records) {
    Zone z;
    z.name = "example.com";
    z.version = 1;
    z.records = std::move(records);
    return z;
}

Zone baseZone(const std::string& wwwIp = "192.0.2.1") {
    return zone({rec("example.com.", "SOA", 3600, {"ns1.example.com.", "host.example.com.", "2024010101", "3600", "600", "86400", "300"}),
                 rec("example.com.", "NS", 3600, {"ns1.example.com."}),
                 rec("www.example.com.", "A", 300, {wwwIp}),
                 rec("www.example.com.", "A", 60, {"192.0.2.100"}),
                 rec("example.com.", "TXT", 300, {"\"v=spf1\"", "\"-all\""}),
                 rec("example.com.", "MX", 300, {"10", "mail.example.com."})});
}

// PowerDNS's GET answer for the base zone, as pdns_server 4.7 writes it.
const char* kPdnsAnswer = R"({"name": "example.com.", "kind": "Native", "rrsets": [
 {"comments": [], "name": "www.example.com.", "records": [{"content": "192.0.2.100", "disabled": false}, {"content": "192.0.2.1", "disabled": false}], "ttl": 60, "type": "A"},
 {"comments": [], "name": "example.com.", "records": [{"content": "\"v=spf1\" \"-all\"", "disabled": false}], "ttl": 300, "type": "TXT"},
 {"comments": [], "name": "Example.com.", "records": [{"content": "10 mail.example.com.", "disabled": false}], "ttl": 300, "type": "MX"},
 {"comments": [], "name": "example.com.", "records": [{"content": "ns1.example.com. host.example.com. 2024010101 3600 600 86400 300", "disabled": false}], "ttl": 3600, "type": "SOA"},
 {"comments": [], "name": "example.com.", "records": [{"content": "ns1.example.com.", "disabled": false}], "ttl": 3600, "type": "NS"},
 {"comments": [{"content": "a comment", "account": ""}], "name": "note.example.com.", "records": [], "ttl": 0, "type": "TXT"}]})";

} // namespace

TEST_CASE("records of one name and type form one rrset with the smallest TTL, duplicates collapse", "[powerdns]") {
    Zone z = baseZone();
    z.records.push_back(rec("www.example.com.", "A", 300, {"192.0.2.1"}));
    ZoneRrsets sets = desiredRrsets(z, {});
    REQUIRE(sets.sets.size() == 5);
    const Rrset& www = sets.sets.at("www.example.com. A");
    CHECK(www.ttl == 60);
    CHECK(www.contents == std::vector<std::string>{"192.0.2.1", "192.0.2.100"});
    CHECK(sets.sets.at("example.com. TXT").contents.at(0) == "\"v=spf1\" \"-all\"");
    CHECK(sets.recordCount() == 6);
}

TEST_CASE("configured nameservers become the apex NS only when the zone has none", "[powerdns]") {
    Zone with = baseZone();
    CHECK(desiredRrsets(with, {"a.ns.net.", "b.ns.net."}).sets.at("example.com. NS").contents == std::vector<std::string>{"ns1.example.com."});
    Zone without = baseZone();
    without.records.erase(without.records.begin() + 1);
    ZoneRrsets sets = desiredRrsets(without, {"b.ns.net.", "a.ns.net."});
    CHECK(sets.sets.at("example.com. NS").contents == std::vector<std::string>{"a.ns.net.", "b.ns.net."});
    CHECK(sets.sets.at("example.com. NS").ttl == 3600);
    CHECK(sets.recordCount() == 7);
}

TEST_CASE("what PowerDNS answers has the same fingerprint as the zone it was sent", "[powerdns]") {
    ZoneRrsets held = parseZone(kPdnsAnswer);
    CHECK(held.recordCount() == 6); // the comment-only rrset holds no record
    ZoneRrsets desired = desiredRrsets(baseZone(), {});
    size_t changed = 99;
    CHECK(patchBody(desired, fingerprint(desired, false), fingerprint(held, false), changed).empty());
    CHECK(changed == 0);
}

TEST_CASE("a change is one PATCH: gone rrsets deleted first, then new or different ones replaced", "[powerdns]") {
    ZoneRrsets before = desiredRrsets(baseZone(), {});
    Zone next = baseZone("192.0.2.7");
    next.records.erase(next.records.begin() + 5); // MX gone
    next.records.push_back(rec("ftp.example.com.", "CNAME", 300, {"www.example.com."}));
    ZoneRrsets after = desiredRrsets(next, {});
    size_t changed = 0;
    std::string body = patchBody(after, fingerprint(after, false), fingerprint(before, false), changed);
    CHECK(changed == 3);
    Json patch = Json::parse(body);
    const auto& sets = patch["rrsets"].items();
    REQUIRE(sets.size() == 3);
    CHECK(sets[0].getString("changetype") == "DELETE");
    CHECK(sets[0].getString("name") == "example.com.");
    CHECK(sets[0].getString("type") == "MX");
    CHECK_FALSE(sets[0].has("records"));
    for (size_t i = 1; i < 3; ++i) CHECK(sets[i].getString("changetype") == "REPLACE");
    std::string replaced = sets[1].getString("name") + " " + sets[1].getString("type") + ", " + sets[2].getString("name") + " " + sets[2].getString("type");
    CHECK(replaced == "ftp.example.com. CNAME, www.example.com. A");
    const auto& www = sets[2]["records"].items();
    REQUIRE(www.size() == 2);
    CHECK(www[0].getString("content") == "192.0.2.100");
    CHECK(www[1].getString("content") == "192.0.2.7");
    CHECK(sets[2].getInt("ttl", 0) == 60);
}

TEST_CASE("a TTL change alone replaces the rrset", "[powerdns]") {
    ZoneRrsets before = desiredRrsets(baseZone(), {});
    Zone next = baseZone();
    next.records[1].ttl = 7200;
    ZoneRrsets after = desiredRrsets(next, {});
    size_t changed = 0;
    CHECK_FALSE(patchBody(after, fingerprint(after, false), fingerprint(before, false), changed).empty());
    CHECK(changed == 1);
}

TEST_CASE("with soa_edit_api the SOA serial PowerDNS writes is not a difference", "[powerdns]") {
    ZoneRrsets desired = desiredRrsets(baseZone(), {});
    ZoneRrsets held = desiredRrsets(baseZone(), {});
    held.sets.at("example.com. SOA").contents = {"ns1.example.com. host.example.com. 2026112301 3600 600 86400 300"};
    size_t changed = 0;
    CHECK(patchBody(desired, fingerprint(desired, true), fingerprint(held, true), changed).empty());
    CHECK_FALSE(patchBody(desired, fingerprint(desired, false), fingerprint(held, false), changed).empty());
    held.sets.at("example.com. SOA").contents = {"ns2.example.com. host.example.com. 2026112301 3600 600 86400 300"};
    CHECK_FALSE(patchBody(desired, fingerprint(desired, true), fingerprint(held, true), changed).empty());
}

TEST_CASE("what PowerDNS holds reads back as the records it was sent", "[powerdns]") {
    std::vector<Record> served = toRecords(parseZone(kPdnsAnswer));
    std::vector<Record> sent = baseZone().records;
    // One rrset, one TTL: PowerDNS holds the smallest.
    for (auto& r : sent)
        if (r.owner == "www.example.com." && r.type == "A") r.ttl = 60;
    auto key = [](const Record& r) { return r.owner + " " + r.type + " " + std::to_string(r.ttl) + " " + r.rdata.at(0); };
    auto byKey = [&](const Record& a, const Record& b) { return key(a) < key(b); };
    std::sort(served.begin(), served.end(), byKey);
    std::sort(sent.begin(), sent.end(), byKey);
    CHECK(served == sent);
    for (const auto& r : served) CHECK(r.rrClass == 1);
}

TEST_CASE("content strings split into presentation fields; quoted strings stay whole", "[powerdns]") {
    using V = std::vector<std::string>;
    CHECK(dadns::sdk::presentationFields("192.0.2.1") == V{"192.0.2.1"});
    CHECK(dadns::sdk::presentationFields("10 mail.example.com.") == V{"10", "mail.example.com."});
    CHECK(dadns::sdk::presentationFields("ns1.example.com. host.example.com. 2024010101 3600 600 86400 300").size() == 7);
    CHECK(dadns::sdk::presentationFields("\"v=spf1 a\" \"-all\"") == V{"\"v=spf1 a\"", "\"-all\""});
    CHECK(dadns::sdk::presentationFields("\"it's \\\"quoted\\\" \\\\ x\" \"{\\\"k\\\": 1}\"") ==
          V{"\"it's \\\"quoted\\\" \\\\ x\"", "\"{\\\"k\\\": 1}\""});
    CHECK(dadns::sdk::presentationFields("0 issue \"letsencrypt.org; a=b\"") == V{"0", "issue", "\"letsencrypt.org; a=b\""});
    CHECK(dadns::sdk::presentationFields("a\\ b.example.com.") == V{"a\\ b.example.com."});
    CHECK(dadns::sdk::presentationFields("  10   mail.example.com. ") == V{"10", "mail.example.com."});
    CHECK(dadns::sdk::presentationFields("").empty());
}

TEST_CASE("disabled records are not served: left out of what is held, so the rrset is written again", "[powerdns]") {
    std::string answer = kPdnsAnswer;
    std::string enabled = R"({"content": "192.0.2.1", "disabled": false})";
    answer.replace(answer.find(enabled), enabled.size(), R"({"content": "192.0.2.1", "disabled": true})");
    ZoneRrsets held = parseZone(answer);
    CHECK(held.recordCount() == 5);
    CHECK(held.sets.at("www.example.com. A").contents == std::vector<std::string>{"192.0.2.100"});
    ZoneRrsets desired = desiredRrsets(baseZone(), {});
    size_t changed = 0;
    std::string body = patchBody(desired, fingerprint(desired, false), fingerprint(held, false), changed);
    CHECK(changed == 1);
    CHECK(Json::parse(body)["rrsets"].items().at(0).getString("name") == "www.example.com.");
}

TEST_CASE("with soa_edit_api the SOA reads back with the serial dadns sent while nothing else differs", "[powerdns]") {
    const std::string pushed = "ns1.example.com. host.example.com. 2024010101 3600 600 86400 300";
    ZoneRrsets held = parseZone(kPdnsAnswer);
    held.sets.at("example.com. SOA").contents = {"ns1.example.com. host.example.com. 2026112302 3600 600 86400 300"};
    keepPushedSerial(held, pushed);
    CHECK(held.sets.at("example.com. SOA").contents == std::vector<std::string>{pushed});
    held.sets.at("example.com. SOA").contents = {"ns1.example.com. host.example.com. 2026112302 3600 600 86400 60"};
    keepPushedSerial(held, pushed);
    CHECK(held.sets.at("example.com. SOA").contents.at(0).find(" 2026112302 ") != std::string::npos); // the minimum differs too
}

TEST_CASE("a new zone is created with every rrset in one POST body", "[powerdns]") {
    ZoneRrsets desired = desiredRrsets(baseZone(), {});
    Json body = Json::parse(createBody("example.com.", "Native", "", desired));
    CHECK(body.getString("name") == "example.com.");
    CHECK(body.getString("kind") == "Native");
    CHECK(body.getString("soa_edit_api").empty());
    CHECK(body["nameservers"].items().empty());
    CHECK(body["rrsets"].items().size() == 5);
    CHECK(parseZone(createBody("example.com.", "Native", "", desired)).recordCount() == 6);
}

TEST_CASE("every enabled server becomes a target, or only the first without multi_server", "[powerdns]") {
    std::string servers = R"("servers": [
        {"name": "ns1", "api_url": "http://127.0.0.1:8081/api/v1", "api_key": "k1"},
        {"name": "ns2", "api_url": "http://127.0.0.1:8082", "api_key": "k2", "enabled": false},
        {"name": "ns3", "api_url": "http://10.0.0.3:8081/pdns/api/v1/", "api_key": "k3", "server_id": "main"}])";
    auto targets = serverTargets("pdns", "{" + servers + R"(, "timeout": "2s", "nameservers": ["a.ns.net"]})");
    REQUIRE(targets.size() == 2);
    CHECK(targets[0].name == "ns1");
    CHECK(targets[1].name == "ns3");
    PdnsSettings s = readSettings("pdns.ns3", targets[1].configJson);
    CHECK(s.server.host == "10.0.0.3");
    CHECK(s.server.port == 8081);
    CHECK(s.server.basePath == "/pdns");
    CHECK(s.server.apiKey == "k3");
    CHECK(s.server.serverId == "main");
    CHECK(s.timeout == std::chrono::milliseconds(2000));
    CHECK(s.nameservers == std::vector<std::string>{"a.ns.net."});
    CHECK(readSettings("pdns.ns1", targets[0].configJson).server.basePath.empty());

    auto single = serverTargets("pdns", "{" + servers + R"(, "multi_server": false})");
    REQUIRE(single.size() == 1);
    CHECK(single[0].name == "ns1");

    auto legacy = serverTargets("pdns", R"({"api_url": "http://127.0.0.1:8053/api/v1", "api_key": "k", "retry_attempts": 1})");
    REQUIRE(legacy.size() == 1);
    CHECK(legacy[0].name == "default");
    CHECK(readSettings("pdns.default", legacy[0].configJson).retryAttempts == 1);
}

TEST_CASE("a server configuration that cannot work is refused with the reason", "[powerdns]") {
    auto refused = [](const std::string& json, const std::string& why) {
        INFO(json);
        try {
            serverTargets("pdns", json);
            FAIL("accepted");
        } catch (const dadns::sdk::PermanentError& e) {
            CHECK_THAT(e.what(), Catch::Contains(why));
        }
    };
    refused("{}", "pdns: servers: set 'servers'");
    refused(R"({"servers": []})", "servers: must be a non-empty list");
    refused(R"({"servers": [{"name": "a", "api_key": "k"}]})", "servers[0].api_url: is required");
    refused(R"({"servers": [{"name": "a", "api_url": "http://h:1"}]})", "servers[0].api_key: is required");
    refused(R"({"servers": [{"name": "A b", "api_url": "http://h:1", "api_key": "k"}]})", "servers[0].name: must use a-z");
    refused(R"({"servers": [{"name": "a", "api_url": "https://h:1", "api_key": "k"}]})", "servers[0].api_url: https");
    refused(R"({"servers": [{"name": "a", "api_url": "ftp://h", "api_key": "k"}]})", "http://host");
    refused(R"({"servers": [{"name": "a", "api_url": "http://h:1", "api_key": "k"}, {"name": "a", "api_url": "http://h:2", "api_key": "k"}]})",
            "two servers are named 'a'");
    refused(R"({"servers": [{"name": "a", "api_url": "http://h:1", "api_key": "k", "enabled": false}]})", "no enabled server");
    refused(R"({"servers": [{"name": "a", "api_url": "http://h:1", "api_key": "k", "server_id": "../x"}]})", "servers[0].server_id: must use");
    refused(R"({"servers": [{"name": "a", "api_url": "http://h:1", "api_key": "k", "api_ky": "x"}]})",
            "servers[0].api_ky: unknown setting (did you mean 'api_key'?)");
    refused(R"({"api_url": "http://h:1", "api_key": "k", "servers": [{"api_url": "http://h:1", "api_key": "k"}]})", "not both");
    std::string one = R"({"servers": [{"api_url": "http://h:1", "api_key": "k"}], )";
    CHECK_THROWS_WITH(readSettings("p", one + R"("zone_kind": "Slave"})"), Catch::Contains("p: zone_kind: must be one of Native, Master, Primary"));
    CHECK_THROWS_WITH(readSettings("p", one + R"("soa_edit_api": "SOMETIMES"})"), Catch::Contains("p: soa_edit_api: must be one of"));
    CHECK_THROWS_WITH(readSettings("p", one + R"("timeout": "forever"})"), Catch::Contains("p: timeout: must be a duration"));
    CHECK_THROWS_WITH(readSettings("p", one + R"("retry_attempts": 11})"), Catch::Contains("p: retry_attempts: must be between 0 and 10"));
    CHECK(readSettings("p", one + R"("zone_kind": "primary"})").zoneKind == "Master");
}
