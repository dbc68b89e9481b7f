// The bind plugin's signaller, compiled in, against a stand-in rndc (FakeRndc.hpp).
#include "FakeRndc.hpp"
#include "NamedSignaller.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using dadns::bind::NamedSignaller;
using dadns::test::FakeRndc;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

NamedSignaller::Options includeOptions(const std::vector<std::string>& rndc, std::chrono::milliseconds batch) {
    NamedSignaller::Options options;
    if (!rndc.empty()) options.control = dadns::bind::processControl(rndc);
    options.batch = batch;
    return options;
}

struct SignallerUnderTest {
    std::atomic<int> includeWrites{0};
    NamedSignaller signaller;
    SignallerUnderTest(const FakeRndc& rndc, std::chrono::milliseconds batch)
        // bad.example counts as removed since, so its failed reload is not retried for ever.
        : signaller(includeOptions({rndc.script}, batch), zones()) {}

    NamedSignaller::Zones zones() {
        NamedSignaller::Zones z;
        z.writeLists = [this](const std::function<std::set<std::string>()>&) {
            ++includeWrites;
            return std::vector<std::string>{};
        };
        z.wanted = [](const std::string& zone) { return zone != "bad.example"; };
        z.log = [](const std::string&) {};
        return z;
    }
};

} // namespace

TEST_CASE("bind signaller: a change waits for the rndc run that carries it", "[bind]") {
    FakeRndc rndc("0.3");
    SignallerUnderTest s(rndc, 50ms);
    auto added = s.signaller.zoneAdded("a.example");
    CHECK(s.signaller.waitSignalled(added, 10s) == "");
    CHECK(rndc.calls() == std::vector<std::string>{"reconfig"}); // logged after its 0.3 s
    CHECK(s.includeWrites == 1);
    auto changed = s.signaller.zoneChanged("a.example");
    CHECK(s.signaller.waitSignalled(changed, 10s) == "");
    CHECK(rndc.calls() == std::vector<std::string>{"reconfig", "reload a.example"});
    auto removed = s.signaller.zoneRemoved("a.example");
    CHECK(s.signaller.waitSignalled(removed, 10s) == "");
    CHECK(rndc.count("reconfig") == 2);
    CHECK(s.includeWrites == 2);
    CHECK(s.signaller.waitSignalled(nullptr, 1ms) == ""); // nothing to wait for
}

TEST_CASE("bind signaller: without rndc there is nothing to wait for, and the include is still written", "[bind]") {
    std::atomic<int> writes{0};
    NamedSignaller::Zones zones;
    zones.writeLists = [&](const std::function<std::set<std::string>()>&) {
        ++writes;
        return std::vector<std::string>{};
    };
    zones.wanted = [](const std::string&) { return true; };
    zones.log = [](const std::string&) {};
    NamedSignaller signaller(includeOptions({}, 10ms), zones);
    CHECK(signaller.zoneAdded("a.example") == nullptr);
    CHECK(signaller.zoneChanged("a.example") == nullptr);
    CHECK(signaller.waitIdle(5s));
    CHECK(writes == 1);
}

TEST_CASE("bind signaller: an idle change is sent at once; concurrent changes share one batch", "[bind]") {
    // A window far longer than the waits below: an answer within them was not held for it,
    // however slow the machine.
    FakeRndc rndc("0.1");
    SignallerUnderTest s(rndc, 30s);
    auto t0 = Clock::now();
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("first.example"), 10s) == ""); // nothing else on its way: no window
    CHECK(Clock::now() - t0 < 15s);

    // 20 applies on their way (being checked, written): the batch waits for all of them.
    for (int i = 0; i < 20; ++i) s.signaller.changeComing();
    t0 = Clock::now();
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 20; ++i)
        threads.emplace_back([&, i] {
            std::this_thread::sleep_for(std::chrono::milliseconds(10 * i)); // checks finishing one after another
            auto ticket = s.signaller.zoneAdded("z" + std::to_string(i) + ".example");
            s.signaller.changeArrived();
            if (s.signaller.waitSignalled(ticket, 10s).empty()) ++ok;
        });
    for (auto& t : threads) t.join();
    CHECK(ok == 20);
    CHECK(rndc.count("reconfig") == 2); // the first zone's, and one for the 20
    CHECK(s.includeWrites == 2);
    CHECK(Clock::now() - t0 < 15s); // once the last arrived, not after the 30 s window
}

