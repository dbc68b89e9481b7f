// The bind backend end to end: zones pushed through the REST API, served by a real named.
#include "core/zone/ZoneParser.hpp"
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <dadns/sdk/master_file.hpp>
#include <dadns/sdk/testing.hpp>

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

using namespace dadns::test;

namespace {

Poco::JSON::Object::Ptr json(const std::string& body) { return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>(); }

std::string zoneText(const std::string& zone, int serial, const std::string& wwwIp) {
    return "$TTL 300\n"
           "@ IN SOA ns1." + zone + ". hostmaster." + zone + ". " + std::to_string(serial) + " 3600 600 86400 300\n"
           "@ IN NS ns1." + zone + ".\n"
           "ns1 IN A 192.0.2.53\n"
           "www 60 IN A " + wwwIp + "\n"
           "@ IN MX 10 mail." + zone + ".\n"
           "mail IN A 192.0.2.25\n"
           "@ IN TXT \"v=spf1 a mx -all\" \"second string\"\n"
           "_sip._tcp IN SRV 10 5 5060 sip." + zone + ".\n"
           "sip IN AAAA 2001:db8::5\n"
           "@ IN CAA 0 issue \"letsencrypt.org\"\n"
           "ftp IN CNAME www\n";
}

// The records dadns stored for a zone, as named should serve them.
std::set<std::string> desired(Daemon& d, const std::string& zone) {
    std::set<std::string> out;
    std::istringstream in(json(d.get("/api/v1/zones/" + zone).body)->getValue<std::string>("zone_text"));
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '$') out.insert(line);
    return out;
}

std::string bindConfig(const NamedServer& named, const std::string& zonesDir) {
    return baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: " + zonesDir + "\n      named_conf: " + named.includeFile() +
                      "\n      rndc_command: \"" + named.rndcCommand() + "\"\n      reload_batch_ms: 100\n"
                      "dispatch:\n  retry_backoff: 200ms\n  retry_backoff_max: 1s\n  max_attempts: 1000\n  breaker_failures: 1000\n");
}

} // namespace

TEST_CASE("named serves exactly the zones pushed through the API", "[bind]") {
    NamedServer named;
    named.start();
    Daemon d(bindConfig(named, named.dir() + "/zones"));
    d.start();

    for (const char* zone : {"alpha.example", "beta.example", "gamma.example"})
        REQUIRE(d.call("PUT", std::string("/api/v1/zones/") + zone + "?wait=10", zoneText(zone, 1, "192.0.2.10")).status == 200);
    for (const char* zone : {"alpha.example", "beta.example", "gamma.example"}) {
        INFO(zone);
        std::set<std::string> want = desired(d, zone);
        REQUIRE(want.size() == 11);
        CHECK(eventually([&] { return named.transfer(zone) == want; }));
    }

    SECTION("an update changes the answers") {
        REQUIRE(d.call("PUT", "/api/v1/zones/alpha.example?wait=10", zoneText("alpha.example", 2, "192.0.2.99")).status == 200);
        CHECK(eventually([&] { return named.query("www.alpha.example", "A") == std::vector<std::string>{"192.0.2.99"}; }));
        CHECK(named.transfer("alpha.example") == desired(d, "alpha.example"));
    }
    SECTION("a delete makes named stop answering for the zone") {
        REQUIRE(named.authoritative("beta.example"));
        REQUIRE(d.call("DELETE", "/api/v1/zones/beta.example?wait=10").status == 200);
        CHECK(eventually([&] { return !named.authoritative("beta.example"); }));
        CHECK(named.authoritative("alpha.example"));
        CHECK_FALSE(fileExists(named.dir() + "/zones/beta.example.db"));
    }
    SECTION("a zone named would reject never replaces the good one") {
        // Valid DNS, so the core stores it, but named wants an address for an in-zone server.
        std::string bad = zoneText("gamma.example", 3, "192.0.2.77") + "@ IN NS ns9.gamma.example.\n";
        auto r = d.call("PUT", "/api/v1/zones/gamma.example?wait=10", bad);
        CHECK(r.status == 502);
        auto backend = json(r.body)->getArray("backends")->getObject(0);
        CHECK(backend->getValue<std::string>("status") == "dead");
        CHECK(backend->getValue<std::string>("error").find("named would reject gamma.example") != std::string::npos);
        CHECK(named.query("www.gamma.example", "A") == std::vector<std::string>{"192.0.2.10"});
        CHECK(readFile(named.dir() + "/zones/gamma.example.db").find("192.0.2.77") == std::string::npos);
    }
}

