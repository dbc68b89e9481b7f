// The fake host loads a built plugin .so and drives its instances through the C tables,
// refusing what the daemon's loader refuses.
#include "support/TestSupport.hpp"

#include <dadns/sdk/testing.hpp>

#include <catch2/catch.hpp>

using namespace dadns::sdk;
using namespace dadns::sdk::testing;
using dadns::test::TempDir;
using dadns::test::testPluginDir;

namespace {

Zone sampleZone(uint64_t version) {
    Zone z{"example.com", version, {}};
    z.records.push_back(Record{"example.com.", "SOA", 1, 300, {"ns1.example.com.", "h.example.com.", "1", "3600", "600", "86400", "300"}});
    z.records.push_back(Record{"www.example.com.", "A", 1, 300, {"192.0.2.1"}});
    return z;
}

std::string dirConfig(const TempDir& dir, const std::string& more = "") {
    return "{\"dir\":\"" + dir.file("zones") + "\"" + more + "}";
}

} // namespace

TEST_CASE("plugin library: a backend .so is created and driven through its C table", "[sdk][fakehost]") {
    FakeHost host;
    TempDir dir;
    PluginLibrary plugin(host, testPluginDir() + "/test_backend.so");
    CHECK(plugin.name() == "test_backend");
    CHECK(plugin.kind() == DADNS_KIND_BACKEND);
    CHECK(plugin.abiMinor() == DADNS_ABI_MINOR);

    LoadedBackend backend = plugin.createBackend("files", dirConfig(dir, ",\"parallel\":3"));
    CHECK(backend.apply(sampleZone(1)).expectedCount == 2);
    CHECK(backend.count("example.com") == 2);
    CHECK(backend.listZones() == std::vector<std::string>{"example.com"});
    CHECK_NOTHROW(backend.reconcile(sampleZone(2)));
    CHECK_NOTHROW(backend.health());
    CHECK(backend.parallelism() == 3);
    // ABI 1.4 describe: the class's describe() through the table, its state of now.
    CHECK(backend.describe() == "{\"dir\":\"" + dir.file("zones") + "\",\"applies\":2}");
    backend.remove("example.com");
    CHECK(backend.count("example.com") == 0);
    CHECK(backend.listZones().empty());

    CHECK_THROWS_WITH(plugin.createBackend("nodir", "{}"), Catch::Contains("nodir: dir: is required"));
    LoadedBackend failing = plugin.createBackend("failing", dirConfig(dir, ",\"fail\":\"permanent\""));
    CHECK_THROWS_AS(failing.apply(sampleZone(1)), PermanentError);
    LoadedBackend retrying = plugin.createBackend("retrying", dirConfig(dir, ",\"fail\":\"retryable\""));
    CHECK_THROWS_AS(retrying.apply(sampleZone(1)), RetryableError);
}

TEST_CASE("plugin library: a backend's targets are read through its table", "[sdk][fakehost]") {
    FakeHost host;
    PluginLibrary plugin(host, testPluginDir() + "/test_backend.so");
    auto targets = plugin.targets("files", "{\"dir\":\"/nonexistent\",\"targets\":{\"one\":{},\"two\":{}}}");
    REQUIRE(targets.size() == 2);
    CHECK(targets[0].name == "one");
    CHECK(plugin.targets("files", "{\"dir\":\"/nonexistent\"}").empty());
}

TEST_CASE("plugin library: a service .so registers routes, submits, is told of changes and described", "[sdk][fakehost]") {
    FakeHost host;
    PluginLibrary plugin(host, testPluginDir() + "/test_ingestion.so");
    CHECK(plugin.kind() == DADNS_KIND_INGESTION);
    {
        LoadedService service = plugin.createService("ingest");
        service.start();
        CHECK(host.routes().size() == 2);
        HttpCall push = HttpCall::make("POST", "/api/v1/test-ingest/example.com", "@ 300 IN A 192.0.2.1\n");
        push.authUser = "admin";
        auto reply = host.call(push);
        CHECK(reply.status == 200);
        REQUIRE(host.submissions().size() == 1);
        CHECK(host.submissions()[0].origin.source == "test_ingestion");
        CHECK(host.submissions()[0].instance == "ingest");

        service.zoneChanged("example.com", 7, "");
        CHECK(host.call(HttpCall::make("GET", "/test-ingest/seen")).body == "example.com 7\n");
        CHECK(service.describe() == "{\"kind\":\"test\"}");
        CHECK_THROWS_AS(plugin.createBackend("wrong-kind"), std::logic_error);
    }
    CHECK(host.routes().empty()); // removed before the instance was destroyed
}

TEST_CASE("plugin library: what the daemon's loader refuses is refused with the reason", "[sdk][fakehost]") {
    FakeHost host;
    CHECK_THROWS_WITH(PluginLibrary(host, testPluginDir() + "/missing_init_symbol.so"), Catch::Contains("missing init symbol"));
    CHECK_THROWS_WITH(PluginLibrary(host, testPluginDir() + "/null_descriptor.so"), Catch::Contains("null descriptor"));
    CHECK_THROWS_WITH(PluginLibrary(host, testPluginDir() + "/abi_major_mismatch.so"), Catch::Contains("other ABI major"));
    CHECK_THROWS_WITH(PluginLibrary(host, testPluginDir() + "/sdk_other_major.so"), Catch::Contains("other ABI major"));
    CHECK_THROWS_WITH(PluginLibrary(host, testPluginDir() + "/oversized_desc.so"), Catch::Contains("oversized struct: plugin descriptor"));
    CHECK_THROWS_WITH(PluginLibrary(host, testPluginDir() + "/bad_name.so"), Catch::Contains("invalid name"));
    CHECK_THROWS_WITH(PluginLibrary(host, testPluginDir() + "/no-such-plugin.so"), Catch::Contains("cannot load"));
}

TEST_CASE("plugin library: a newer minor's plugin loads and runs, as in the daemon", "[sdk][fakehost]") {
    FakeHost host;
    PluginLibrary plugin(host, testPluginDir() + "/abi_newer_minor.so");
    CHECK(plugin.abiMinor() == DADNS_ABI_MINOR + 1);
    LoadedBackend backend = plugin.createBackend("newer");
    CHECK(backend.parallelism() == 2);
    CHECK_NOTHROW(backend.apply(sampleZone(1)));
}

TEST_CASE("plugin library: the settings check runs as in the daemon, and before create", "[sdk][fakehost]") {
    FakeHost host;
    PluginLibrary plugin(host, testPluginDir() + "/test_backend.so");
    auto problems = plugin.checkSettings("files", R"({"dir":"/tmp/x","delay":5})");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "delay");
    CHECK(problems[0].problem == "unknown setting (did you mean 'delay_ms'?)");
    CHECK_THROWS_WITH(plugin.createBackend("files", "{}"), "files: dir: is required (directory the zones are written to)");
    CHECK(PluginLibrary(host, testPluginDir() + "/old_minor_backend.so").checkSettings("old", R"({"anything":1})").empty()); // no check before 1.2
}

TEST_CASE("plugin library: a plugin built for an older minor loads with its missing members as defaults", "[sdk][fakehost]") {
    FakeHost host;
    PluginLibrary plugin(host, testPluginDir() + "/old_minor_backend.so");
    LoadedBackend backend = plugin.createBackend("old");
    CHECK(backend.parallelism() == 1); // absent from its table
    CHECK(backend.describe() == "{}");
    CHECK_NOTHROW(backend.health());
    CHECK_NOTHROW(backend.apply(sampleZone(1)));
}
