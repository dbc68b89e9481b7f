// The lane as a plugin author meets it, in process with the test backend: what permanent and
// retryable errors do to the zone and to the backend, dead letters and redrive, drift scans
// and their delete safety limit.
#include "support/LaneHarness.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <thread>

using namespace dadns;
using namespace dadns::test;
using namespace std::chrono_literals;

TEST_CASE("a poison zone beside healthy ones: a dead letter, the breaker stays closed, the others apply", "[dispatch]") {
    TempDir flags;
    std::string poison = flags.file("poison");
    writeFile(poison, "");
    DispatchOptions options = fastOptions();
    options.breakerFailures = 2;
    options.driftInterval = 100ms;
    LaneHarness h(options, ",\"poison_file\":\"" + poison + "\"");
    h.dispatcher->start();
    h.submit("poison.example", true);
    for (int i = 0; i < 5; ++i) h.submit("ok" + std::to_string(i) + ".example", true);
    auto allApplied = [&] {
        for (int i = 0; i < 5; ++i)
            if (!h.applied("ok" + std::to_string(i) + ".example")) return false;
        return true;
    };
    // Two workers: ok4 can be written before ok3, so every file is waited for.
    REQUIRE(eventually([&] { return allApplied() && h.lane().deadLetters == 1; }, 10s));

    // Drift scans see the zone missing on the backend, report it, and leave it alone.
    int64_t firstScan = h.lane().drift.atMs;
    REQUIRE(eventually([&] { return h.lane().drift.atMs > firstScan + 300; }, 10s)); // several scans later
    LaneStatus st = h.lane();
    CHECK(st.up);
    CHECK(st.consecutiveFailures == 0);
    CHECK(st.failed == 1); // tried once
    CHECK(st.deadLetters == 1);
    CHECK(st.drift.deadLettered == 1);
    CHECK(st.drift.missing == 0);
    CHECK(st.queued == 0);
    REQUIRE(h.store.deadLetters("files").size() == 1);
    CHECK_THAT(h.store.deadLetters("files")[0].lastError, Catch::Contains("would reject zone poison.example"));

    // A new version is tried again (and fails again); a redrive tries again too.
    h.submit("poison.example", true, 2);
    REQUIRE(eventually([&] { return h.lane().failed == 2; }, 10s));
    CHECK(h.lane().deadLetters == 1);
    std::remove(poison.c_str());
    CHECK(h.dispatcher->redrive("files") == 1);
    CHECK(eventually([&] { return h.applied("poison.example"); }, 10s));
    CHECK(eventually([&] { return h.lane().deadLetters == 0; }, 5s)); // the count is of now
    CHECK(h.store.deadLetters("files").empty());
}

TEST_CASE("retryable failures in a row open the breaker; a passing health probe closes it", "[dispatch]") {
    TempDir flags;
    std::string failing = flags.file("fail"), unhealthy = flags.file("unhealthy");
    writeFile(failing, "");
    writeFile(unhealthy, "");
    DispatchOptions options = fastOptions();
    options.breakerFailures = 3;
    options.maxAttempts = 1000;
    LaneHarness h(options, ",\"fail_file\":\"" + failing + "\",\"health_file\":\"" + unhealthy + "\"");
    h.dispatcher->start();
    for (int i = 0; i < 4; ++i) h.submit("z" + std::to_string(i) + ".example", true);
    // The breaker opens with the last error as its reason; the first probe, a backoff later,
    // replaces it with its own.
    REQUIRE(eventually([&] { return !h.lane().up; }, 10s));
    CHECK(eventually([&] { return h.lane().downReason.find("health_file exists") != std::string::npos; }, 10s));
    // A zone still in flight when the breaker opened may fail once more: the count settles first.
    REQUIRE(eventually([&] { return h.lane().inFlight == 0; }, 10s));
    std::this_thread::sleep_for(300ms); // past the next published snapshot
    uint64_t failedWhenDown = h.lane().failed;
    CHECK(failedWhenDown >= 3);
    std::this_thread::sleep_for(500ms);
    CHECK(h.lane().failed == failedWhenDown); // nothing is tried while the breaker is open
    CHECK(h.lane().deadLetters == 0);

    std::remove(failing.c_str());
    std::this_thread::sleep_for(300ms);
    CHECK_FALSE(h.lane().up); // the applies would pass now, but only a probe closes the breaker
    std::remove(unhealthy.c_str());
    CHECK(eventually([&] { return h.lane().up; }, 10s));
    for (int i = 0; i < 4; ++i) CHECK(eventually([&] { return h.applied("z" + std::to_string(i) + ".example"); }, 10s));
    CHECK(h.lane().consecutiveFailures == 0);
}

TEST_CASE("a drift scan re-queues a zone the backend lost and removes unknown zones within the safety limit", "[dispatch]") {
    DispatchOptions options = fastOptions();
    options.removeUnknownZones = true;
    options.maxDeleteFraction = 0.5;
    LaneHarness h(options);
    h.dispatcher->start();
    for (int i = 0; i < 4; ++i) h.submit("known" + std::to_string(i) + ".example", true);
    // Every zone written and the lane idle: none is in flight when the scan looks.
    REQUIRE(eventually([&] {
        LaneStatus st = h.lane();
        for (int i = 0; i < 4; ++i)
            if (!h.applied("known" + std::to_string(i) + ".example")) return false;
        return st.applied == 4 && st.inFlight == 0 && st.queued == 0;
    }, 10s));
    std::remove(h.backendFile("known1.example").c_str()); // lost on the backend
    for (int i = 0; i < 5; ++i) writeFile(h.backendFile("stray" + std::to_string(i) + ".example"), "x\n");

    // 5 unknown of 8 on the backend is over half: reported, nothing removed.
    DriftReport refused = h.dispatcher->scanDrift("files", false);
    CHECK(refused.missing == 1);
    CHECK(refused.unknownTotal == 5);
    CHECK(refused.removed == 0);
    CHECK_THAT(refused.refused, Catch::Contains("exceeds dispatch.max_delete_fraction"));
    CHECK(h.applied("stray0.example"));
    CHECK(eventually([&] { return h.applied("known1.example"); }, 10s));

    // Forced, they go.
    DriftReport forced = h.dispatcher->scanDrift("files", true);
    CHECK(forced.removed == 5);
    CHECK(forced.refused.empty());
    CHECK_FALSE(h.applied("stray0.example"));
    // Within the limit, a scan removes without force.
    writeFile(h.backendFile("stray9.example"), "x\n");
    DriftReport within = h.dispatcher->scanDrift("files", false);
    CHECK(within.removed == 1);
    CHECK(within.missing == 0);
}

TEST_CASE("a dead letter from before a restart stays out of the queue", "[dispatch]") {
    TempDir flags;
    std::string poison = flags.file("poison");
    writeFile(poison, "");
    DispatchOptions options = fastOptions();
    options.driftInterval = 100ms;
    LaneHarness h(options, ",\"poison_file\":\"" + poison + "\"");
    h.submit("poison.example", false);
    // As recorded by an earlier run of the lane.
    h.store.recordFailure("files", "poison.example", 1, 1, 0, "test_backend: would reject zone poison.example", true);
    h.store.flush();
    h.dispatcher->start();
    REQUIRE(eventually([&] { return h.lane().drift.atMs > 0; }, 10s));
    std::this_thread::sleep_for(300ms);
    LaneStatus st = h.lane();
    CHECK(st.failed == 0);
    CHECK(st.deadLetters == 1);
    CHECK(st.drift.deadLettered == 1);
}
