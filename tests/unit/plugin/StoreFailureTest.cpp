// A store that cannot be read reaches plugins as an error, never as "no such zone": the host
// table reports a retryable status, the SDK throws, and the in-tree plugins answer with an
// error instead of acting on a wrong "absent" (DirectAdmin's exists=0, the hosts plugin
// rebuilding its zone from nothing). The plugins run in process against a store whose reads
// fail on demand.
#include "core/intake/ChangeIntake.hpp"
#include "core/plugin/HostBridge.hpp"
#include "core/plugin/PluginLoader.hpp"
#include "core/plugin/ServiceInstance.hpp"
#include "core/store/SqliteZoneStore.hpp"
#include "support/FlakyStore.hpp"
#include "support/TestSupport.hpp"

#include <dadns/sdk/host.hpp>

#include <catch2/catch.hpp>

using namespace dadns;

namespace {

ZoneSubmission zone(const std::string& name) {
    ZoneSubmission s;
    s.name = name;
    s.zoneText = "$TTL 300\n@ IN SOA ns1." + name + ". hostmaster." + name + ". 1 3600 600 86400 300\n@ IN NS ns1." + name + ".\n";
    s.recordCount = 2;
    s.origin = {"rest", "", ""};
    return s;
}

// The daemon's host side in process: a store over SQLite, the intake, a router, the plugins.
struct InProcessHost {
    test::TempDir dir;
    test::FlakyStore store{std::make_unique<SqliteZoneStore>(dir.path(), SqliteZoneStore::Options{})};
    MetricsRegistry metrics;
    ChangeIntake intake{store, metrics};
    Router router;
    HostBridge bridge{HostServices{&intake, &store, &router, nullptr, &metrics, "node-a", "", {}}};
    PluginLoader loader{[this](const std::string& path) { return bridge.pluginTable(path); }};
    std::unique_ptr<ServiceInstance> service;

    InProcessHost() = default;
    InProcessHost(const std::string& plugin, const std::string& configJson) {
        loader.loadDirectory(test::pluginDir());
        const LoadedPlugin* p = loader.find(plugin);
        REQUIRE(p);
        service = std::make_unique<ServiceInstance>(*p, bridge.instanceContext(plugin, plugin), plugin, configJson);
        service->start();
    }

    ApiResponse call(const std::string& method, const std::string& path, const std::string& query = "", const std::string& body = "",
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
        bool methodMismatch = false;
        auto match = router.match(method, path, methodMismatch);
        REQUIRE(match);
        ApiRequest in;
        in.method = method;
        in.path = path;
        in.query = query;
        in.body = body;
        in.headers = std::move(headers);
        ApiResponse out;
        match->route->handler(in, out);
        return out;
    }
};

std::string header(const ApiResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return "";
}

} // namespace

TEST_CASE("read_zone reports a store failure as retryable with the reason, and an unknown zone without a sink call", "[plugin]") {
    InProcessHost h;
    h.store.submit(zone("known.example"));
    const dadns_host_api* api = h.bridge.pluginTable("in-process");
    void* ctx = h.bridge.instanceContext("reader", "reader");
    int sinkCalls = 0;
    auto read = [&](const std::string& name, dadns_status& st) {
        sinkCalls = 0;
        return api->read_zone(ctx, sdk::str(name), &sinkCalls, [](void* c, const dadns_zone_info*) { ++*static_cast<int*>(c); }, &st);
    };
    dadns_status st{};
    CHECK(read("known.example", st) == DADNS_OK);
    CHECK(sinkCalls == 1);
    CHECK(read("absent.example", st) == DADNS_ERR_PERMANENT); // abi.h: unknown
    CHECK(sinkCalls == 0);
    h.store.failReads(test::FlakyStore::Current);
    CHECK(read("known.example", st) == DADNS_ERR_RETRYABLE);
    CHECK(sinkCalls == 0);
    CHECK_THAT(std::string(sdk::statusMessage(st)), Catch::Contains("store busy"));
}

TEST_CASE("Host::readZone throws RetryableError when the store fails, and is empty only for an unknown zone", "[plugin]") {
    InProcessHost h;
    h.store.submit(zone("known.example"));
    sdk::Host host(h.bridge.pluginTable("in-process"), h.bridge.instanceContext("reader", "reader"));
    auto known = host.readZone("known.example");
    REQUIRE(known);
    CHECK(known->version == 1);
    CHECK_FALSE(host.readZone("absent.example"));
    h.store.failReads(test::FlakyStore::Current);
    CHECK_THROWS_AS(host.readZone("known.example"), sdk::RetryableError);
    CHECK_THROWS_WITH(host.readZone("absent.example"), Catch::Contains("store busy") && Catch::Contains("absent.example"));
}

TEST_CASE("DirectAdmin's exists answers error=1 with the reason when the store cannot be read, never exists=0", "[plugin][directadmin]") {
    InProcessHost h("directadmin", "{\"username\":\"admin\",\"password\":\"secret\"}");
    h.store.submit(zone("example.com"));
    std::vector<std::pair<std::string, std::string>> auth{{"Authorization", "Basic YWRtaW46c2VjcmV0"}}; // admin:secret
    auto ok = h.call("GET", "/CMD_API_DNS_ADMIN", "action=exists&domain=example.com", "", auth);
    CHECK(ok.body.rfind("error=0&exists=1&", 0) == 0);
    h.store.failReads(test::FlakyStore::Current);
    for (const char* domain : {"example.com", "other.example"}) {
        INFO(domain);
        auto failed = h.call("GET", "/CMD_API_DNS_ADMIN", std::string("action=exists&domain=") + domain, "", auth);
        CHECK(failed.status == 200); // DirectAdmin reads errors from the body
        CHECK(failed.body.rfind("error=1&text=", 0) == 0);
        CHECK(failed.body.find("exists=") == std::string::npos);
        CHECK(failed.body.find("store%20busy") != std::string::npos);
    }
}

TEST_CASE("the hosts plugin refuses a registration with 503 and Retry-After when the store cannot be read", "[plugin][hosts]") {
    InProcessHost h("hosts", "{\"default_zone\":\"hosts.example.com\"}");
    auto first = h.call("POST", "/api/v1/hosts", "", "{\"hostname\":\"web\",\"ip\":\"192.0.2.5\"}");
    REQUIRE(first.status == 201);
    auto before = h.store.current("hosts.example.com");
    REQUIRE(before);
    h.store.failReads(test::FlakyStore::Current);
    auto refused = h.call("POST", "/api/v1/hosts", "", "{\"hostname\":\"db\",\"ip\":\"192.0.2.6\"}");
    CHECK(refused.status == 503);
    CHECK(header(refused, "Retry-After") == "1");
    CHECK_THAT(refused.body, Catch::Contains("store busy"));
    CHECK(h.call("GET", "/api/v1/hosts").status == 503);
    h.store.failReads(0);
    // Nothing was submitted: the zone was not rebuilt from nothing over the registered host.
    auto after = h.store.current("hosts.example.com");
    REQUIRE(after);
    CHECK(after->version == before->version);
    CHECK_THAT(after->zoneText, Catch::Contains("192.0.2.5"));
    CHECK(h.call("POST", "/api/v1/hosts", "", "{\"hostname\":\"db\",\"ip\":\"192.0.2.6\"}").status == 201);
}
