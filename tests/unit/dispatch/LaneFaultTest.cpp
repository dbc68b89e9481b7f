// A lane survives a store that throws: house-keeping steps record the error and go on, a zone
// the store cannot read waits without counting against the backend, and a lane whose task ends
// is shown down with the reason and started again by the dispatcher. In process, with the
// test backend plugin and a store whose reads fail on demand.
#include "core/dispatch/Dispatcher.hpp"
#include "core/plugin/BackendInstance.hpp"
#include "core/plugin/HostBridge.hpp"
#include "core/plugin/PluginLoader.hpp"
#include "core/store/SqliteZoneStore.hpp"
#include "support/FlakyStore.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <thread>

using namespace dadns;
using namespace std::chrono_literals;

namespace {

// One dispatcher with one test-backend lane ("files", zone files under dir/files).
struct LaneHarness {
    test::TempDir dir;
    test::FlakyStore store{std::make_unique<SqliteZoneStore>(dir.path() + "/store", SqliteZoneStore::Options{})};
    MetricsRegistry metrics;
    HostBridge bridge{HostServices{}};
    PluginLoader loader{[this](const std::string& path) { return bridge.pluginTable(path); }};
    std::unique_ptr<Dispatcher> dispatcher;

    explicit LaneHarness(DispatchOptions options, const std::string& backendSettings = "") {
        loader.loadDirectory(test::testPluginDir());
        const LoadedPlugin* plugin = loader.find("test_backend");
        REQUIRE(plugin);
        auto backend = std::make_shared<BackendInstance>(*plugin, bridge.instanceContext("files", "test_backend"), "files",
                                                         "{\"dir\":\"" + dir.path() + "/files\"" + backendSettings + "}");
        dispatcher = std::make_unique<Dispatcher>(store, metrics, options);
        dispatcher->addBackend(backend, 2);
    }
    ~LaneHarness() { dispatcher->stop(); }

    LaneStatus lane() const { return dispatcher->lanes().at(0); }
    bool applied(const std::string& zone) const { return test::fileExists(dir.path() + "/files/" + zone + ".zone"); }

    void submit(const std::string& name, bool notify) {
        ZoneSubmission s;
        s.name = name;
        s.zoneText = "$TTL 300\n@ IN SOA ns1." + name + ". hostmaster." + name + ". 1 3600 600 86400 300\n@ IN NS ns1." + name + ".\n";
        s.recordCount = 2;
        s.origin = {"rest", "", ""};
        auto out = store.submit(s);
        if (notify) dispatcher->notify(ZoneChange{name, out.version, out.stamp, false, nullptr});
    }
};

DispatchOptions fastOptions() {
    DispatchOptions o;
    o.retryBackoff = 50ms;
    o.retryBackoffMax = 200ms;
    return o;
}

} // namespace

TEST_CASE("a drift scan whose store read throws is recorded, and the lane goes on", "[dispatch]") {
    DispatchOptions options = fastOptions();
    options.driftInterval = 200ms;
    LaneHarness h(options);
    h.store.failReads(test::FlakyStore::List);
    h.dispatcher->start();
    REQUIRE(test::eventually([&] { return !h.lane().houseKeepingError.empty(); }, 10s));
    LaneStatus failing = h.lane();
    CHECK_THAT(failing.houseKeepingError, Catch::Contains("drift scan failed") && Catch::Contains("store busy"));
    CHECK(failing.houseKeepingErrorAtMs > 0);
    CHECK(failing.up);
    // The lane still applies changes, and the error clears once a scan succeeds.
    h.submit("after.example", true);
    CHECK(test::eventually([&] { return h.applied("after.example"); }, 10s));
    h.store.failReads(0);
    CHECK(test::eventually([&] { return h.lane().houseKeepingError.empty(); }, 10s));
}

TEST_CASE("a zone the store cannot read waits for the store without counting against the backend", "[dispatch]") {
    LaneHarness h(fastOptions());
    h.submit("unread.example", false); // queued from the store at start: the lane must read it
    h.store.failReads(test::FlakyStore::Current);
    h.dispatcher->start();
    REQUIRE(test::eventually([&] { return h.store.refused() >= 8; }, 10s)); // well past breaker_failures (5)
    LaneStatus waiting = h.lane();
    CHECK(waiting.up);
    CHECK(waiting.consecutiveFailures == 0);
    CHECK(waiting.failed == 0);
    CHECK_THAT(waiting.lastError, Catch::Contains("store busy"));
    CHECK_FALSE(h.applied("unread.example"));
    h.store.failReads(0);
    CHECK(test::eventually([&] { return h.applied("unread.example"); }, 10s));
    CHECK(h.store.deadLetters("files").empty());
}

TEST_CASE("a lane whose task ends is shown down with the reason and started again", "[dispatch]") {
    DispatchOptions options = fastOptions();
    options.retryBackoff = 400ms; // the restart backoff: long enough to see the lane down
    LaneHarness h(options);
    h.submit("pending.example", false);
    h.store.failNextPending(2); // the lane cannot read its work at start, twice
    h.dispatcher->start();
    bool sawDown = test::eventually(
        [&] {
            LaneStatus st = h.lane();
            return !st.up && st.downReason.find("lane stopped") != std::string::npos;
        },
        10s, 10ms);
    REQUIRE(sawDown);
    CHECK_THAT(h.lane().downReason, Catch::Contains("store busy"));
    // Started again once the store answers: up, and the zone it could not read at first applied.
    CHECK(test::eventually([&] { return h.applied("pending.example"); }, 15s));
    CHECK(test::eventually([&] { return h.lane().up; }, 5s));
    CHECK(h.store.refused() == 2);
}

TEST_CASE("waiting for the backends shows a store that cannot be read as pending, not as a failed call", "[dispatch]") {
    LaneHarness h(fastOptions());
    h.dispatcher->start();
    h.submit("waited.example", true);
    REQUIRE(test::eventually([&] { return h.applied("waited.example"); }, 10s));
    h.store.failReads(test::FlakyStore::BackendStates);
    std::vector<BackendOutcome> outcomes;
    REQUIRE_NOTHROW(outcomes = h.dispatcher->waitFor("waited.example", 1, 0, 200ms));
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].state == "pending");
    CHECK_THAT(outcomes[0].error, Catch::Contains("store busy"));
    h.store.failReads(0);
    outcomes = h.dispatcher->waitFor("waited.example", 1, 0, 5s);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].state == "applied");
}

TEST_CASE("a failure the store refuses to record does not end the worker", "[dispatch]") {
    test::TempDir flags;
    std::string failFile = flags.file("fail");
    test::writeFile(failFile, "");
    DispatchOptions options = fastOptions();
    options.maxAttempts = 1000; // never a dead letter here
    LaneHarness h(options, ",\"fail_file\":\"" + failFile + "\""); // applies fail while the file exists
    h.store.failRecords(true);
    h.dispatcher->start();
    h.submit("refused.example", true);
    REQUIRE(test::eventually([&] { return h.lane().failed >= 2; }, 10s)); // the worker went on after the first
    h.store.failRecords(false);
    std::remove(failFile.c_str());
    CHECK(test::eventually([&] { return h.applied("refused.example"); }, 10s));
}
