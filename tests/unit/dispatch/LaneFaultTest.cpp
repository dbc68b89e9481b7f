// A lane survives a store that throws: house-keeping steps record the error and go on, a zone
// the store cannot read waits without counting against the backend, and a lane whose task ends
// is shown down with the reason and started again by the dispatcher. In process, with the
// test backend plugin and a store whose reads fail on demand.
#include "support/LaneHarness.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <thread>

using namespace dadns;
using namespace dadns::test;
using namespace std::chrono_literals;

TEST_CASE("a drift scan whose store read throws is recorded, and the lane goes on", "[dispatch]") {
    DispatchOptions options = fastOptions();
    options.driftInterval = 200ms;
    LaneHarness h(options);
    h.store.failReads(FlakyStore::List);
    h.dispatcher->start();
    REQUIRE(eventually([&] { return !h.lane().houseKeepingError.empty(); }, 10s));
    LaneStatus failing = h.lane();
    CHECK_THAT(failing.houseKeepingError, Catch::Contains("drift scan failed") && Catch::Contains("store busy"));
    CHECK(failing.houseKeepingErrorAtMs > 0);
    CHECK(failing.up);
    // The lane still applies changes, and the error clears once a scan succeeds.
    h.submit("after.example", true);
    CHECK(eventually([&] { return h.applied("after.example"); }, 10s));
    h.store.failReads(0);
    CHECK(eventually([&] { return h.lane().houseKeepingError.empty(); }, 10s));
}

TEST_CASE("a zone the store cannot read waits for the store without counting against the backend", "[dispatch]") {
    LaneHarness h(fastOptions());
    h.submit("unread.example", false); // queued from the store at start: the lane must read it
    h.store.failReads(FlakyStore::Current);
    h.dispatcher->start();
    REQUIRE(eventually([&] { return h.store.refused() >= 8; }, 10s)); // well past breaker_failures (5)
    LaneStatus waiting = h.lane();
    CHECK(waiting.up);
    CHECK(waiting.consecutiveFailures == 0);
    CHECK(waiting.failed == 0);
    CHECK_THAT(waiting.lastError, Catch::Contains("store busy"));
    CHECK_FALSE(h.applied("unread.example"));
    h.store.failReads(0);
    CHECK(eventually([&] { return h.applied("unread.example"); }, 10s));
    CHECK(h.store.deadLetters("files").empty());
}

TEST_CASE("a lane whose task ends is shown down with the reason and started again", "[dispatch]") {
    DispatchOptions options = fastOptions();
    options.retryBackoff = 400ms; // the restart backoff: long enough to see the lane down
    LaneHarness h(options);
    h.submit("pending.example", false);
    h.store.failNextPending(2); // the lane cannot read its work at start, twice
    h.dispatcher->start();
    bool sawDown = eventually(
        [&] {
            LaneStatus st = h.lane();
            return !st.up && st.downReason.find("lane stopped") != std::string::npos;
        },
        10s, 10ms);
    REQUIRE(sawDown);
    CHECK_THAT(h.lane().downReason, Catch::Contains("store busy"));
    // Started again once the store answers: up, and the zone it could not read at first applied.
    CHECK(eventually([&] { return h.applied("pending.example"); }, 15s));
    CHECK(eventually([&] { return h.lane().up; }, 5s));
    CHECK(h.store.refused() == 2);
}

TEST_CASE("waiting for the backends shows a store that cannot be read as pending, not as a failed call", "[dispatch]") {
    LaneHarness h(fastOptions());
    h.dispatcher->start();
    h.submit("waited.example", true);
    REQUIRE(eventually([&] { return h.applied("waited.example"); }, 10s));
    h.store.failReads(FlakyStore::BackendStates);
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
    TempDir flags;
    std::string failFile = flags.file("fail");
    writeFile(failFile, "");
    DispatchOptions options = fastOptions();
    options.maxAttempts = 1000; // never a dead letter here
    LaneHarness h(options, ",\"fail_file\":\"" + failFile + "\""); // applies fail while the file exists
    h.store.failRecords(true);
    h.dispatcher->start();
    h.submit("refused.example", true);
    REQUIRE(eventually([&] { return h.lane().failed >= 2; }, 10s)); // the worker went on after the first
    h.store.failRecords(false);
    std::remove(failFile.c_str());
    CHECK(eventually([&] { return h.applied("refused.example"); }, 10s));
}
