// The shipped bind.so in-process on the SDK's fake host, without named: zone files and the
// include in a temp zones_dir, no zone check and no rndc.
#include "FakeRndc.hpp"
#include "support/TestSupport.hpp"

#include <dadns/sdk/testing.hpp>

#include <catch2/catch.hpp>

using namespace dadns::sdk;
using namespace dadns::sdk::testing;
using dadns::test::TempDir;

namespace {

std::string settings(const TempDir& dir, const std::string& rndc = "") {
    return "{\"zones_dir\":\"" + dir.file("zones") + "\",\"checkzone\":false,\"rndc_command\":\"" + rndc + "\",\"reload_batch_ms\":10}";
}

// settings() with more fields: extra is JSON members, e.g. "\"catalog_zone\":\"c.example\"".
std::string settingsWith(const TempDir& dir, const std::string& extra) {
    std::string s = settings(dir);
    return s.insert(s.size() - 1, "," + extra);
}

Zone zone(const std::string& name, uint64_t version, int hosts) {
    Zone z{name, version, {}};
    z.records.push_back(Record{name + ".", "SOA", 1, 300, {"ns1." + name + ".", "h." + name + ".", std::to_string(version), "3600", "600", "86400", "300"}});
    z.records.push_back(Record{name + ".", "NS", 1, 300, {"ns1." + name + "."}});
    for (int i = 0; i < hosts; ++i) z.records.push_back(Record{"h" + std::to_string(i) + "." + name + ".", "A", 1, 300, {"192.0.2." + std::to_string(i + 1)}});
    return z;
}

struct BindUnderTest {
    FakeHost host;
    PluginLibrary plugin{host, dadns::test::pluginDir() + "/bind.so"};
};

} // namespace

TEST_CASE("bind in-process: apply writes the zone file and the include, count reads the file back, remove deletes it", "[bind]") {
    TempDir dir;
    BindUnderTest b;
    LoadedBackend bind = b.plugin.createBackend("bind", settings(dir));
    CHECK(b.host.logged("0 zone(s) in " + dir.file("zones"), DADNS_LOG_INFO));

    bind.apply(zone("example.com", 1, 2));
    std::string file = dadns::test::readFile(dir.file("zones/example.com.db"));
    CHECK(file.find("h1.example.com.") != std::string::npos);
    CHECK(file.find("192.0.2.2") != std::string::npos);
    CHECK(bind.count("example.com") == 4);
    CHECK(bind.listZones() == std::vector<std::string>{"example.com"});
    CHECK(dadns::test::readFile(dir.file("zones/dadns.zones.conf")).find("zone \"example.com\"") != std::string::npos);
    // Its details for operators: no rndc here, one zone, nothing waiting, no reconcile (include mode).
    CHECK(bind.describe() == R"({"membership":"include","control":"none","zones":1,"named":{"waiting":0}})");

    // Apply is idempotent and replaces the whole zone.
    bind.apply(zone("example.com", 2, 0));
    CHECK(bind.count("example.com") == 2);
    CHECK(dadns::test::readFile(dir.file("zones/example.com.db")).find("h0.") == std::string::npos);
    CHECK_NOTHROW(bind.health());

    bind.remove("example.com");
    CHECK_FALSE(dadns::test::fileExists(dir.file("zones/example.com.db")));
    CHECK(bind.count("example.com") == 0);
    CHECK(bind.listZones().empty());
    CHECK_NOTHROW(bind.remove("example.com")); // removing what is gone is done already
}

TEST_CASE("bind in-process: zone files are the source of truth when an instance starts again", "[bind]") {
    TempDir dir;
    BindUnderTest b;
    {
        LoadedBackend first = b.plugin.createBackend("bind", settings(dir));
        first.apply(zone("a.example", 1, 1));
        first.apply(zone("b.example", 1, 1));
    }
    std::remove(dir.file("zones/dadns.zones.conf").c_str()); // an include lost to a crash
    LoadedBackend again = b.plugin.createBackend("bind", settings(dir));
    CHECK(again.listZones() == std::vector<std::string>{"a.example", "b.example"});
    CHECK(again.count("b.example") == 3);
}