TEST_CASE("named stopped during a burst: retries, then everything converges", "[bind]") {
    NamedServer named;
    named.start();
    Daemon d(bindConfig(named, named.dir() + "/zones"));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/first.example?wait=10", zoneText("first.example", 1, "192.0.2.1")).status == 200);
    named.stop();
    for (int i = 0; i < 20; ++i) {
        std::string zone = "burst" + std::to_string(i) + ".example";
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone, zoneText(zone, 1, "192.0.2.2")).status == 201);
    }
    // rndc cannot reach named: the backend reports it and the dispatcher retries.
    CHECK(eventually([&] { return d.log().find("rndc reconfig failed") != std::string::npos; }));
    named.start();
    CHECK(eventually([&] {
        for (int i = 0; i < 20; ++i)
            if (!named.authoritative("burst" + std::to_string(i) + ".example")) return false;
        return true;
    }, std::chrono::seconds(60)));
    CHECK(eventually([&] {
        auto lanes = json(d.get("/api/v1/backends").body)->getArray("backends");
        auto lane = lanes->getObject(0);
        return lane->getValue<int>("queued") == 0 && lane->getValue<bool>("up");
    }, std::chrono::seconds(60)));
    CHECK(named.query("www.burst7.example", "A") == std::vector<std::string>{"192.0.2.2"});
}

