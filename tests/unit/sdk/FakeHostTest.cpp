// The SDK's fake host (dadns/sdk/testing.hpp) answers like the daemon and records what a
// plugin class constructed directly on it does.
#include <dadns/sdk.hpp>
#include <dadns/sdk/testing.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace dadns::sdk;
using namespace dadns::sdk::testing;

namespace {

// What a plugin author's own ingestion class looks like: a route that submits its body.
class EchoIngestion final : public Ingestion {
public:
    explicit EchoIngestion(const InstanceContext& ctx) : Ingestion(ctx) {
        routes().add("POST", "/echo/", [this](const Request& req, Response& resp) {
            std::string zone(req.path.substr(6));
            try {
                auto r = host().submitZoneText(zone, req.body, Origin{"echo", "pusher", std::string(req.authUser), ""});
                host().counterAdd("echo_pushes_total", "pushes", {{"result", "ok"}});
                resp.json(200, "{\"version\":" + std::to_string(r.version) + "}");
            } catch (const Error& e) {
                host().counterAdd("echo_pushes_total", "pushes", {{"result", "error"}});
                resp.json(e.code() == DADNS_ERR_PERMANENT ? 400 : 503, "{\"error\":" + jsonQuote(e.what()) + "}");
            }
        });
        routes().add("", "/echo/special/", [](const Request& req, Response& resp) {
            resp.text(200, std::string(req.method) + " " + std::string(req.query) + " " + std::string(req.header("x-probe")));
        }, DADNS_ROUTE_AUTH_PLUGIN);
    }
};

// The status code of the Error fn throws (Host's submit throws Error, not its subclasses).
template <class Fn>
int thrownCode(Fn fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code();
    }
    return DADNS_OK;
}

Record a(const std::string& owner, const std::string& ip) { return Record{owner, "A", 1, 300, {ip}}; }

} // namespace

TEST_CASE("fake host: submissions are recorded and read back as the daemon's store answers", "[sdk][fakehost]") {
    FakeHost fake;
    Host host = fake.context("ingest").host;
    auto first = host.submitRecords("Example.COM.", {a("www.example.com.", "192.0.2.1")}, Origin{"api", "h1", "bob", ""});
    CHECK(first.version == 1);
    CHECK(first.applied);
    CHECK(first.recordCount == 1);
    CHECK(host.submitZoneText("example.com", "@ 300 IN A 192.0.2.2\n", Origin{}).version == 2);

    auto zone = host.readZone("EXAMPLE.com");
    REQUIRE(zone);
    CHECK(zone->name == "example.com");
    CHECK(zone->version == 2);
    CHECK(zone->source == "ingest"); // an empty source is the instance's name
    CHECK(zone->zoneText == "@ 300 IN A 192.0.2.2\n");
    CHECK(Stamp::parse(zone->stamp));
    CHECK_FALSE(host.readZone("other.example"));
    CHECK_THROWS_AS(host.readZone("bad name"), PermanentError);

    auto subs = fake.submissions();
    REQUIRE(subs.size() == 2);
    CHECK(subs[0].kind == DADNS_CHANGE_RECORDS);
    CHECK(subs[0].zone == "Example.COM.");
    CHECK(subs[0].records == std::vector<Record>{a("www.example.com.", "192.0.2.1")});
    CHECK(subs[0].origin.host == "h1");
    CHECK(subs[0].instance == "ingest");
    CHECK(subs[1].kind == DADNS_CHANGE_ZONE_TEXT);

    host.submitDelete("example.com", Origin{});
    CHECK(fake.zone("example.com")->deleted);
    CHECK(thrownCode([&] { host.submitDelete("example.com", Origin{}); }) == DADNS_ERR_PERMANENT); // not held any more
    std::vector<std::string> listed;
    host.listZones([&](const ZoneInfo& z) { listed.push_back(z.name + (z.deleted ? " deleted" : "")); });
    CHECK(listed == std::vector<std::string>{"example.com deleted"});
}