TEST_CASE("bind in-process: what it cannot do is refused with the right kind of error", "[bind]") {
    TempDir dir;
    BindUnderTest b;
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", "{\"checkzone\":false}"), Catch::Contains("bind: zones_dir: is required"));
    LoadedBackend bind = b.plugin.createBackend("bind", settings(dir));
    CHECK_THROWS_AS(bind.apply(zone("../etc", 1, 0)), PermanentError);
    CHECK_THROWS_AS(bind.count("a/b"), PermanentError);

    // An rndc that cannot run: the file is live, but named was not told, so it is retried.
    TempDir other;
    LoadedBackend unsignalled = b.plugin.createBackend("unsignalled", settings(other, other.file("no-rndc")));
    CHECK_THROWS_WITH(unsignalled.apply(zone("c.example", 1, 0)), Catch::Contains("zone file written, but named was not told: rndc reconfig failed"));
    CHECK(b.host.logged("rndc reconfig failed", DADNS_LOG_WARN));
    CHECK_THROWS_AS(unsignalled.health(), RetryableError);
    CHECK(dadns::test::fileExists(other.file("zones/c.example.db")));
}

TEST_CASE("bind in-process: apply and remove return once the rndc run carrying them is done", "[bind]") {
    TempDir dir;
    dadns::test::FakeRndc rndc("0.3");
    BindUnderTest b;
    LoadedBackend bind = b.plugin.createBackend("bind", settings(dir, rndc.script));
    bind.apply(zone("example.com", 1, 1));
    CHECK(rndc.calls() == std::vector<std::string>{"reconfig"}); // the rndc run ends 0.3 s after it starts
    bind.apply(zone("example.com", 2, 2));
    CHECK(rndc.calls() == std::vector<std::string>{"reconfig", "reload example.com"});
    bind.remove("example.com");
    CHECK(rndc.count("reconfig") == 2);

    // A removal named was not told of is told when the daemon retries it, before it returns.
    bind.apply(zone("gone.example", 1, 0));
    rndc.failing(true);
    CHECK_THROWS_WITH(bind.remove("gone.example"), Catch::Contains("zone file removed, but named was not told") && Catch::Contains("connection refused"));
    CHECK_THROWS_AS(bind.health(), RetryableError);
    rndc.failing(false);
    size_t reconfigs = rndc.count("reconfig");
    CHECK_NOTHROW(bind.remove("gone.example"));
    CHECK(rndc.count("reconfig") > reconfigs);
    CHECK_NOTHROW(bind.remove("gone.example")); // told already: nothing to wait for
    CHECK_NOTHROW(bind.health());
}

TEST_CASE("bind in-process: without a server, served records are what the zone file holds", "[bind]") {
    TempDir dir;
    BindUnderTest b;
    LoadedBackend bind = b.plugin.createBackend("bind", settings(dir));
    REQUIRE(bind.reportsServedRecords());
    CHECK_FALSE(bind.servedRecords("example.com")); // no file: not served

    Zone z = zone("example.com", 1, 2);
    z.records.push_back(Record{"example.com.", "TXT", 1, 60, {"\"v=spf1 a mx -all\"", "\"two words\""}});
    z.records.push_back(Record{"example.com.", "MX", 1, 300, {"10", "mail.example.com."}});
    bind.apply(z);
    auto served = bind.servedRecords("example.com");
    REQUIRE(served);
    CHECK(*served == z.records);

    // Edited behind dadns's back: the edit shows.
    std::string path = dir.file("zones/example.com.db");
    std::string text = dadns::test::readFile(path);
    text.replace(text.find("192.0.2.2"), 9, "192.0.2.99");
    dadns::test::writeFile(path, text);
    served = bind.servedRecords("example.com");
    REQUIRE(served);
    CHECK((*served)[3] == Record{"h1.example.com.", "A", 1, 300, {"192.0.2.99"}});

    bind.remove("example.com");
    CHECK_FALSE(bind.servedRecords("example.com"));
    CHECK_THROWS_AS(bind.servedRecords("../etc"), PermanentError);
}

