// The lane's rules, part by part, without threads: the zone queue, the outcome policy with its
// retry schedule and breaker, and the batch lines.
#include "core/dispatch/BatchProgress.hpp"
#include "core/dispatch/OutcomePolicy.hpp"
#include "core/dispatch/ZoneQueue.hpp"

#include <catch2/catch.hpp>

using namespace dadns;
using namespace std::chrono_literals;

namespace {

ZoneWork at(uint64_t version, int64_t dueMs = 0) { return ZoneWork{version, false, 0, dueMs, nullptr}; }

ZoneDecision retryIn(std::chrono::milliseconds delay, int attempts) {
    return ZoneDecision{ZoneDecision::Next::RetryLater, attempts, delay};
}

} // namespace

TEST_CASE("zone queue: the latest version wins and many changes coalesce into one apply", "[dispatch]") {
    ZoneQueue q;
    for (uint64_t v = 1; v <= 1000; ++v) q.offer("busy.example", at(v), 100);
    CHECK_FALSE(q.offer("busy.example", at(500), 100)); // an older notification arrives late
    REQUIRE(q.size() == 1);
    auto taken = q.takeDue(100);
    REQUIRE(taken);
    CHECK(taken->first == "busy.example");
    CHECK(taken->second.work.version == 1000);
    CHECK(taken->second.sinceMs == 100);
    CHECK_FALSE(q.takeDue(100)); // in flight at most once
    q.settle("busy.example", 1000, ZoneDecision{}, 200);
    CHECK(q.empty());
    CHECK(q.inFlight() == 0);
}

TEST_CASE("zone queue: a version that arrives during its apply is applied next, with a fresh count", "[dispatch]") {
    ZoneQueue q;
    q.offer("z.example", ZoneWork{1, false, 3, 0, nullptr}, 0);
    auto taken = q.takeDue(0);
    REQUIRE(taken);
    CHECK(taken->second.work.attempts == 3);
    CHECK(q.offer("z.example", at(2), 10));
    CHECK_FALSE(q.takeDue(10)); // still in flight
    q.settle("z.example", 1, retryIn(60s, 4), 20);
    auto next = q.takeDue(20); // due at once: the failed version is superseded
    REQUIRE(next);
    CHECK(next->second.work.version == 2);
    CHECK(next->second.work.attempts == 0);
}

TEST_CASE("zone queue: due times order the work; retrying zones wait for theirs", "[dispatch]") {
    ZoneQueue q;
    q.offer("late.example", at(1, 500), 0);
    q.offer("now.example", at(1), 0);
    CHECK(q.nextDueMs() == 0);
    CHECK(q.takeDue(0)->first == "now.example");
    CHECK_FALSE(q.takeDue(499));
    CHECK(q.nextDueMs() == 500);
    q.settle("now.example", 1, retryIn(1000ms, 1), 0);
    CHECK(q.retrying() == 1);
    CHECK(q.takeDue(500)->first == "late.example");
    CHECK_FALSE(q.takeDue(999));
    CHECK(q.takeDue(1000)->first == "now.example");
    CHECK(q.size() == 2);
    CHECK(q.inFlight() == 2);
    CHECK(q.retrying() == 0); // in flight, not waiting
}

TEST_CASE("zone queue: a dead letter stays out until its zone changes or is redriven", "[dispatch]") {
    ZoneQueue q;
    q.offer("poison.example", at(3), 0);
    q.takeDue(0);
    q.settle("poison.example", 3, ZoneDecision{ZoneDecision::Next::DeadLetter, 1, 0ms}, 0);
    CHECK(q.empty());
    CHECK(q.deadLetters() == 1);
    CHECK(q.parked("poison.example", 3));
    CHECK_FALSE(q.offer("poison.example", at(3), 0)); // a drift scan or a poll finds it again
    CHECK(q.empty());
    CHECK(q.offer("poison.example", at(4), 0));       // its desired state changed
    CHECK(q.deadLetters() == 0);
    q.takeDue(0);
    q.settle("poison.example", 4, ZoneDecision{ZoneDecision::Next::DeadLetter, 1, 0ms}, 0);
    CHECK(q.redrive() == 1);
    CHECK(q.deadLetters() == 0);
    CHECK(q.offer("poison.example", at(4), 0));
}