TEST_CASE("bind signaller: a batch waits for a change on its way at most its window", "[bind]") {
    FakeRndc rndc;
    SignallerUnderTest s(rndc, 1s);
    NamedSignaller::Coming stuck(s.signaller); // an apply whose check never ends
    auto t0 = Clock::now();
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("a.example"), 20s) == ""); // not held forever
    CHECK(Clock::now() - t0 >= 1s);
}

TEST_CASE("bind signaller: a failed batch answers its tickets with the error; a zone that fails alone fails alone", "[bind]") {
    FakeRndc rndc;
    SignallerUnderTest s(rndc, 300ms);
    rndc.failing(true);
    std::string error = s.signaller.waitSignalled(s.signaller.zoneAdded("a.example"), 10s);
    CHECK_THAT(error, Catch::Contains("rndc reconfig failed") && Catch::Contains("connection refused"));
    CHECK(s.signaller.lastError() == error);
    rndc.failing(false);

    // Both in one batch (the window after the failed one); only bad.example's reload fails.
    auto bad = s.signaller.zoneChanged("bad.example");
    auto good = s.signaller.zoneChanged("good.example");
    CHECK_THAT(s.signaller.waitSignalled(bad, 10s), Catch::Contains("rndc reload failed") && Catch::Contains("failure"));
    CHECK(s.signaller.waitSignalled(good, 10s) == "");
    CHECK(rndc.count("reconfig") == 1); // the failed one, retried with the batch
    CHECK(rndc.count("reload good.example") == 1);
}

TEST_CASE("bind signaller: a removal whose reconfig failed is owed one; a zone added again meanwhile is reloaded", "[bind]") {
    FakeRndc rndc;
    SignallerUnderTest s(rndc, 20ms);
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("gone.example"), 10s) == "");
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("back.example"), 10s) == "");
    CHECK(s.signaller.removalPending("gone.example") == nullptr); // never removed

    rndc.failing(true);
    CHECK_THAT(s.signaller.waitSignalled(s.signaller.zoneRemoved("gone.example"), 10s), Catch::Contains("connection refused"));
    CHECK_THAT(s.signaller.waitSignalled(s.signaller.zoneRemoved("back.example"), 10s), Catch::Contains("connection refused"));
    rndc.failing(false);

    // The retried remove waits for a reconfig that works.
    auto owed = s.signaller.removalPending("gone.example");
    REQUIRE(owed != nullptr);
    size_t before = rndc.count("reconfig");
    CHECK(s.signaller.waitSignalled(owed, 10s) == "");
    CHECK(rndc.count("reconfig") > before);
    CHECK(s.signaller.removalPending("gone.example") == nullptr);

    // back.example's removal went out with that reconfig too: adding it now needs no reload.
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("back.example"), 10s) == "");
    CHECK(rndc.count("reload back.example") == 0);
}

TEST_CASE("bind signaller: a zone removed and added again before a reconfig reached named is reloaded", "[bind]") {
    FakeRndc rndc;
    SignallerUnderTest s(rndc, 20ms);
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("again.example"), 10s) == "");
    rndc.failing(true);
    CHECK_FALSE(s.signaller.waitSignalled(s.signaller.zoneRemoved("again.example"), 10s).empty());
    rndc.failing(false);
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("again.example"), 10s) == "");
    auto calls = rndc.calls();
    REQUIRE(calls.size() >= 3);
    CHECK(calls[calls.size() - 2] == "reconfig");
    CHECK(calls.back() == "reload again.example"); // named may still hold the old content
}

TEST_CASE("bind signaller: a wait that outlasts its timeout says so", "[bind]") {
    FakeRndc rndc("1");
    SignallerUnderTest s(rndc, 10ms);
    auto ticket = s.signaller.zoneAdded("slow.example");
    CHECK_THAT(s.signaller.waitSignalled(ticket, 100ms), Catch::Contains("was not told"));
    CHECK(s.signaller.waitSignalled(ticket, 10s) == ""); // the batch itself completes
}