TEST_CASE("a 1,000-zone burst is served in full", "[bind]") {
    NamedServer named;
    named.start();
    Daemon d(bindConfig(named, named.dir() + "/zones"));
    d.start();
    int before = named.zoneCount();
    constexpr int kZones = 1000, kClients = 16;
    std::atomic<int> next{0}, failures{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
        clients.emplace_back([&] {
            for (int i = next++; i < kZones; i = next++) {
                std::string zone = "z" + std::to_string(i) + ".burst.example";
                HttpRequest req;
                req.method = "PUT";
                req.path = "/api/v1/zones/" + zone;
                req.body = zoneText(zone, 1, "192.0.2." + std::to_string(i % 250 + 1));
                req.basicAuth = std::make_pair(std::string(Daemon::user), std::string(Daemon::password));
                if (httpCall("127.0.0.1", d.port(), req).status != 201) ++failures;
            }
        });
    for (auto& t : clients) t.join();
    REQUIRE(failures == 0);
    CHECK(eventually([&] { return named.zoneCount() >= before + kZones; }, std::chrono::seconds(120), std::chrono::milliseconds(250)));
    std::mt19937 random(42);
    for (int k = 0; k < 50; ++k) {
        int i = static_cast<int>(random() % kZones);
        std::string zone = "z" + std::to_string(i) + ".burst.example";
        INFO(zone);
        // named counts a zone once configured and serves it once loaded: give loading its time.
        std::vector<std::string> expected{"192.0.2." + std::to_string(i % 250 + 1)};
        CHECK(eventually([&] { return named.query("www." + zone, "A") == expected; }, std::chrono::seconds(30), std::chrono::milliseconds(100)));
    }
    auto rndcRuns = d.log();
    INFO("daemon log tail: " << rndcRuns.substr(rndcRuns.size() > 2000 ? rndcRuns.size() - 2000 : 0));
    // A signal that failed under load is retried; status is "ok" once nothing is left to retry.
    CHECK(eventually([&] { return json(d.get("/api/v1/status").body)->getValue<std::string>("status") == "ok"; }));
}

TEST_CASE("a zone deleted and pushed again before named dropped it is served with its new content", "[bind]") {
    NamedServer named;
    named.start();
    std::string cfg = bindConfig(named, named.dir() + "/zones");
    cfg.replace(cfg.find("reload_batch_ms: 100"), 20, "reload_batch_ms: 1500"); // both changes fall into one batch window
    Daemon d(cfg);
    d.start();
    for (int round = 1; round <= 3; ++round) {
        std::string zone = "again" + std::to_string(round) + ".example";
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", zoneText(zone, 1, "192.0.2.10")).status == 200);
        REQUIRE(eventually([&] { return named.query("www." + zone, "A") == std::vector<std::string>{"192.0.2.10"}; }));
        REQUIRE(d.call("DELETE", "/api/v1/zones/" + zone + "?wait=10").status == 200);
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", zoneText(zone, 2, "192.0.2.77")).status == 200);
        INFO(zone);
        CHECK(eventually([&] { return named.query("www." + zone, "A") == std::vector<std::string>{"192.0.2.77"}; },
                         std::chrono::seconds(15)));
    }
}

TEST_CASE("temporary files a crash left behind are removed at start, zone files are kept", "[bind]") {
    TempDir dir("dadns-bind-leftovers");
    std::string zones = dir.file("zones");
    runCommand({"mkdir", "-p", zones});
    writeFile(zones + "/kept.example.db", zoneText("kept.example", 1, "192.0.2.1"));
    writeFile(zones + "/kept.example.db.tmp-123456789", "half a zone");
    writeFile(zones + "/other.example.db.tmp-42", "");
    writeFile(zones + "/.dadns-check-987.conf", "zone {}");
    writeFile(zones + "/notes.tmp-x", "not ours: the suffix is not a number");
    writeFile(dir.file("named.conf.include.tmp-77"), "");
    Daemon d(baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: " + zones + "\n      named_conf: " + dir.file("named.conf.include") +
                        "\n      rndc_command: \"\"\n      checkzone: false\n"));
    d.start();
    CHECK(fileExists(zones + "/kept.example.db"));
    CHECK_FALSE(fileExists(zones + "/kept.example.db.tmp-123456789"));
    CHECK_FALSE(fileExists(zones + "/other.example.db.tmp-42"));
    CHECK_FALSE(fileExists(zones + "/.dadns-check-987.conf"));
    CHECK_FALSE(fileExists(dir.file("named.conf.include.tmp-77")));
    CHECK(fileExists(zones + "/notes.tmp-x"));
    CHECK_THAT(d.log(), Catch::Contains("removed 4 temporary file(s)"));
}

namespace {

// A valid DNS name of exactly len octets under "example" (labels of at most 63 octets).
std::string nameOfLength(size_t len) {
    std::string name = "example";
    while (name.size() < len) {
        size_t room = len - name.size() - 1; // octets left for the next label
        size_t label = std::min<size_t>(63, room);
        if (room - label == 1) --label;      // never leave room for a label of zero octets
        name = std::string(label, static_cast<char>('a' + name.size() % 26)) + "." + name;
    }
    return name;
}

} // namespace

TEST_CASE("zone names up to 253 octets have files, are served, and are found again at start", "[bind]") {
    NamedServer named;
    named.start();
    std::string zonesDir = named.dir() + "/zones";
    Daemon d(bindConfig(named, zonesDir));
    d.start();
    std::vector<std::string> zones;
    for (size_t len : {200, 201, 228, 240, 253}) {
        zones.push_back(nameOfLength(len));
        REQUIRE(zones.back().size() == len);
    }
    for (const auto& zone : zones) {
        INFO(zone.size() << " octets: " << zone);
        std::string text = "$TTL 300\n@ SOA ns.example. h.example. 1 3600 600 86400 300\n@ NS ns.example.\n@ TXT \"" +
                           std::to_string(zone.size()) + "\"\n";
        auto put = d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", text);
        CHECK(put.status == 200);
        CHECK(eventually([&] { return named.query(zone, "TXT") == std::vector<std::string>{"\"" + std::to_string(zone.size()) + "\""}; }));
    }
    CHECK(fileExists(zonesDir + "/" + zones[0] + ".db")); // 200 octets: one file name
    CHECK_FALSE(fileExists(zonesDir + "/" + zones[1] + ".db"));

    // A restart finds every zone on disk: nothing is rewritten or dropped.
    REQUIRE(d.stop() == 0);
    d.start();
    CHECK_THAT(d.log(), Catch::Contains("bind: " + std::to_string(zones.size()) + " zone(s) in"));
    for (const auto& zone : zones) REQUIRE(d.call("DELETE", "/api/v1/zones/" + zone + "?wait=10").status == 200);
    for (const auto& zone : zones) CHECK(eventually([&] { return named.query(zone, "TXT").empty(); }));
    // Deleting a split name's zone removes its directory too: only the include remains.
    CHECK(runCommand({"find", zonesDir, "-mindepth", "1", "-not", "-name", "*.conf"}).output == "");
}