TEST_CASE("fake host: a records submission reads back as one rendered line per record", "[sdk][fakehost]") {
    FakeHost fake;
    Host host = fake.context("ingest").host;
    host.submitRecords("example.com", {a("www.example.com.", "192.0.2.1"), Record{"example.com.", "SOA", 1, 60, {"ns.", "h.", "1", "2", "3", "4", "5"}}},
                       Origin{});
    CHECK(host.readZone("example.com")->zoneText ==
          "$ORIGIN example.com.\nexample.com. 60 IN SOA ns. h. 1 2 3 4 5\nwww.example.com. 300 IN A 192.0.2.1\n");
    CHECK(thrownCode([&] { host.submitRecords("example.com", {}, Origin{}); }) == DADNS_ERR_PERMANENT);
}

TEST_CASE("fake host: a replicated change with an older stamp is ignored", "[sdk][fakehost]") {
    FakeHost fake;
    Host host = fake.context("swim").host;
    CHECK(host.submitZoneText("example.com", "new", Origin{"swim", "", "", "0000000002000.0000@b"}).applied);
    auto older = host.submitZoneText("example.com", "old", Origin{"swim", "", "", "0000000001000.0000@a"});
    CHECK_FALSE(older.applied);
    CHECK(older.version == 0);
    CHECK(fake.zone("example.com")->zoneText == "new");
    // A local change after it gets a stamp that orders after the peer's.
    host.submitZoneText("example.com", "local", Origin{});
    CHECK(stampNewer(fake.zone("example.com")->stamp, "0000000002000.0000@b"));
}

TEST_CASE("fake host: injected failures refuse the next calls and change nothing", "[sdk][fakehost]") {
    FakeHost fake;
    Host host = fake.context("ingest").host;
    fake.failNext(HostCall::SubmitChange, DADNS_ERR_RETRYABLE, "store busy");
    fake.failNext(HostCall::SubmitChange, DADNS_ERR_PERMANENT, "owned by another source");
    CHECK_THROWS_WITH(host.submitZoneText("example.com", "x", Origin{}), "store busy");
    CHECK(thrownCode([&] { host.submitZoneText("example.com", "x", Origin{}); }) == DADNS_ERR_PERMANENT);
    CHECK_FALSE(fake.zone("example.com"));
    CHECK(host.submitZoneText("example.com", "x", Origin{}).version == 1);
    auto subs = fake.submissions();
    REQUIRE(subs.size() == 3);
    CHECK(subs[0].code == DADNS_ERR_RETRYABLE);
    CHECK_FALSE(subs[0].stored);
    CHECK(subs[2].stored);

    fake.failNext(HostCall::ReadZone, DADNS_ERR_RETRYABLE, "store unreachable");
    CHECK_THROWS_AS(host.readZone("example.com"), RetryableError); // never "no such zone"
    fake.failNext(HostCall::ListZones, DADNS_ERR_RETRYABLE, "busy");
    CHECK_THROWS_AS(host.listZones([](const ZoneInfo&) {}), Error);
    fake.failNext(HostCall::ZoneBackends, DADNS_ERR_RETRYABLE, "busy");
    CHECK_THROWS_AS(host.zoneBackends("example.com"), Error);
    CHECK(host.zoneBackends("example.com").empty());
}