TEST_CASE("zone queue: put back and drop end a flight without an outcome", "[dispatch]") {
    ZoneQueue q;
    q.offer("a.example", ZoneWork{1, false, 2, 0, nullptr}, 0);
    q.takeDue(0);
    q.putBack("a.example", 300);
    CHECK(q.inFlight() == 0);
    CHECK_FALSE(q.takeDue(299));
    auto again = q.takeDue(300);
    REQUIRE(again);
    CHECK(again->second.work.attempts == 2); // not counted
    q.drop("a.example", 1);                  // another instance has it
    CHECK(q.empty());
    q.offer("b.example", at(1), 0);
    q.takeDue(0);
    q.offer("b.example", at(2), 0);
    q.drop("b.example", 1); // a newer version came meanwhile: kept, due now
    CHECK(q.takeDue(0)->second.work.version == 2);
}

TEST_CASE("zone queue: a repair during the flight of its version sends that version once more", "[dispatch]") {
    ZoneQueue q;
    q.offer("d.example", at(5), 0);
    q.takeDue(0);
    CHECK_FALSE(q.offer("d.example", at(5), 0)); // what a drift scan did before: the repair was lost
    CHECK(q.repair("d.example", at(5), 10));      // the drift was found after the apply wrote
    CHECK_FALSE(q.takeDue(10));                   // still in flight
    q.settle("d.example", 5, ZoneDecision{}, 20);
    auto again = q.takeDue(20);
    REQUIRE(again);
    CHECK(again->second.work.version == 5);
    CHECK(again->second.repair); // applied already: a shared store's claim must not take it as done
    q.settle("d.example", 5, ZoneDecision{}, 30);
    CHECK(q.empty()); // once

    // Not in flight: queued as offer does, marked repair; waiting already: nothing more; a newer
    // version is no repair; a dead letter: refused.
    CHECK(q.repair("d.example", at(5), 40));
    CHECK(q.repair("d.example", at(5), 40));
    CHECK(q.size() == 1);
    q.offer("n.example", at(1), 40);
    CHECK(q.repair("n.example", at(1), 40)); // waiting at that version: marked
    q.offer("n.example", at(2), 40);         // then a change: a new version, not applied anywhere
    auto taken = q.takeDue(40);
    REQUIRE(taken);
    CHECK(taken->first == "d.example");
    CHECK(taken->second.repair);
    auto newer = q.takeDue(40);
    REQUIRE(newer);
    CHECK(newer->second.work.version == 2);
    CHECK_FALSE(newer->second.repair);
    q.settle("n.example", 2, ZoneDecision{}, 40);
    CHECK(q.repair("d.example", at(5), 50));
    q.settle("d.example", 5, retryIn(1s, 1), 60); // failed: its retry carries the repair
    CHECK(q.retrying() == 1);
    CHECK_FALSE(q.takeDue(60));
    q.takeDue(1060);
    q.settle("d.example", 5, ZoneDecision{ZoneDecision::Next::DeadLetter, 2, 0ms}, 1100);
    CHECK_FALSE(q.repair("d.example", at(5), 1200));
    CHECK(q.empty());
    // Another instance holds it: the repair keeps it, due now.
    q.offer("o.example", at(1), 0);
    q.takeDue(0);
    q.repair("o.example", at(1), 0);
    q.drop("o.example", 1);
    auto kept = q.takeDue(0);
    REQUIRE(kept);
    CHECK(kept->first == "o.example");
    CHECK(kept->second.repair);
    q.settle("o.example", 1, ZoneDecision{}, 0);
    // A repair, then a newer version, then the claim lost: the newer version goes once, and no
    // repair is left over for it.
    q.offer("p.example", at(5), 0);
    q.takeDue(0);
    q.repair("p.example", at(5), 0);
    q.offer("p.example", at(6), 0);
    q.drop("p.example", 5);
    auto six = q.takeDue(0);
    REQUIRE(six);
    CHECK(six->second.work.version == 6);
    q.settle("p.example", 6, ZoneDecision{}, 0);
    CHECK(q.empty());
}

