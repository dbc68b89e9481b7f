// The SQLite engine under the shared store suite, and what only it does: group commit, and
// reopening 100,000 zones from its index.
#include "core/store/SqliteZoneStore.hpp"
#include "support/StoreUnderTest.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>

using namespace dadns;

namespace {

SqliteZoneStore::Options options(size_t history = 3) {
    SqliteZoneStore::Options o;
    o.historyPerZone = history;
    o.nodeId = "node-a";
    return o;
}

class SqliteUnderTest final : public test::StoreUnderTest {
public:
    std::string engine() const override { return "sqlite"; }
    void reset() override { dir_ = std::make_unique<test::TempDir>("dadns-store"); }
    std::unique_ptr<ZoneStore> open(size_t historyPerZone, const std::string& nodeId) override {
        if (!dir_) reset();
        SqliteZoneStore::Options o;
        o.historyPerZone = historyPerZone;
        o.nodeId = nodeId;
        return std::make_unique<SqliteZoneStore>(dir_->path(), o);
    }

private:
    std::unique_ptr<test::TempDir> dir_;
};

} // namespace

test::StoreUnderTest& test::storeUnderTest() {
    static SqliteUnderTest sqlite;
    return sqlite;
}

TEST_CASE("concurrent submissions are all stored and share commits", "[store]") {
    test::TempDir dir;
    SqliteZoneStore store(dir.path(), options());
    constexpr int kThreads = 16, kPerThread = 200;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) store.submit(test::zoneChange("t" + std::to_string(t) + "-" + std::to_string(i) + ".example"));
        });
    for (auto& th : threads) th.join();
    CHECK(store.stats().zones == kThreads * kPerThread);
    CHECK(store.submissions() == kThreads * kPerThread);
    CHECK(store.commits() < store.submissions());
    WARN(store.submissions() << " submissions in " << store.commits() << " commits");
}

TEST_CASE("many concurrent reads all succeed: a read waits for a session instead of failing", "[store]") {
    test::TempDir dir;
    SqliteZoneStore store(dir.path(), options());
    store.submit(test::zoneChange("busy.example"));
    constexpr int kThreads = 64, kReads = 20;
    std::atomic<int> answered{0};
    std::mutex failuresMutex;
    std::vector<std::string> failures;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < kReads; ++i) {
                try {
                    auto z = store.current("busy.example");
                    auto listed = store.list(ZoneListFilter{});
                    if (z && z->version == 1 && !z->zoneText.empty() && listed.size() == 1) ++answered;
                } catch (const std::exception& e) {
                    std::lock_guard<std::mutex> lock(failuresMutex);
                    failures.push_back(e.what());
                }
            }
        });
    for (auto& th : threads) th.join();
    INFO((failures.empty() ? std::string() : failures.front()));
    CHECK(failures.empty());
    CHECK(answered == kThreads * kReads);
}

TEST_CASE("100,000 zones reopen with their state", "[store][slow]") {
    test::TempDir dir;
    {
        SqliteZoneStore store(dir.path(), options());
        std::vector<std::thread> threads;
        for (int t = 0; t < 32; ++t)
            threads.emplace_back([&, t] {
                for (int i = t; i < 100000; i += 32) store.submit(test::zoneChange("z" + std::to_string(i) + ".example"));
            });
        for (auto& th : threads) th.join();
        for (int i = 0; i < 100000; ++i) store.recordApplied("bind", "z" + std::to_string(i) + ".example", 1, 1);
        store.flush();
    }
    auto t0 = std::chrono::steady_clock::now();
    SqliteZoneStore reopened(dir.path(), options());
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    WARN("reopened 100,000 zones in " << ms << " ms");
    CHECK(reopened.stats().zones == 100000);
    CHECK(reopened.pending("bind").empty());
    CHECK(reopened.current("z99999.example")->version == 1);
}
