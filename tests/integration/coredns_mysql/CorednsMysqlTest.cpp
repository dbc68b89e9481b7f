// The coredns_mysql backend against a real MariaDB: rows exactly as the CoreDNS mysql plugin
// reads them, diffs, hostile content, restarts during a burst, several instances, errors, and
// the rows read back (served records) for content verification and drift repair.
#include "support/MariaDbServer.hpp"
#include "support/TestSupport.hpp"

#include "core/zone/ZoneParser.hpp"

#include <dadns/sdk/testing.hpp>

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <map>
#include <set>

using namespace dadns::test;

namespace {

Poco::JSON::Object::Ptr json(const std::string& body) { return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>(); }

std::string instanceYaml(const std::string& instance, const MariaDbServer& db, const std::string& database, const std::string& user,
                         const std::string& password, const std::string& extra = "") {
    return "    " + instance + ":\n      type: coredns_mysql\n      host: 127.0.0.1\n      port: " + std::to_string(db.port()) +
           "\n      database: " + database + "\n      username: " + user + "\n      password: '" + password + "'\n" +
           "      connect_timeout: 2\n      timeout: 3\n" + extra;
}

std::string daemonConfig(const std::string& instances, const std::string& dispatchExtra = "") {
    return baseConfig("dns:\n  backends:\n" + instances +
                      "dispatch:\n  retry_backoff: 200ms\n  retry_backoff_max: 1s\n  max_attempts: 1000\n  breaker_failures: 1000\n" +
                      dispatchExtra);
}

std::string zoneText(const std::string& zone, const std::string& wwwIp) {
    return "$TTL 300\n"
           "@ IN SOA ns1." + zone + ". hostmaster." + zone + ". 2024010101 3600 600 86400 120\n"
           "@ IN NS ns1." + zone + ".\n"
           "ns1 IN A 192.0.2.53\n"
           "www 60 IN A " + wwwIp + "\n"
           "www IN AAAA 2001:db8::10\n"
           "@ IN MX 10 mail." + zone + ".\n"
           "mail IN A 192.0.2.25\n"
           "@ IN TXT \"v=spf1 a mx -all\" \" second\"\n"
           "_sip._tcp IN SRV 10 5 5060 sip." + zone + ".\n"
           "@ IN CAA 0 issue \"letsencrypt.org\"\n"
           "ftp IN CNAME www\n"
           "* IN A 192.0.2.99\n"
           "*.dev IN TXT \"wild dev\"\n";
}

// Rows of a zone: (name, type) -> contents, and their TTLs.
struct Rows {
    std::multimap<std::pair<std::string, std::string>, Poco::JSON::Object::Ptr> content;
    std::map<std::pair<std::string, std::string>, std::string> ttl;
    size_t size() const { return content.size(); }
};

Rows rowsOf(const MariaDbServer& db, const std::string& database, const std::string& zone) {
    Rows out;
    for (auto& r : db.query("SELECT name, record_type, ttl, content FROM coredns_records WHERE zone = '" + zone + ".'", database)) {
        out.content.emplace(std::make_pair(r[0], r[1]), json(r[3]));
        out.ttl[{r[0], r[1]}] = r[2];
    }
    return out;
}

Poco::JSON::Object::Ptr only(const Rows& rows, const std::string& name, const std::string& type) {
    auto range = rows.content.equal_range({name, type});
    REQUIRE(std::distance(range.first, range.second) == 1);
    return range.first->second;
}


size_t zoneRows(const MariaDbServer& db, const std::string& database, const std::string& zone) {
    return std::stoul(db.query("SELECT COUNT(*) FROM coredns_records WHERE zone = '" + zone + ".'", database).at(0).at(0));
}

} // namespace

