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