TEST_CASE("zone queue: parsed records are kept only for a bounded backlog", "[dispatch]") {
    ZoneQueue q(2);
    auto parsed = std::make_shared<const sdk::Zone>();
    for (int i = 0; i < 4; ++i) q.offer("z" + std::to_string(i) + ".example", ZoneWork{1, false, 0, 0, parsed}, 0);
    size_t withRecords = 0;
    while (auto t = q.takeDue(0)) withRecords += t->second.work.parsed != nullptr;
    CHECK(withRecords == 2);
}

TEST_CASE("outcome policy: retries back off with jitter within bounds, then dead-letter", "[dispatch]") {
    RetryPolicy retry(100ms, 1000ms, 5);
    for (int attempts = 0; attempts < 4; ++attempts) {
        for (int sample = 0; sample < 200; ++sample) {
            ZoneDecision d = decideZone(ApplyKind::Retryable, attempts, retry);
            REQUIRE(d.next == ZoneDecision::Next::RetryLater);
            CHECK(d.attempts == attempts + 1);
            long long ceiling = std::min<long long>(100LL << attempts, 1000);
            CHECK(d.retryIn.count() >= ceiling / 2);
            CHECK(d.retryIn.count() <= ceiling);
        }
    }
    ZoneDecision last = decideZone(ApplyKind::Retryable, 4, retry);
    CHECK(last.next == ZoneDecision::Next::DeadLetter);
    CHECK(last.attempts == 5);
}

TEST_CASE("outcome policy: a permanent error dead-letters the zone at once; success is done", "[dispatch]") {
    RetryPolicy retry(100ms, 1000ms, 8);
    ZoneDecision d = decideZone(ApplyKind::Permanent, 0, retry);
    CHECK(d.next == ZoneDecision::Next::DeadLetter);
    CHECK(d.attempts == 1);
    CHECK(decideZone(ApplyKind::Applied, 3, retry).next == ZoneDecision::Next::Done);
    CHECK(decideZone(ApplyKind::NothingToDo, 0, retry).next == ZoneDecision::Next::Done);
}

TEST_CASE("outcome policy: only retryable failures in a row open the breaker", "[dispatch]") {
    BreakerState b;
    for (int i = 0; i < 20; ++i) b = breakerAfter(b, ApplyKind::Permanent, 5); // a poison zone, again and again
    CHECK_FALSE(b.open);
    CHECK(b.consecutiveFailures == 0);
    for (int i = 0; i < 4; ++i) b = breakerAfter(b, ApplyKind::Retryable, 5);
    CHECK_FALSE(b.open);
    b = breakerAfter(b, ApplyKind::Applied, 5); // a success in between starts the count again
    CHECK(b.consecutiveFailures == 0);
    for (int i = 0; i < 4; ++i) b = breakerAfter(b, ApplyKind::Retryable, 5);
    b = breakerAfter(b, ApplyKind::Permanent, 5); // neither counts nor resets
    CHECK(b.consecutiveFailures == 4);
    b = breakerAfter(b, ApplyKind::Retryable, 5);
    CHECK(b.open);
    CHECK(b.consecutiveFailures == 5);
}

TEST_CASE("batch progress: one started and one complete line per batch, progress in between", "[dispatch]") {
    BatchProgress batch;
    CHECK(batch.progress(0) == 1.0);
    batch.opened(1000);
    batch.opened(1500); // already open: the start time stays
    CHECK(batch.started(4) == std::optional<std::string>("batch started: 4 zone(s) queued"));
    CHECK_FALSE(batch.started(3));
    batch.succeeded();
    batch.succeeded();
    batch.succeeded();
    batch.failed();
    CHECK(batch.progress(4) == Approx(0.5));
    CHECK_FALSE(batch.closeIfIdle(false, 2000));
    auto line = batch.closeIfIdle(true, 3000);
    REQUIRE(line);
    CHECK_THAT(*line, Catch::StartsWith("batch complete: 3/4 zone(s) succeeded in 2.00s (2.0 zones/s)"));
    CHECK_FALSE(batch.closeIfIdle(true, 3000));
    batch.opened(4000, true); // a shared store's poll is no batch
    CHECK_FALSE(batch.started(1));
    batch.opened(5000);
    CHECK(batch.closeIfIdle(true, 5000) == std::nullopt); // nothing was tried: no line
}
