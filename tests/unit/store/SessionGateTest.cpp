// The session gate: a caller waits for a free place instead of failing, and past the bound it
// gets Unavailable ("store busy") rather than waiting forever.
#include "core/store/SessionGate.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace dadns;
using Clock = std::chrono::steady_clock;

TEST_CASE("a caller waits for a place that frees up within the bound", "[store]") {
    SessionGate gate(1, std::chrono::seconds(10));
    gate.enter("first");
    std::atomic<bool> entered{false};
    std::thread second([&] {
        SessionGate::Pass pass(gate, "second");
        entered = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK_FALSE(entered); // no place yet: it waits
    gate.leave();
    second.join();
    CHECK(entered);
    SessionGate::Pass again(gate, "third"); // the second one's place was given back
}

TEST_CASE("when no place frees up within the bound the caller gets Unavailable", "[store]") {
    SessionGate gate(2, std::chrono::milliseconds(200));
    SessionGate::Pass a(gate, "a"), b(gate, "b");
    auto started = Clock::now();
    try {
        gate.enter("reading a zone");
        FAIL("entered a full gate");
    } catch (const Unavailable& e) {
        auto waited = Clock::now() - started;
        CHECK(waited >= std::chrono::milliseconds(190));
        CHECK(waited < std::chrono::seconds(5));
        CHECK(e.retryAfterSeconds >= 1);
        CHECK_THAT(e.what(), Catch::Contains("store busy") && Catch::Contains("reading a zone"));
    }
}

TEST_CASE("a refused caller takes no place", "[store]") {
    SessionGate gate(1, std::chrono::milliseconds(50));
    {
        SessionGate::Pass held(gate, "held");
        CHECK_THROWS_AS(gate.enter("refused"), Unavailable);
    }
    // Only the holder's place was taken and given back: two in a row get it again.
    { SessionGate::Pass one(gate, "one"); }
    { SessionGate::Pass two(gate, "two"); }
    SessionGate::Pass three(gate, "three");
    CHECK_THROWS_AS(gate.enter("four"), Unavailable);
}