TEST_CASE("coredns_mysql writes the rows the CoreDNS mysql plugin serves", "[coredns_mysql]") {
    MariaDbServer db;
    db.start();
    db.createDatabase("coredns", "coredns", "p'w\"=x -- #"); // SQL and connection-string metacharacters
    Daemon d(daemonConfig(instanceYaml("coredns_dc1", db, "coredns", "coredns", "p''w\"=x -- #")));
    d.start();

    std::string zone = "example.org";
    auto r = d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", zoneText(zone, "192.0.2.10") + "4 IN PTR host.example.org.\n");
    REQUIRE(r.status == 200);
    auto backend = json(r.body)->getArray("backends")->getObject(0);
    CHECK(backend->getValue<std::string>("warning") == "1 record(s) of type PTR skipped: the CoreDNS mysql plugin cannot serve them");

    Rows rows = rowsOf(db, "coredns", zone);
    REQUIRE(rows.size() == 13); // 14 records, the PTR skipped

    SECTION("each type's JSON has the plugin's keys and values") {
        auto soa = only(rows, "", "SOA");
        CHECK(soa->getValue<std::string>("ns") == "ns1.example.org.");
        CHECK(soa->getValue<std::string>("MBox") == "hostmaster.example.org.");
        CHECK(soa->getValue<int>("refresh") == 3600);
        CHECK(soa->getValue<int>("retry") == 600);
        CHECK(soa->getValue<int>("expire") == 86400);
        CHECK(soa->getValue<int>("minttl") == 120);
        CHECK(soa->getValue<Poco::Int64>("serial") == 2024010101); // kept beside the plugin's keys, which it ignores
        CHECK(soa->size() == 7);
        CHECK(only(rows, "", "NS")->getValue<std::string>("host") == "ns1.example.org.");
        CHECK(only(rows, "www", "A")->getValue<std::string>("ip") == "192.0.2.10");
        CHECK(rows.ttl[{"www", "A"}] == "60");
        CHECK(rows.ttl[{"ns1", "A"}] == "300");
        CHECK(only(rows, "www", "AAAA")->getValue<std::string>("ip") == "2001:db8::10");
        auto mx = only(rows, "", "MX");
        CHECK(mx->getValue<std::string>("host") == "mail.example.org.");
        CHECK(mx->getValue<int>("preference") == 10);
        CHECK(only(rows, "", "TXT")->getValue<std::string>("text") == "v=spf1 a mx -all second");
        auto srv = only(rows, "_sip._tcp", "SRV");
        CHECK(srv->getValue<int>("priority") == 10);
        CHECK(srv->getValue<int>("weight") == 5);
        CHECK(srv->getValue<int>("port") == 5060);
        CHECK(srv->getValue<std::string>("target") == "sip.example.org.");
        auto caa = only(rows, "", "CAA");
        CHECK(caa->getValue<int>("flag") == 0);
        CHECK(caa->getValue<std::string>("tag") == "issue");
        CHECK(caa->getValue<std::string>("value") == "letsencrypt.org");
        CHECK(only(rows, "ftp", "CNAME")->getValue<std::string>("host") == "www.example.org.");
        CHECK(only(rows, "*", "A")->getValue<std::string>("ip") == "192.0.2.99");
        CHECK(only(rows, "*.dev", "TXT")->getValue<std::string>("text") == "wild dev");
        for (const auto& row : db.query("SELECT DISTINCT zone FROM coredns_records", "coredns")) CHECK(row.at(0) == "example.org.");
    }

    SECTION("the plugin's lookup query finds the apex, subdomain and wildcard rows") {
        auto lookup = [&](const std::string& name) {
            std::set<std::string> types;
            for (auto& row : db.query("SELECT name, zone, ttl, record_type, content FROM coredns_records WHERE zone = 'example.org.'"
                                      " AND name = '" + name + "' AND record_type IN ('A','AAAA','CNAME','SOA','NS','MX','TXT','SRV','CAA')",
                                      "coredns"))
                types.insert(row.at(3));
            return types;
        };
        CHECK(lookup("") == std::set<std::string>{"SOA", "NS", "MX", "TXT", "CAA"});
        CHECK(lookup("www") == std::set<std::string>{"A", "AAAA"});
        CHECK(lookup("*") == std::set<std::string>{"A"});
        CHECK(lookup("*.dev") == std::set<std::string>{"TXT"});
        CHECK(lookup("@").empty());
        CHECK(db.query("SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = 'coredns' AND table_name ="
                       " 'coredns_records' AND column_name IN ('zone', 'name', 'record_type') AND index_name <> 'PRIMARY'")
                  .at(0)
                  .at(0) == "3");
    }

    SECTION("the zone state carries the skipped types and the verified count") {
        auto state = json(d.get("/api/v1/zones/" + zone).body)->getArray("backends")->getObject(0);
        CHECK(state->getValue<std::string>("warning").find("PTR") != std::string::npos);
        CHECK(state->getValue<int>("verified_count") == 13);
        CHECK(state->getValue<std::string>("last_error").empty());
    }

    SECTION("quotes, backslashes and SQL metacharacters are stored literally") {
        std::string hostile = "$TTL 300\n@ IN SOA ns1.hostile.example. h.hostile.example. 1 3600 600 86400 300\n"
                              "@ IN NS ns1.hostile.example.\n"
                              "@ IN TXT \"it's \\\"quoted\\\" \\\\ back'; DROP TABLE coredns_records; --\"\n"
                              "x-1_y IN TXT \"%_ LIKE ` \\\\0 ) OR 1=1 #\"\n"
                              "@ IN CAA 0 iodef \"mailto:sec'urity@hostile.example\"\n";
        REQUIRE(d.call("PUT", "/api/v1/zones/hostile.example?wait=10", hostile).status == 200);
        Rows h = rowsOf(db, "coredns", "hostile.example");
        CHECK(h.size() == 5);
        CHECK(only(h, "", "TXT")->getValue<std::string>("text") == "it's \"quoted\" \\ back'; DROP TABLE coredns_records; --");
        CHECK(only(h, "x-1_y", "TXT")->getValue<std::string>("text") == "%_ LIKE ` \\0 ) OR 1=1 #");
        CHECK(only(h, "", "CAA")->getValue<std::string>("value") == "mailto:sec'urity@hostile.example");
        CHECK(zoneRows(db, "coredns", zone) == 13);
    }

    SECTION("a one-record change rewrites one row; stray rows are removed; delete removes the zone") {
        db.exec("INSERT INTO coredns_records (zone, name, ttl, content, record_type) VALUES ('example.org.', 'stray', 300,"
                " '{\"ip\":\"203.0.113.1\"}', 'A')", "coredns");
        auto idsBefore = db.query("SELECT id FROM coredns_records WHERE zone = 'example.org.' AND name <> 'www' AND name <> 'stray' ORDER BY id", "coredns");
        double before = d.metricSum("dadns_coredns_mysql_rows_total{");
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", zoneText(zone, "192.0.2.11") + "4 IN PTR host.example.org.\n").status == 200);
        CHECK(d.metricSum("dadns_coredns_mysql_rows_total{") - before == 3); // the old www A out, the new one in, the stray row out
        Rows after = rowsOf(db, "coredns", zone);
        CHECK(after.size() == 13);
        CHECK(only(after, "www", "A")->getValue<std::string>("ip") == "192.0.2.11");
        CHECK(after.content.count({"stray", "A"}) == 0);
        CHECK(db.query("SELECT id FROM coredns_records WHERE zone = 'example.org.' AND name <> 'www' ORDER BY id", "coredns") == idsBefore);

        before = d.metricSum("dadns_coredns_mysql_rows_total{");
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", zoneText(zone, "192.0.2.11") + "4 IN PTR host.example.org.\n").status == 200);
        CHECK(d.metricSum("dadns_coredns_mysql_rows_total{") == before); // the same records again: nothing written

        REQUIRE(d.call("DELETE", "/api/v1/zones/" + zone + "?wait=10").status == 200);
        CHECK(zoneRows(db, "coredns", zone) == 0);
    }
}