namespace {

// dig's status for a query: "NOERROR", "REFUSED", ...
std::string dnsStatus(const NamedServer& named, const std::string& name, const std::string& type) {
    auto r = runCommand({"dig", "@127.0.0.1", "-p", std::to_string(named.port()), "+time=2", "+tries=1", name, type});
    auto pos = r.output.find("status: ");
    return pos == std::string::npos ? "(no answer)" : r.output.substr(pos + 8, r.output.find(',', pos) - pos - 8);
}

std::string servedConfig(const NamedServer& named, const std::string& zonesDir) {
    std::string cfg = bindConfig(named, zonesDir);
    return cfg.replace(cfg.find("      reload_batch_ms:"), 0, "      server: 127.0.0.1:" + std::to_string(named.port()) + "\n");
}

// One bind instance in this process, on the SDK's fake host, for named at its server address.
struct InProcessBind {
    dadns::sdk::testing::FakeHost host;
    dadns::sdk::testing::PluginLibrary plugin{host, pluginDir() + "/bind.so"};
    dadns::sdk::testing::LoadedBackend bind;

    // extraJson: more settings, e.g. ",\"transfer_key\":\"...\"".
    InProcessBind(const NamedServer& named, const std::string& zonesDir, const std::string& extraJson = "")
        : bind(plugin.createBackend("bind", "{\"zones_dir\":\"" + zonesDir + "\",\"named_conf\":\"" + named.includeFile() +
                                                "\",\"rndc_command\":\"" + named.rndcCommand() + "\",\"reload_batch_ms\":50," +
                                                "\"server\":\"127.0.0.1:" + std::to_string(named.port()) + "\"" + extraJson + "}")) {}
};

// Records as one line each, single spaces, as dig prints a transfer.
std::set<std::string> lines(const std::vector<dadns::sdk::Record>& records) {
    std::set<std::string> out;
    for (const auto& r : records) out.insert(dadns::sdk::masterFileLine(r));
    return out;
}

std::vector<dadns::sdk::Record> sorted(std::vector<dadns::sdk::Record> records) {
    std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return dadns::sdk::masterFileLine(a) < dadns::sdk::masterFileLine(b); });
    return records;
}

} // namespace

TEST_CASE("a change answered applied is served at once; a delete answered applied is no longer served", "[bind]") {
    NamedServer named;
    named.start();
    Daemon d(servedConfig(named, named.dir() + "/zones"));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/now.example?wait=30", zoneText("now.example", 1, "192.0.2.10")).status == 200);
    CHECK(named.query("www.now.example", "A") == std::vector<std::string>{"192.0.2.10"}); // no waiting: served already
    for (int serial = 2; serial <= 6; ++serial) {
        std::string ip = "192.0.2." + std::to_string(100 + serial);
        INFO("serial " << serial);
        REQUIRE(d.call("PUT", "/api/v1/zones/now.example?wait=30", zoneText("now.example", serial, ip)).status == 200);
        CHECK(named.query("www.now.example", "A") == std::vector<std::string>{ip});
    }
    REQUIRE(d.call("DELETE", "/api/v1/zones/now.example?wait=30").status == 200);
    CHECK(dnsStatus(named, "www.now.example", "A") == "REFUSED");
    CHECK_FALSE(named.authoritative("now.example"));
}

