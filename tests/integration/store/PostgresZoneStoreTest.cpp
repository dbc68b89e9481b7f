// The PostgreSQL engine against a real server: the shared store suite (ZoneStoreSuite.cpp is
// compiled in), and what sharing one database between instances needs.
#include "core/store/PostgresZoneStore.hpp"
#include "support/PostgresServer.hpp"
#include "support/StoreUnderTest.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <set>
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

ZoneSubmission zone(const std::string& name, const std::string& text) {
    ZoneSubmission s;
    s.name = name;
    s.zoneText = text;
    s.recordCount = 1;
    s.origin = {"rest", "", ""};
    return s;
}

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
                auto out = store.submit(zone("shared.example", "t" + std::to_string(t) + "-" + std::to_string(i)));
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
    a->submit(zone("only-a.example", "x"));
    CHECK(b->current("only-a.example"));
    a->recordApplied("bind", "only-a.example", 1, 1);
    CHECK(b->backendState("bind", "only-a.example")->appliedVersion == 1);
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