TEST_CASE("bind in-process: the server setting is checked by key", "[bind]") {
    TempDir dir;
    BindUnderTest b;
    auto withServer = [&](const std::string& server) {
        std::string s = settings(dir);
        return s.substr(0, s.size() - 1) + ",\"server\":\"" + server + "\"}";
    };
    CHECK(b.plugin.checkSettings("bind", withServer("127.0.0.1:53")).empty());
    CHECK(b.plugin.checkSettings("bind", withServer("[::1]:5353")).empty());
    auto problems = b.plugin.checkSettings("bind", withServer("127.0.0.1"));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "server");
    CHECK_THAT(problems[0].problem, Catch::Contains("expected HOST:PORT"));
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", withServer("127.0.0.1:99999")), Catch::Contains("server: port '99999'"));

    // With a server, served records come from it: nothing listens there, so that is retryable.
    LoadedBackend bind = b.plugin.createBackend("bind", withServer("127.0.0.1:" + std::to_string(dadns::test::freePort())));
    CHECK(b.host.logged("served records read from named at 127.0.0.1:"));
    bind.apply(zone("example.com", 1, 0));
    CHECK_THROWS_AS(bind.servedRecords("example.com"), RetryableError);
}

TEST_CASE("bind in-process: a catalog zone lists the zones, stays out of the backend's zones, and a previous one points to it", "[bind]") {
    TempDir dir;
    BindUnderTest b;
    std::string catalogSettings =
        settingsWith(dir, "\"catalog_zone\":\"catalog.dadns.\",\"catalog_previous\":\"old.catalog\",\"catalog_move_delay\":\"0s\"");
    {
        LoadedBackend bind = b.plugin.createBackend("bind", catalogSettings);
        bind.apply(zone("example.com", 1, 1));
        bind.apply(zone("example.net", 1, 1));
        bind.remove("example.net");
        CHECK(bind.listZones() == std::vector<std::string>{"example.com"});
        std::string catalog = dadns::test::readFile(dir.file("zones/catalog.dadns.db"));
        CHECK(catalog.find("version 0 IN TXT \"2\"") != std::string::npos);
        CHECK(catalog.find(" PTR example.com.") != std::string::npos);
        CHECK(catalog.find("example.net") == std::string::npos);
        std::string previous = dadns::test::readFile(dir.file("zones/old.catalog.db"));
        CHECK(previous.find(" PTR catalog.dadns.") != std::string::npos); // coo
        std::string include = dadns::test::readFile(dir.file("zones/dadns.zones.conf"));
        CHECK(include.find("zone \"catalog.dadns\"") != std::string::npos);
        CHECK(include.find("zone \"old.catalog\"") != std::string::npos);
        CHECK_THROWS_WITH(bind.apply(zone("catalog.dadns", 1, 0)), Catch::Contains("is this backend's catalog zone"));
    }
    // Started again: the catalog's file is not taken for a zone, and its serial keeps growing.
    uint32_t before = 0;
    {
        std::string text = dadns::test::readFile(dir.file("zones/catalog.dadns.db"));
        before = static_cast<uint32_t>(std::stoul(text.substr(text.find("SOA invalid. invalid. ") + 22)));
    }
    LoadedBackend again = b.plugin.createBackend("bind", catalogSettings);
    again.apply(zone("example.org", 1, 1));
    CHECK(again.listZones() == std::vector<std::string>{"example.com", "example.org"});
    std::string text = dadns::test::readFile(dir.file("zones/catalog.dadns.db"));
    CHECK(static_cast<uint32_t>(std::stoul(text.substr(text.find("SOA invalid. invalid. ") + 22))) > before);
}