TEST_CASE("served records with a server are what named serves, by zone transfer", "[bind]") {
    NamedServer named;
    named.start();
    InProcessBind b(named, named.dir() + "/zones");
    REQUIRE(b.bind.reportsServedRecords());
    CHECK_FALSE(b.bind.servedRecords("absent.example")); // named answers NOTAUTH

    auto small = dadns::parseZoneText(zoneText("small.example", 1, "192.0.2.10"), "small.example");
    std::string bigText = zoneText("big.example", 1, "192.0.2.10");
    for (int i = 0; i < 5000; ++i) bigText += "h" + std::to_string(i) + " IN A 10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256) + "\n";
    auto big = dadns::parseZoneText(bigText, "big.example"); // more than one 64 KiB transfer message
    b.bind.apply(small);
    b.bind.apply(big);
    for (const auto* zone : {&small, &big}) {
        INFO(zone->name);
        // named loads a reloaded zone in the background: read until it has.
        std::optional<std::vector<dadns::sdk::Record>> served;
        CHECK(eventually([&] {
            served = b.bind.servedRecords(zone->name);
            return served && served->size() == zone->records.size();
        }));
        REQUIRE(served);
        CHECK(served->front().type == "SOA");
        CHECK(sorted(*served) == sorted(zone->records));
        CHECK(lines(*served) == named.transfer(zone->name)); // as dig reads it
    }

    b.bind.remove("small.example");
    CHECK_FALSE(b.bind.servedRecords("small.example"));
    CHECK(b.bind.servedRecords("big.example"));
}

