// The PostgreSQL engine against a real server: the shared store suite (ZoneStoreSuite.cpp is
// compiled in), and what sharing one database between instances needs.
#include "core/store/PostgresZoneStore.hpp"
#include "support/PostgresServer.hpp"
#include "support/StoreUnderTest.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <sstream>
#include <thread>

using namespace dadns;

namespace {

test::PostgresServer& server() {
    static test::PostgresServer pg;
    static bool started = [] {
        pg.start();
        return true;
    }();
    (void)started;
    return pg;
}

class PostgresUnderTest final : public test::StoreUnderTest {
public:
    std::string engine() const override { return "postgresql"; }
    void reset() override { server().recreateDatabase("dadns_suite"); }
    std::unique_ptr<ZoneStore> open(size_t historyPerZone, const std::string& nodeId) override {
        PostgresZoneStore::Options o;
        o.historyPerZone = historyPerZone;
        o.nodeId = nodeId;
        o.poolSize = 8;
        return std::make_unique<PostgresZoneStore>(server().dsn("dadns_suite"), o);
    }
};

} // namespace

test::StoreUnderTest& test::storeUnderTest() {
    static PostgresUnderTest postgres;
    return postgres;
}

TEST_CASE("two instances on one database: every submission gets its own version, none lost", "[store][postgresql]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    auto a = sut.open(100, "node-a");
    auto b = sut.open(100, "node-b");
    std::mutex m;
    std::set<uint64_t> versions;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            ZoneStore& store = t % 2 ? *a : *b;
            for (int i = 0; i < 25; ++i) {
                auto out = store.submit(test::zoneChange("shared.example", "t" + std::to_string(t) + "-" + std::to_string(i)));
                std::lock_guard<std::mutex> lock(m);
                versions.insert(out.version);
            }
        });
    for (auto& th : threads) th.join();
    CHECK(versions.size() == 200);
    CHECK(*versions.begin() == 1);
    CHECK(*versions.rbegin() == 200);
    CHECK(b->current("shared.example")->version == 200);
    CHECK(a->history("shared.example").size() == 100);
    // Each instance sees the other's writes at once.
    a->submit(test::zoneChange("only-a.example", "x"));
    CHECK(b->current("only-a.example"));
    a->recordApplied("bind", "only-a.example", 1, 1);
    CHECK(b->backendState("bind", "only-a.example")->appliedVersion == 1);
}