TEST_CASE("a one-record change to a 1,000-record zone touches two rows", "[coredns_mysql]") {
    MariaDbServer db;
    db.start();
    db.createDatabase("coredns", "coredns", "secret");
    Daemon d(daemonConfig(instanceYaml("coredns_dc1", db, "coredns", "coredns", "secret")));
    d.start();
    auto big = [](int changed) {
        std::string text = "$TTL 300\n@ IN SOA ns1.big.example. h.big.example. 1 3600 600 86400 300\n@ IN NS ns1.big.example.\n";
        for (int i = 0; i < 998; ++i)
            text += "h" + std::to_string(i) + " IN A 10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + (i == 500 ? changed : 0)) + "\n";
        return text;
    };
    REQUIRE(d.call("PUT", "/api/v1/zones/big.example?wait=20", big(0)).status == 200);
    REQUIRE(zoneRows(db, "coredns", "big.example") == 1000);
    double before = d.metricSum("dadns_coredns_mysql_rows_total{");
    REQUIRE(d.call("PUT", "/api/v1/zones/big.example?wait=20", big(3)).status == 200);
    CHECK(d.metricSum("dadns_coredns_mysql_rows_total{") - before == 2);
    CHECK(db.query("SELECT content FROM coredns_records WHERE zone = 'big.example.' AND name = 'h500'", "coredns").at(0).at(0) ==
          "{\"ip\":\"10.0.2.3\"}");
}