TEST_CASE("read-back transfers signed with transfer_key, from a named that allows transfers by key only", "[bind]") {
    TsigKey sha256 = TsigKey::random("dadns-readback");
    TsigKey sha512 = TsigKey::random("readback-512");
    sha512.algorithm = "hmac-sha512";
    NamedServer named;
    named.addKey(sha256);
    named.addKey(sha512);
    named.setOptions("notify no;\nallow-transfer { key \"dadns-readback\"; key \"readback-512\"; };");
    named.start();
    std::string big = zoneText("signed.example", 1, "192.0.2.10");
    for (int i = 0; i < 5000; ++i) big += "h" + std::to_string(i) + " IN A 10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256) + "\n";
    auto zone = dadns::parseZoneText(big, "signed.example"); // several messages, each signed over the one before
    auto withKey = [&](const std::string& file, const TsigKey& key) {
        writeFile(named.dir() + "/" + file, key.statement() + "\n");
        return ",\"transfer_key\":\"" + named.dir() + "/" + file + "\"";
    };

    InProcessBind signer(named, named.dir() + "/zones", withKey("readback.key", sha256));
    signer.bind.apply(zone);
    std::optional<std::vector<dadns::sdk::Record>> served;
    CHECK(eventually([&] {
        served = signer.bind.servedRecords("signed.example");
        return served && served->size() == zone.records.size();
    }));
    REQUIRE(served);
    CHECK(sorted(*served) == sorted(zone.records));
    InProcessBind sha512Signer(named, named.dir() + "/zones", withKey("readback-512.key", sha512));
    served = sha512Signer.bind.servedRecords("signed.example");
    REQUIRE(served);
    CHECK(served->size() == zone.records.size());

    // Unsigned: refused, so "not served", with a warning. Signed by a key named does not know,
    // or with another secret: an error that says which, never "not served" (that would make
    // every apply fail its check and every drift scan re-apply every zone).
    InProcessBind unsigned_(named, named.dir() + "/zones");
    CHECK_FALSE(unsigned_.bind.servedRecords("signed.example"));
    CHECK(unsigned_.host.logged("named answered REFUSED"));
    auto refusal = [&](InProcessBind& b) {
        try {
            b.bind.servedRecords("signed.example");
        } catch (const dadns::sdk::RetryableError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    InProcessBind unknownKey(named, named.dir() + "/zones", withKey("unknown.key", TsigKey::random("not-in-named")));
    CHECK_THAT(refusal(unknownKey), Catch::Contains("NOTAUTH (TSIG BADKEY"));
    InProcessBind wrongSecret(named, named.dir() + "/zones", withKey("wrong.key", TsigKey::random("dadns-readback")));
    CHECK_THAT(refusal(wrongSecret), Catch::Contains("NOTAUTH (TSIG BADSIG"));
}

TEST_CASE("served records from a stopped named are a retryable error", "[bind]") {
    NamedServer named;
    named.start();
    InProcessBind b(named, named.dir() + "/zones");
    b.bind.apply(dadns::parseZoneText(zoneText("stop.example", 1, "192.0.2.10"), "stop.example"));
    CHECK(eventually([&] { return b.bind.servedRecords("stop.example").has_value(); }));
    named.stop();
    try {
        b.bind.servedRecords("stop.example");
        FAIL("no error from a stopped named");
    } catch (const dadns::sdk::RetryableError& e) {
        CHECK_THAT(e.what(), Catch::Contains("transfer of stop.example from named at 127.0.0.1:") && Catch::Contains("Connection refused"));
    }
}

TEST_CASE("a record changed behind dadns's back, count unchanged, shows in the diff and plans, and a drift scan restores it in named", "[bind]") {
    NamedServer named;
    named.start();
    std::string zones = named.dir() + "/zones";
    Daemon d(servedConfig(named, zones));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/drift.example?wait=30", zoneText("drift.example", 1, "192.0.2.10")).status == 200);
    std::string path = zones + "/drift.example.db";
    std::string text = readFile(path);
    REQUIRE(text.find("192.0.2.10") != std::string::npos);
    text.replace(text.find("192.0.2.10"), 10, "192.0.2.66"); // same records, one address changed
    writeFile(path, text);
    REQUIRE(runShell(named.rndcCommand() + " reload drift.example").status == 0);
    REQUIRE(eventually([&] { return named.query("www.drift.example", "A") == std::vector<std::string>{"192.0.2.66"}; }));

    // The diff shows it, from what named serves.
    auto diff = json(d.get("/api/v1/zones/drift.example/diff").body)->getArray("backends")->getObject(0);
    CHECK(diff->getValue<std::string>("basis") == "served");
    CHECK_FALSE(diff->getValue<bool>("in_sync"));
    auto dataOf = [](const Poco::JSON::Array::Ptr& records) {
        std::vector<std::string> out;
        for (size_t i = 0; i < records->size(); ++i) out.push_back(records->getObject(static_cast<unsigned>(i))->getValue<std::string>("data"));
        return out;
    };
    CHECK(dataOf(diff->getArray("add")) == std::vector<std::string>{"192.0.2.10"});
    CHECK(dataOf(diff->getArray("remove")) == std::vector<std::string>{"192.0.2.66"});
    // A dry run plans against what named serves, and stores nothing.
    auto plan = d.call("PUT", "/api/v1/zones/drift.example?dry_run=true", zoneText("drift.example", 1, "192.0.2.77"));
    REQUIRE(plan.status == 200);
    auto planned = json(plan.body)->getArray("backends")->getObject(0);
    CHECK(dataOf(planned->getArray("add")) == std::vector<std::string>{"192.0.2.77"});
    CHECK(dataOf(planned->getArray("remove")) == std::vector<std::string>{"192.0.2.66"});
    CHECK(json(d.get("/api/v1/zones/drift.example").body)->getValue<int>("version") == 1);
    CHECK(named.query("www.drift.example", "A") == std::vector<std::string>{"192.0.2.66"});

    auto scan = d.call("POST", "/api/v1/backends/bind/drift");
    INFO(scan.body);
    CHECK(scan.status == 200);
    CHECK(eventually([&] { return named.query("www.drift.example", "A") == std::vector<std::string>{"192.0.2.10"}; }));
    CHECK(named.transfer("drift.example") == desired(d, "drift.example"));
}