TEST_CASE("bind in-process: a new catalog claims the zones only after the move delay, also across a restart", "[bind]") {
    TempDir dir;
    BindUnderTest b;
    auto with = [&](const std::string& extra) { return settingsWith(dir, extra); };
    auto catalog = [&](const std::string& name) { return dadns::test::readFile(dir.file("zones/" + name + ".db")); };
    {
        LoadedBackend before = b.plugin.createBackend("bind", with("\"catalog_zone\":\"old.catalog\""));
        before.apply(zone("example.com", 1, 1));
        before.listZones(); // waits until the lists are written (nothing signals named here)
        REQUIRE(catalog("old.catalog").find(" PTR example.com.") != std::string::npos);
    }
    std::string moving = with("\"catalog_zone\":\"new.catalog\",\"catalog_previous\":\"old.catalog\",\"catalog_move_delay\":\"3s\"");
    {
        LoadedBackend bind = b.plugin.createBackend("bind", moving);
        bind.apply(zone("example.net", 1, 1));
        bind.listZones();
        CHECK(catalog("old.catalog").find("coo.") != std::string::npos);
        CHECK(catalog("old.catalog").find(" PTR new.catalog.") != std::string::npos);
        CHECK(catalog("new.catalog").find(" PTR example") == std::string::npos);
    }
    {
        // Restarted within the delay: the new catalog still claims nothing, the delay runs again.
        LoadedBackend again = b.plugin.createBackend("bind", moving);
        again.listZones();
        CHECK(catalog("new.catalog").find(" PTR example") == std::string::npos);
        CHECK(dadns::test::eventually([&] { return catalog("new.catalog").find(" PTR example.net.") != std::string::npos; },
                                      std::chrono::seconds(20)));
        CHECK(catalog("new.catalog").find(" PTR example.com.") != std::string::npos);
    }
    // Once it has claimed them, a restart keeps them claimed; dropping catalog_previous retires the old one.
    LoadedBackend moved = b.plugin.createBackend("bind", with("\"catalog_zone\":\"new.catalog\""));
    moved.apply(zone("example.org", 1, 1));
    CHECK(moved.listZones() == std::vector<std::string>{"example.com", "example.net", "example.org"});
    CHECK(catalog("new.catalog").find(" PTR example.org.") != std::string::npos);
    CHECK_FALSE(dadns::test::fileExists(dir.file("zones/old.catalog.db")));
    CHECK(b.host.logged("catalog old.catalog is no longer configured", DADNS_LOG_INFO));
}

TEST_CASE("bind in-process: membership and catalog settings that cannot work are refused with the reason", "[bind]") {
    TempDir dir;
    BindUnderTest b;
    auto with = [&](const std::string& extra) { return settingsWith(dir, extra); };
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", with("\"zone_membership\":\"addzone\"")), Catch::Contains("addzone needs rndc_conf"));
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", with("\"zone_membership\":\"sometimes\"")), Catch::Contains("zone_membership"));
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", with("\"rndc_conf\":\"" + dir.file("missing.conf") + "\"")),
                      Catch::Contains("rndc_conf") && Catch::Contains("missing.conf"));
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", with("\"catalog_zone\":\"../x\"")), Catch::Contains("catalog_zone: '../x' is not a zone name"));
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", with("\"catalog_previous\":\"old.catalog\"")), Catch::Contains("needs catalog_zone"));
    // A read-back key: only with server, and only an algorithm the transfers can be signed with.
    dadns::test::writeFile(dir.file("sha384.key"), "key \"xfer\" { algorithm hmac-sha384; secret \"MDEyMzQ1Njc4OWFiY2RlZg==\"; };\n");
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", with("\"transfer_key\":\"" + dir.file("sha384.key") + "\"")),
                      Catch::Contains("transfer_key signs the transfers from server: set server too"));
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", with("\"server\":\"127.0.0.1:53\",\"transfer_key\":\"" + dir.file("sha384.key") + "\"")),
                      Catch::Contains("transfer_key: key \"xfer\": hmac-sha384 cannot sign transfers here"));
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", with("\"server\":\"127.0.0.1:53\",\"transfer_key\":\"" + dir.file("none.key") + "\"")),
                      Catch::Contains("transfer_key: ") && Catch::Contains("none.key"));
    LoadedBackend zones = b.plugin.createBackend("bind", settings(dir));
    zones.apply(zone("taken.example", 1, 0));
    CHECK_THROWS_WITH(b.plugin.createBackend("bind", with("\"catalog_zone\":\"taken.example\"")), Catch::Contains("holds a zone, not a catalog"));
}