TEST_CASE("MariaDB restarted during a 1,000-zone burst: nothing is lost", "[coredns_mysql]") {
    MariaDbServer db;
    db.start();
    db.createDatabase("coredns", "coredns", "secret");
    Daemon d(daemonConfig(instanceYaml("coredns_dc1", db, "coredns", "coredns", "secret")));
    d.start();
    for (int i = 0; i < 1000; ++i) {
        std::string zone = "burst" + std::to_string(i) + ".example";
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone, zoneText(zone, "192.0.2." + std::to_string(i % 250))).status == 201);
        if (i == 300) db.stop();
        if (i == 700) db.start();
    }
    CHECK(eventually([&] {
        return db.query("SELECT COUNT(DISTINCT zone), COUNT(*) FROM coredns_records", "coredns").at(0) ==
               std::vector<std::string>{"1000", "13000"};
    }, std::chrono::seconds(120), std::chrono::milliseconds(500)));
    CHECK(eventually([&] {
        auto lane = json(d.get("/api/v1/backends").body)->getArray("backends")->getObject(0);
        return lane->getValue<int>("queued") == 0 && lane->getValue<bool>("up");
    }, std::chrono::seconds(60)));
    CHECK(only(rowsOf(db, "coredns", "burst777.example"), "www", "A")->getValue<std::string>("ip") == "192.0.2.27");
    CHECK(d.log().find("coredns_dc1") != std::string::npos);
}

TEST_CASE("two instances write two databases in parallel", "[coredns_mysql]") {
    MariaDbServer db;
    db.start();
    db.createDatabase("dns_dc1", "dc1", "one");
    db.createDatabase("dns_dc2", "dc2", "two");
    Daemon d(daemonConfig(instanceYaml("coredns_dc1", db, "dns_dc1", "dc1", "one") +
                          instanceYaml("coredns_dc2", db, "dns_dc2", "dc2", "two", "      table_prefix: dns_\n")));
    d.start();
    for (int i = 0; i < 50; ++i) {
        std::string zone = "pair" + std::to_string(i) + ".example";
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone, zoneText(zone, "192.0.2.1")).status == 201);
    }
    REQUIRE(d.call("PUT", "/api/v1/zones/pair0.example?wait=20", zoneText("pair0.example", "192.0.2.2")).status == 200);
    CHECK(eventually([&] {
        return db.query("SELECT COUNT(*) FROM coredns_records", "dns_dc1").at(0).at(0) == "650" &&
               db.query("SELECT COUNT(*) FROM dns_records", "dns_dc2").at(0).at(0) == "650";
    }, std::chrono::seconds(60)));
    CHECK(db.query("SELECT content FROM dns_records WHERE zone = 'pair0.example.' AND name = 'www' AND record_type = 'A'", "dns_dc2") ==
          db.query("SELECT content FROM coredns_records WHERE zone = 'pair0.example.' AND name = 'www' AND record_type = 'A'", "dns_dc1"));
    auto lanes = json(d.get("/api/v1/backends").body)->getArray("backends");
    CHECK(lanes->size() == 2);
}