TEST_CASE("fake host: metrics, logs, node id, API URL, credentials and backend states", "[sdk][fakehost]") {
    FakeHost fake;
    fake.setNodeId("node-7");
    fake.setApiUrl("http://192.0.2.5:2222");
    fake.setCredentials("admin", "secret");
    fake.setZoneBackends("example.com", {ZoneBackendState{"bind", 3, false, false, "", 1000}});
    Host host = fake.context("mine").host;
    host.counterAdd("pushes_total", "help", {{"result", "ok"}});
    host.counterAdd("pushes_total", "help", {{"result", "ok"}}, 2);
    host.counterAdd("pushes_total", "help", {{"result", "error"}});
    host.gaugeSet("depth", "help", {}, 4);
    host.gaugeSet("depth", "help", {}, 5);
    host.observe("seconds", "help", {{"op", "apply"}}, 0.25);
    host.warn("disk almost full");

    CHECK(fake.counter("pushes_total", {{"result", "ok"}}) == 3);
    CHECK(fake.counter("pushes_total") == 4);
    CHECK(fake.counter("pushes_total", {{"instance", "mine"}}) == 4); // added as the daemon adds it
    CHECK(fake.gauge("depth") == 5);
    CHECK_FALSE(fake.gauge("absent"));
    CHECK(fake.observations("seconds", {{"op", "apply"}}) == std::vector<double>{0.25});
    CHECK(fake.logged("almost full", DADNS_LOG_WARN));
    CHECK_FALSE(fake.logged("almost full", DADNS_LOG_ERROR));
    CHECK(fake.logs().at(0).instance == "mine");
    CHECK(host.nodeId() == "node-7");
    CHECK(host.apiUrl() == "http://192.0.2.5:2222");
    CHECK(host.checkCredentials("admin", "secret"));
    CHECK_FALSE(host.checkCredentials("admin", "wrong"));
    auto states = host.zoneBackends("EXAMPLE.com.");
    REQUIRE(states.size() == 1);
    CHECK(states[0].appliedVersion == 3);
}

TEST_CASE("fake host: a plugin's routes are called as requests and answer with status, headers and body", "[sdk][fakehost]") {
    FakeHost fake;
    {
        EchoIngestion plugin(fake.context("echo"));
        auto routes = fake.routes();
        REQUIRE(routes.size() == 2);
        CHECK(routes[0].method == "POST");
        CHECK(routes[0].auth == DADNS_ROUTE_AUTH_HOST);
        CHECK(routes[1].method == "*");
        CHECK(routes[1].auth == DADNS_ROUTE_AUTH_PLUGIN);

        HttpCall push = HttpCall::make("POST", "/echo/example.com", "@ 300 IN A 192.0.2.1\n");
        push.authUser = "admin";
        auto reply = fake.call(push);
        CHECK(reply.status == 200);
        CHECK(reply.header("content-type") == "application/json");
        CHECK(reply.body == "{\"version\":1}");
        CHECK(fake.submissions().at(0).origin.user == "admin");
        CHECK(fake.counter("echo_pushes_total", {{"result", "ok"}}) == 1);

        fake.failNext(HostCall::SubmitChange, DADNS_ERR_RETRYABLE, "busy");
        CHECK(fake.call(push).status == 503);
        CHECK(fake.call(HttpCall::make("POST", "/echo/bad name", "x")).status == 400);

        // The longest prefix wins; query and headers reach the handler.
        auto special = fake.call(HttpCall::make("get", "/echo/special/x?a=1").header("X-Probe", "p"));
        CHECK(special.body == "GET a=1 p");
        CHECK(fake.call(HttpCall::make("GET", "/echo/x")).status == 405);
        CHECK(fake.call(HttpCall::make("GET", "/nothing")).status == 404);
        fake.removeRoutes("echo"); // what the daemon does before it destroys an instance
    }
    CHECK(fake.routes().empty());
    CHECK(fake.call(HttpCall::make("POST", "/echo/example.com", "x")).status == 404);
}

TEST_CASE("fake host: calls from many threads are all recorded", "[sdk][fakehost]") {
    FakeHost fake;
    Host host = fake.context("threads").host;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                host.submitZoneText("z" + std::to_string(t) + ".example", "x", Origin{});
                host.counterAdd("calls_total", "help", {});
                host.info("call");
            }
        });
    CHECK(fake.waitUntil([&] { return fake.submissions().size() == 200; }));
    for (auto& t : threads) t.join();
    CHECK(fake.counter("calls_total") == 200);
    CHECK(fake.logs().size() == 200);
    CHECK(fake.zone("z3.example")->version == 50);
    CHECK_FALSE(fake.waitUntil([&] { return fake.submissions().size() > 200; }, std::chrono::milliseconds(50)));
}