TEST_CASE("concurrent submissions share transactions, and one the database refuses fails alone", "[store][postgresql]") {
    server().recreateDatabase("dadns_batches");
    PostgresZoneStore::Options o;
    o.poolSize = 4;
    PostgresZoneStore store(server().dsn("dadns_batches"), o);
    std::atomic<int> failures{0};
    std::mutex m;
    std::map<std::string, std::set<uint64_t>> versions;
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) {
                // Several threads write the same zones, so batches hold several versions of one zone.
                std::string zone = "b" + std::to_string((t * 20 + i) % 40) + ".example";
                // PostgreSQL refuses text that is not UTF-8: that submission alone must fail.
                std::string text = t == 3 && i == 7 ? "x. 1 IN TXT \"\xff\xfe\"\n" : "x. 1 IN A 192.0.2.1\n";
                try {
                    auto out = store.submit(test::zoneChange(zone, text));
                    std::lock_guard<std::mutex> lock(m);
                    CHECK(versions[zone].insert(out.version).second);
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    for (auto& th : threads) th.join();
    CHECK(failures == 1);
    size_t stored = 0;
    for (auto& [zone, vs] : versions) {
        stored += vs.size();
        CHECK(*vs.rbegin() == vs.size()); // 1..n without gaps
        CHECK(store.current(zone)->version == vs.size());
    }
    CHECK(stored == 319);
}

TEST_CASE("an incremental poll returns only zones changed since, the full one all of them", "[store][postgresql]") {
    server().recreateDatabase("dadns_poll");
    PostgresZoneStore store(server().dsn("dadns_poll"), PostgresZoneStore::Options{});
    store.submit(test::zoneChange("old1.example"));
    store.submit(test::zoneChange("old2.example"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    int64_t since = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    store.submit(test::zoneChange("new.example"));
    auto names = [](const std::vector<PendingZone>& zones) {
        std::set<std::string> out;
        for (const auto& z : zones) out.insert(z.zone);
        return out;
    };
    CHECK(names(store.pending("bind")) == std::set<std::string>{"new.example", "old1.example", "old2.example"});
    CHECK(names(store.pendingSince("bind", since)) == std::set<std::string>{"new.example"});
    // A backend's own progress counts as a change: a failure recorded now brings its zone back.
    store.recordFailure("bind", "old1.example", 1, 1, 0, "refused", false);
    CHECK(names(store.pendingSince("bind", since)) == std::set<std::string>{"new.example", "old1.example"});
    store.recordApplied("bind", "new.example", 1, 1);
    CHECK(names(store.pendingSince("bind", since)) == std::set<std::string>{"old1.example"});
}

TEST_CASE("the schema is brought up to date from an older version and a newer one is refused", "[store][postgresql]") {
    server().recreateDatabase("dadns_schema");
    { PostgresZoneStore store(server().dsn("dadns_schema"), PostgresZoneStore::Options{}); }
    // As version 1 left it: no indexes.
    server().exec("DROP INDEX zones_updated; DROP INDEX backend_state_updated; UPDATE dadns_meta SET value = '1' WHERE key = 'schema_version'",
                  "dadns_schema");
    { PostgresZoneStore store(server().dsn("dadns_schema"), PostgresZoneStore::Options{}); }
    CHECK(server().exec("SELECT value FROM dadns_meta WHERE key = 'schema_version'", "dadns_schema").find("2") == 0);
    CHECK(server().exec("SELECT COUNT(*) FROM pg_indexes WHERE indexname IN ('zones_updated', 'backend_state_updated')", "dadns_schema").find("2") == 0);
    server().exec("UPDATE dadns_meta SET value = '99' WHERE key = 'schema_version'", "dadns_schema");
    CHECK_THROWS_WITH(PostgresZoneStore(server().dsn("dadns_schema"), PostgresZoneStore::Options{}), Catch::Contains("newer than this dadns"));
}

TEST_CASE("more concurrent callers than connections wait for one instead of failing", "[store][postgresql]") {
    server().recreateDatabase("dadns_small_pool");
    PostgresZoneStore::Options o;
    o.poolSize = 2; // one for progress records, one shared
    PostgresZoneStore store(server().dsn("dadns_small_pool"), o);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i) {
                try {
                    store.submit(test::zoneChange("p" + std::to_string(t) + "-" + std::to_string(i) + ".example", "x"));
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    CHECK(store.stats().zones == 80);
}

TEST_CASE("a claim on a zone is held by one holder until released or expired", "[store][postgresql]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    auto storeA = sut.open(3, "node-a");
    auto storeB = sut.open(3, "node-b");
    REQUIRE(storeA->workClaims());
    REQUIRE(storeB->workClaims());
    WorkClaims* a = storeA->workClaims();
    WorkClaims* b = storeB->workClaims();
    CHECK(a->claim("bind", "c.example", "a", 60000));
    CHECK_FALSE(b->claim("bind", "c.example", "b", 60000));
    CHECK(a->claim("bind", "c.example", "a", 60000)); // extending one's own
    CHECK(b->claim("pdns", "c.example", "b", 60000)); // another backend: another claim
    a->release("bind", "c.example", "a");
    CHECK(b->claim("bind", "c.example", "b", 1000));
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(a->claim("bind", "c.example", "a", 60000)); // b's expired
    // Renewal keeps a claim past its first lease; it never takes one back from another holder.
    CHECK(a->claim("bind", "r.example", "a", 800));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(a->renewClaims("bind", "a", 800) == 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK_FALSE(b->claim("bind", "r.example", "b", 60000));
    CHECK(b->renewClaims("bind", "b", 60000) == 0);
    a->release("bind", "r.example", "a");
    CHECK(a->releaseAll("a") == 1);
    CHECK(b->releaseAll("b") == 1);

    // Many holders on two instances try at once, on a zone never claimed and on one whose
    // lease expired: exactly one wins each time.
    for (int round = 0; round < 20; ++round) {
        std::string zone = "race" + std::to_string(round) + ".example";
        if (round % 2) {
            REQUIRE(a->claim("bind", zone, "stale", 1));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::atomic<int> winners{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t)
            threads.emplace_back([&, t] {
                if ((t % 2 ? a : b)->claim("bind", zone, "h" + std::to_string(round) + "-" + std::to_string(t), 60000)) ++winners;
            });
        for (auto& th : threads) th.join();
        CHECK(winners == 1);
    }
}

TEST_CASE("a store that cannot reach its database says where and why; the DSN's password is masked", "[store][postgresql]") {
    PostgresZoneStore::Options o;
    std::string dsn = "host=127.0.0.1 port=" + std::to_string(test::freePort()) + " dbname=x user=u password=s3cret connect_timeout=2";
    try {
        PostgresZoneStore store(dsn, o);
        FAIL("opened");
    } catch (const std::runtime_error& e) {
        std::string what = e.what();
        CHECK(what.find("cannot open PostgreSQL") != std::string::npos);
        CHECK(what.find("s3cret") == std::string::npos);
    }
    CHECK(PostgresZoneStore::describe("postgresql://dadns:pa55@db.example:5432/dadns") == "postgresql://dadns:***@db.example:5432/dadns");
    CHECK(PostgresZoneStore::describe("host=db password='a b' user=x") == "host=db password=*** user=x");
}

TEST_CASE("a daemon on a PostgreSQL store loses nothing acknowledged to kill -9 and converges after restart", "[store][postgresql]") {
    server().recreateDatabase("dadns_daemon");
    std::string cfg = test::baseConfig("store:\n  type: postgresql\n  dsn: \"" + server().dsn("dadns_daemon") +
                                       "\"\ndns:\n  backends:\n    files:\n      type: test_backend\n      dir: {dir}/files\n"
                                       "      delay_ms: 20\n      parallel: 2\n");
    cfg.replace(cfg.find("{plugins}"), 9, "{test_plugins}");
    test::Daemon d(cfg);
    d.start();
    CHECK(Poco::JSON::Parser().parse(d.get("/api/v1/status").body).extract<Poco::JSON::Object::Ptr>()->getObject("store")->getValue<std::string>(
              "engine") == "postgresql");
    const int zones = 60;
    for (int i = 0; i < zones; ++i) {
        std::string name = "k" + std::to_string(i) + ".example";
        REQUIRE(d.call("PUT", "/api/v1/zones/" + name, "$TTL 300\n@ IN SOA ns1." + name + ". h." + name + ". 1 3600 600 86400 300\n@ IN NS ns1." +
                                                          name + ".\nwww IN A 192.0.2." + std::to_string(i + 1) + "\n").status == 201);
    }
    d.kill9(); // while the slow backend is still applying
    d.start();
    test::Daemon& again = d;
    CHECK(server().exec("SELECT COUNT(*) FROM zones WHERE deleted = 0", "dadns_daemon").find(std::to_string(zones)) == 0);
    // The store records an apply after the backend wrote its file, and files written before the
    // kill are still there: convergence is the store's record, then every file is checked.
    CHECK(test::eventually([&] {
        return server().exec("SELECT COUNT(*) FROM backend_state WHERE backend = 'files' AND applied_version = 1", "dadns_daemon")
                   .find(std::to_string(zones)) == 0;
    }, std::chrono::seconds(60)));
    for (int i = 0; i < zones; ++i)
        CHECK(test::fileExists(again.dir() + "/files/k" + std::to_string(i) + ".example.zone"));
}

namespace {

// A daemon on the shared database whose backend writes into dir (shared by every instance,
// as one BIND or PowerDNS would be).
std::string sharedConfig(const std::string& database, const std::string& dir, int delayMs = 40, const std::string& lease = "2s") {
    std::string cfg = test::baseConfig("store:\n  type: postgresql\n  dsn: \"" + server().dsn(database) +
                                       "\"\ndns:\n  backends:\n    files:\n      type: test_backend\n      dir: " + dir +
                                       "\n      delay_ms: " + std::to_string(delayMs) + "\n      parallel: 2\n"
                                       "dispatch:\n  poll_interval: 100ms\n  lease: " + lease + "\n  retry_backoff: 100ms\n");
    cfg.replace(cfg.find("{plugins}"), 9, "{test_plugins}");
    return cfg;
}

std::string zoneText(const std::string& name, int i) {
    return "$TTL 300\n@ IN SOA ns1." + name + ". h." + name + ". 1 3600 600 86400 300\n@ IN NS ns1." + name + ".\nwww IN A 192.0.2." +
           std::to_string(i % 250 + 1) + "\n";
}

int64_t scalar(const std::string& sql, const std::string& database) { return std::stoll(server().exec(sql, database)); }

} // namespace

TEST_CASE("three instances share one backend's work: each zone applied once, a killed one's work finished, a drain leaves no claim",
          "[store][postgresql]") {
    server().recreateDatabase("dadns_shared");
    test::TempDir shared("dadns-shared-backend");
    std::vector<std::unique_ptr<test::Daemon>> daemons;
    for (int i = 0; i < 3; ++i) {
        daemons.push_back(std::make_unique<test::Daemon>(sharedConfig("dadns_shared", shared.path())));
        daemons.back()->start();
    }
    auto appliedCount = [&] { return scalar("SELECT COUNT(*) FROM backend_state WHERE backend = 'files' AND applied_version >= 1", "dadns_shared"); };

    // Pushed to one instance; the others find the work by polling the store.
    const int zones = 90;
    for (int i = 0; i < zones; ++i) {
        std::string name = "s" + std::to_string(i) + ".example";
        REQUIRE(daemons[0]->call("PUT", "/api/v1/zones/" + name, zoneText(name, i)).status == 201);
    }
    bool allApplied = test::eventually([&] { return appliedCount() == zones; }, std::chrono::seconds(60));
    if (!allApplied) // the instances' warnings say why
        for (auto& d : daemons) {
            std::istringstream all(d->log());
            std::string warnings;
            for (std::string line; std::getline(all, line) && warnings.size() < 3000;)
                if (line.find("[dispatch]") != std::string::npos || line.find("[store]") != std::string::npos) warnings += line + "\n";
            WARN(warnings);
        }
    REQUIRE(allApplied);
    auto log = test::readFile(shared.path() + "/applied.log");
    std::multiset<std::string> lines;
    std::istringstream in(log);
    for (std::string l; std::getline(in, l);) lines.insert(l);
    CHECK(lines.size() == static_cast<size_t>(zones)); // exactly once per zone and version
    for (const auto& l : lines) CHECK(lines.count(l) == 1);
    int working = 0;
    for (auto& d : daemons) working += d->metricSum("dadns_applies_total{backend=\"files\",result=\"ok\"}") > 0;
    CHECK(working >= 2); // the work was shared

    // One instance killed mid-run: its claims expire and the others finish its zones.
    for (int i = zones; i < 2 * zones; ++i) {
        std::string name = "s" + std::to_string(i) + ".example";
        REQUIRE(daemons[1]->call("PUT", "/api/v1/zones/" + name, zoneText(name, i)).status == 201);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    daemons[1]->kill9();
    CHECK(test::eventually([&] { return appliedCount() == 2 * zones; }, std::chrono::seconds(60)));

    // A drain on SIGTERM: in-flight applies finish, and no claim of that instance is left.
    for (int i = 2 * zones; i < 3 * zones; ++i) {
        std::string name = "s" + std::to_string(i) + ".example";
        REQUIRE(daemons[0]->call("PUT", "/api/v1/zones/" + name, zoneText(name, i)).status == 201);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    int pid = daemons[0]->pid();
    CHECK(daemons[0]->stop() == 0);
    CHECK(scalar("SELECT COUNT(*) FROM leases WHERE holder LIKE '%:" + std::to_string(pid) + ":%'", "dadns_shared") == 0);
    CHECK(test::eventually([&] { return appliedCount() == 3 * zones; }, std::chrono::seconds(60)));
}

TEST_CASE("an apply that outlasts its lease keeps its zone: the claim is renewed while it runs", "[store][postgresql]") {
    server().recreateDatabase("dadns_renew");
    test::TempDir shared("dadns-renew-backend");
    // Applies take 2.5 s, claims last 1 s: without renewal the other instance would take the
    // zones over at its next poll and apply them a second time.
    std::string cfg = sharedConfig("dadns_renew", shared.path(), 2500, "1s");
    test::Daemon a(cfg), b(cfg);
    a.start();
    b.start();
    const int zones = 4;
    for (int i = 0; i < zones; ++i) {
        std::string name = "r" + std::to_string(i) + ".example";
        REQUIRE(a.call("PUT", "/api/v1/zones/" + name, zoneText(name, i)).status == 201);
    }
    REQUIRE(test::eventually([&] {
        return scalar("SELECT COUNT(*) FROM backend_state WHERE backend = 'files' AND applied_version >= 1", "dadns_renew") == zones;
    }, std::chrono::seconds(60)));
    std::this_thread::sleep_for(std::chrono::seconds(3)); // a duplicate apply would finish by now
    std::string log = test::readFile(shared.path() + "/applied.log");
    CHECK(std::count(log.begin(), log.end(), '\n') == zones);
}

TEST_CASE("a drift scan on a shared store repairs a zone the backend lost, though the store says it is applied",
          "[store][postgresql]") {
    server().recreateDatabase("dadns_drift");
    test::TempDir shared("dadns-drift-backend");
    std::string cfg = sharedConfig("dadns_drift", shared.path(), 20);
    test::Daemon a(cfg), b(cfg);
    a.start();
    b.start();
    REQUIRE(a.call("PUT", "/api/v1/zones/lost.example?wait=20", zoneText("lost.example", 3)).status == 200);
    std::string file = shared.path() + "/lost.example.zone";
    REQUIRE(test::fileExists(file));
    std::remove(file.c_str()); // lost on the backend, behind the daemons' backs

    auto scan = Poco::JSON::Parser().parse(b.call("POST", "/api/v1/backends/files/drift").body).extract<Poco::JSON::Object::Ptr>();
    CHECK(scan->getValue<int>("missing") == 1);
    // The claim sees version 1 applied in the store; a repair is applied even so.
    CHECK(test::eventually([&] { return test::fileExists(file); }, std::chrono::seconds(20)));
}

TEST_CASE("--role splits API-only and worker-only instances on one database", "[store][postgresql]") {
    server().recreateDatabase("dadns_roles");
    test::TempDir shared("dadns-roles-backend");
    std::string cfg = sharedConfig("dadns_roles", shared.path()) + "ingestion:\n  test_ingestion: {}\n";
    test::Daemon ingest(cfg), worker(cfg);
    ingest.setArgs({"--role=ingest"});
    worker.setArgs({"--role=dispatch"});
    ingest.start();
    worker.start();
    auto status = [](test::Daemon& d) { return Poco::JSON::Parser().parse(d.get("/api/v1/status").body).extract<Poco::JSON::Object::Ptr>(); };
    CHECK(status(ingest)->getValue<std::string>("role") == "ingest");
    CHECK(status(worker)->getValue<std::string>("role") == "dispatch");
    CHECK(Poco::JSON::Parser().parse(ingest.get("/api/v1/backends").body).extract<Poco::JSON::Object::Ptr>()->getArray("backends")->size() == 0);

    REQUIRE(ingest.call("PUT", "/api/v1/zones/role.example", zoneText("role.example", 7)).status == 201);
    // The count is added after the backend wrote the file: wait on it, then look at the file.
    CHECK(test::eventually([&] { return worker.metricSum("dadns_applies_total{backend=\"files\",result=\"ok\"}") == 1; }));
    CHECK(test::fileExists(shared.path() + "/role.example.zone"));
    // Ingestion plugins run on the ingest instance only.
    CHECK(ingest.call("POST", "/api/v1/test-ingest/plugin.example", zoneText("plugin.example", 8)).status == 200);
    CHECK(worker.call("POST", "/api/v1/test-ingest/plugin.example", zoneText("plugin.example", 9)).status == 404);
    CHECK(test::eventually([&] { return test::fileExists(shared.path() + "/plugin.example.zone"); }));
    // ?wait on the ingest instance waits for the dispatch instances' backends.
    auto waited = ingest.call("PUT", "/api/v1/zones/role.example?wait=20", zoneText("role.example", 10));
    CHECK(waited.status == 200);
    auto result = Poco::JSON::Parser().parse(waited.body).extract<Poco::JSON::Object::Ptr>();
    REQUIRE(result->getArray("backends")->size() == 1);
    CHECK(result->getArray("backends")->getObject(0)->getValue<std::string>("backend") == "files");
    CHECK(result->getArray("backends")->getObject(0)->getValue<int>("applied_version") >= 2);

    // A split role on the embedded store is refused: nobody else could dispatch its changes.
    test::Daemon alone(test::baseConfig(""));
    alone.setArgs({"--role=ingest"});
    CHECK_THROWS(alone.start());
    CHECK(alone.log().find("--role ingest needs a store other instances share") != std::string::npos);
}

