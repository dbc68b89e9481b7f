// The event log and its server-sent-events reader: order, resuming, gaps, foreign ids and
// keepalives; the applies-per-second series the console charts.
#include "core/dispatch/RateSeries.hpp"
#include "core/events/EventLog.hpp"
#include "core/events/EventStream.hpp"

#include <catch2/catch.hpp>

using namespace dadns;

namespace {

std::string idOf(const EventLog& log, uint64_t seq) { return log.run() + "-" + std::to_string(seq); }

size_t countOf(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

} // namespace

TEST_CASE("event log: readers get what came after them, and learn when some is gone", "[events]") {
    EventLog log(4);
    bool gap = true;
    CHECK(log.after(0, 10, gap).empty());
    CHECK_FALSE(gap);
    for (int i = 1; i <= 3; ++i) log.publish("zone", "{\"n\":" + std::to_string(i) + "}");
    auto all = log.after(0, 10, gap);
    REQUIRE(all.size() == 3);
    CHECK_FALSE(gap);
    CHECK(all.front().seq == 1);
    CHECK(all.back().data == "{\"n\":3}");
    CHECK(log.after(1, 1, gap).at(0).seq == 2); // bounded by max
    CHECK(log.after(3, 10, gap).empty());
    for (int i = 4; i <= 6; ++i) log.publish("zone", "{}"); // 1 and 2 fall out of the ring
    auto late = log.after(1, 10, gap);
    CHECK(gap);
    REQUIRE(late.size() == 4);
    CHECK(late.front().seq == 3);
    CHECK(log.lastSeq() == 6);
}

TEST_CASE("event stream: frames, resuming by Last-Event-ID, resets and keepalives", "[events]") {
    auto log = std::make_shared<EventLog>(8);
    auto open = std::make_shared<std::atomic<size_t>>(0);
    // As the route does: counted in by the caller, counted out by the stream.
    auto reader = [&](const std::string& lastEventId) {
        ++*open;
        return std::make_unique<EventStream>(log, lastEventId, open);
    };
    log->publish("zone", "{\"zone\":\"old.example\"}");

    SECTION("a new reader is told where it stands, then gets what happens after it came") {
        auto s = reader("");
        CHECK(s->next(65536, 1000) == "id: " + idOf(*log, 1) + "\n\n"); // an id without an event
        CHECK(s->next(65536, 1000).empty());
        log->publish("outcome", "{\"zone\":\"a.example\"}");
        CHECK(s->next(65536, 1100) == "id: " + idOf(*log, 2) + "\nevent: outcome\ndata: {\"zone\":\"a.example\"}\n\n");
        CHECK(s->next(65536, 1200).empty());
        CHECK(*open == 1);
        s.reset();
        CHECK(*open == 0);
    }

    SECTION("a reader resumes after the id it saw last") {
        log->publish("zone", "{\"n\":2}");
        auto s = reader(idOf(*log, 1));
        std::string out = s->next(65536, 1000);
        CHECK(out == "id: " + idOf(*log, 1) + "\n\nid: " + idOf(*log, 2) + "\nevent: zone\ndata: {\"n\":2}\n\n");
    }

    SECTION("an id of another run, from the future or malformed starts with a reset") {
        for (std::string id : {std::string("12-1"), idOf(*log, 99), std::string("garbage"), log->run() + "-", log->run() + "-1x"}) {
            auto s = reader(id);
            CHECK(s->next(65536, 1000) == "id: " + idOf(*log, 1) + "\nevent: reset\ndata: {}\n\n");
            CHECK(s->next(65536, 1000).empty());
        }
    }

    SECTION("a reader that fell out of the ring gets a reset, then goes on from the newest") {
        auto s = reader(idOf(*log, 1));
        for (int i = 0; i < 20; ++i) log->publish("zone", "{}");
        CHECK(s->next(65536, 1000) == "id: " + idOf(*log, 21) + "\nevent: reset\ndata: {}\n\n");
        log->publish("zone", "{\"n\":22}");
        CHECK(s->next(65536, 1000).find("data: {\"n\":22}") != std::string::npos);
    }

    SECTION("a batch stops near maxBytes; the rest comes with the next call") {
        auto s = reader("");
        for (int i = 0; i < 6; ++i) log->publish("zone", std::string(40, 'x'));
        std::string first = s->next(100, 1000);
        CHECK(countOf(first, "event: ") == 1);
        std::string rest = s->next(65536, 1000);
        CHECK(countOf(rest, "event: ") == 5);
    }

    SECTION("an idle stream sends a comment every 15 seconds") {
        auto s = reader("");
        CHECK_FALSE(s->next(65536, 1000).empty()); // where it stands
        CHECK(s->next(65536, 15999).empty());
        CHECK(s->next(65536, 16000) == ": keepalive\n\n");
        CHECK(s->next(65536, 16001).empty());
    }
    CHECK(*open == 0);
}

TEST_CASE("rate series: per-second rates of complete slots, old laps count as zero", "[events]") {
    RateSeries r(1000, 5);
    CHECK(r.perSecond(10'000) == std::vector<double>{0, 0, 0, 0, 0});
    r.add(10'000, 3);
    r.add(10'999);
    r.add(12'500, 2);
    // At 13.2 s the complete slots are 8..12 s; the current slot (13) is left out.
    CHECK(r.perSecond(13'200) == std::vector<double>{0, 0, 4, 0, 2});
    r.add(13'100, 7);
    CHECK(r.perSecond(14'000) == std::vector<double>{0, 4, 0, 2, 7});
    // A lap later the same ring places are other slots: zero, not the old counts.
    CHECK(r.perSecond(20'000) == std::vector<double>{0, 0, 0, 0, 0});
    // A count in the current slot leaves the oldest complete one of the window as it was.
    RateSeries full(1000, 3);
    full.add(10'000, 1);
    full.add(11'000, 2);
    full.add(12'000, 3);
    full.add(13'500, 9);
    CHECK(full.perSecond(13'500) == std::vector<double>{1, 2, 3});
    RateSeries fiveSeconds(5000, 3);
    fiveSeconds.add(0, 10);
    CHECK(fiveSeconds.perSecond(5000) == std::vector<double>{0, 0, 2});
}