TEST_CASE("bad credentials, a missing database or table are permanent errors that say so", "[coredns_mysql]") {
    MariaDbServer db;
    db.start();
    db.createDatabase("coredns", "coredns", "secret");
    db.createDatabase("notable", "notable", "secret");
    Daemon d(daemonConfig(instanceYaml("wrong_password", db, "coredns", "coredns", "nope") +
                          instanceYaml("missing_db", db, "nosuchdb", "coredns", "secret") +
                          instanceYaml("missing_table", db, "notable", "notable", "secret", "      create_table: false\n") +
                          instanceYaml("good", db, "coredns", "coredns", "secret")));
    d.start();
    auto r = d.call("PUT", "/api/v1/zones/errors.example?wait=20", zoneText("errors.example", "192.0.2.1"));
    CHECK(r.status == 207);
    std::map<std::string, Poco::JSON::Object::Ptr> byName;
    auto arr = json(r.body)->getArray("backends");
    for (size_t i = 0; i < arr->size(); ++i) byName[arr->getObject(i)->getValue<std::string>("backend")] = arr->getObject(i);
    REQUIRE(byName.size() == 4);
    CHECK(byName["good"]->getValue<std::string>("status") == "applied");
    CHECK(byName["wrong_password"]->getValue<std::string>("status") == "dead");
    CHECK(byName["wrong_password"]->getValue<std::string>("error").find("Access denied") != std::string::npos);
    CHECK(byName["missing_db"]->getValue<std::string>("status") == "dead");
    INFO(byName["missing_db"]->getValue<std::string>("error"));
    CHECK(byName["missing_db"]->getValue<std::string>("error").find("to database 'nosuchdb'") != std::string::npos); // MariaDB does not say whether it exists
    CHECK(byName["missing_table"]->getValue<std::string>("status") == "dead");
    CHECK(byName["missing_table"]->getValue<std::string>("error").find("coredns_records") != std::string::npos);
    CHECK(zoneRows(db, "coredns", "errors.example") == 13);
    CHECK(d.get("/health").status == 200);
}

TEST_CASE("a MariaDB that stops answering fails the apply after the timeout; it converges when it answers", "[coredns_mysql]") {
    MariaDbServer db;
    db.start();
    db.createDatabase("coredns", "coredns", "secret");
    Daemon d(daemonConfig(instanceYaml("coredns_dc1", db, "coredns", "coredns", "secret")));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/hung.example?wait=10", zoneText("hung.example", "192.0.2.1")).status == 200);
    db.pause();
    auto r = d.call("PUT", "/api/v1/zones/hung.example?wait=8", zoneText("hung.example", "192.0.2.2"));
    db.resume();
    CHECK(r.status == 202); // still retrying at the deadline
    auto backend = json(r.body)->getArray("backends")->getObject(0);
    CHECK(backend->getValue<std::string>("status") == "retrying");
    // The first attempt loses its connection (2006/2013); a retry's connection attempt may time
    // out in the handshake instead.
    CHECK_THAT(backend->getValue<std::string>("error"), Catch::Contains("MySQL error 20") || Catch::Contains("Lost connection"));
    CHECK(eventually([&] {
        auto rows = db.query("SELECT content FROM coredns_records WHERE zone = 'hung.example.' AND name = 'www' AND record_type = 'A'", "coredns");
        return rows.size() == 1 && rows[0].at(0) == "{\"ip\":\"192.0.2.2\"}";
    }, std::chrono::seconds(30)));
}

namespace {

std::string sortedLines(const std::vector<dadns::sdk::Record>& records) {
    std::vector<std::string> lines;
    for (const auto& r : records) {
        std::string line = r.owner + " " + std::to_string(r.ttl) + " " + std::to_string(r.rrClass) + " " + r.type;
        for (const auto& f : r.rdata) line += " " + f;
        lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

} // namespace

TEST_CASE("the rows read back are the records applied, spelled as the zone parser spells them; none once removed", "[coredns_mysql]") {
    MariaDbServer db;
    db.start();
    db.createDatabase("coredns", "coredns", "secret");
    dadns::sdk::testing::FakeHost host;
    dadns::sdk::testing::PluginLibrary plugin{host, pluginDir() + "/coredns_mysql.so"};
    auto backend = plugin.createBackend("coredns_dc1", R"({"host":"127.0.0.1","port":)" + std::to_string(db.port()) +
                                                           R"(,"database":"coredns","username":"coredns","password":"secret"})");
    REQUIRE(backend.reportsServedRecords());
    CHECK_FALSE(backend.servedRecords("example.org"));

    std::string text = zoneText("example.org", "192.0.2.10") + "4 IN PTR host.example.org.\n"
                       "long IN TXT \"" + std::string(255, 'a') + "\" \"" + std::string(100, 'b') + "\"\n"
                       "dkim IN TXT \"v=DKIM1; k=rsa; p=MIIB\" \"IjANBgkq\"\n"
                       "esc IN TXT \"caf\xc3\xa9 \\\"q\\\" \\\\ \\007\"\n"
                       "@ IN CAA 0 iodef \"mailto:sec\\\"urity@example.org\"\n";
    dadns::sdk::Zone zone = dadns::parseZoneText(text, "example.org");
    auto applied = backend.apply(zone);
    std::vector<dadns::sdk::Record> desired;
    for (const auto& r : zone.records)
        if (r.type != "PTR") desired.push_back(r);
    REQUIRE(applied.expectedCount == static_cast<int64_t>(desired.size()));

    auto served = backend.servedRecords("example.org");
    REQUIRE(served);
    CHECK(sortedLines(*served) == sortedLines(desired));

    SECTION("a row changed behind dadns's back reads as changed; the next apply puts it back") {
        db.exec("UPDATE coredns_records SET content = '{\"ip\":\"203.0.113.66\"}' WHERE zone = 'example.org.' AND name = 'www' AND record_type = 'A'",
                "coredns");
        db.exec("UPDATE coredns_records SET content = '{\"text\":\"v=spf1 a mx -all sEcond\",\"lengths\":[16,7]}'"
                " WHERE zone = 'example.org.' AND name = '' AND record_type = 'TXT'", "coredns");
        auto changed = backend.servedRecords("example.org");
        REQUIRE(changed);
        CHECK(changed->size() == desired.size());
        std::string lines = sortedLines(*changed);
        CHECK(lines.find("www.example.org. 60 1 A 203.0.113.66\n") != std::string::npos);
        CHECK(lines.find("example.org. 300 1 TXT \"v=spf1 a mx -all\" \" sEcond\"\n") != std::string::npos);
        CHECK(lines != sortedLines(desired));
        backend.apply(zone);
        CHECK(sortedLines(*backend.servedRecords("example.org")) == sortedLines(desired));
    }

    SECTION("rows CoreDNS would not answer with are not reported") {
        db.exec("INSERT INTO coredns_records (zone, name, ttl, content, record_type) VALUES"
                " ('example.org.', 'p', 300, '{\"host\":\"h.example.org.\"}', 'PTR'), ('example.org.', 'bad', 300, 'not json', 'A')",
                "coredns");
        CHECK(sortedLines(*backend.servedRecords("example.org")) == sortedLines(desired));
    }

    SECTION("removed: not served") {
        backend.remove("example.org");
        CHECK_FALSE(backend.servedRecords("example.org"));
    }
}

TEST_CASE("a row changed behind dadns's back, the count unchanged, is found by a drift scan and written again", "[coredns_mysql]") {
    MariaDbServer db;
    db.start();
    db.createDatabase("coredns", "coredns", "secret");
    Daemon d(daemonConfig(instanceYaml("coredns_dc1", db, "coredns", "coredns", "secret"), "  drift_interval: 0\n"));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/drift.example?wait=10", zoneText("drift.example", "192.0.2.10")).status == 200);
    auto wwwA = [&] {
        return db.query("SELECT content FROM coredns_records WHERE zone = 'drift.example.' AND name = 'www' AND record_type = 'A'", "coredns");
    };
    REQUIRE(wwwA() == std::vector<std::vector<std::string>>{{"{\"ip\":\"192.0.2.10\"}"}});

    db.exec("UPDATE coredns_records SET content = '{\"ip\":\"203.0.113.66\"}' WHERE zone = 'drift.example.' AND name = 'www' AND record_type = 'A'",
            "coredns");
    REQUIRE(zoneRows(db, "coredns", "drift.example") == 13);

    auto scan = d.call("POST", "/api/v1/backends/coredns_dc1/drift");
    CHECK(scan.status == 200);
    CHECK(eventually([&] { return wwwA() == std::vector<std::vector<std::string>>{{"{\"ip\":\"192.0.2.10\"}"}}; }, std::chrono::seconds(30),
                     std::chrono::milliseconds(100)));
    CHECK(zoneRows(db, "coredns", "drift.example") == 13);
}
