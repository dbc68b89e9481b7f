// The rules both zone stores share, on their own: stamps, last writer wins, what is pending.
#include "core/store/StoreRules.hpp"
#include "core/util/Errors.hpp"

#include <catch2/catch.hpp>

using namespace dadns;

namespace {

ZoneSubmission change(const std::string& stamp = "", bool deleted = false) {
    ZoneSubmission s;
    s.name = "r.example";
    s.stamp = stamp;
    s.deleted = deleted;
    return s;
}

ZoneHeadView head(uint64_t version, const std::string& stamp, bool deleted = false) {
    return ZoneHeadView{true, version, deleted, Stamp::parse(stamp)};
}

} // namespace

TEST_CASE("store rules: a replicated change is stored only when newer; a local one always", "[store]") {
    HybridClock clock("here");
    ZoneHeadView current = head(4, "2000.0@peer");
    auto older = change("1999.5@peer");
    CHECK_FALSE(decideSubmit(older, stampFor(older, clock), current).store);
    CHECK(decideSubmit(older, stampFor(older, clock), current).version == 4);
    auto same = change("2000.0@peer");
    CHECK_FALSE(decideSubmit(same, stampFor(same, clock), current).store);
    auto newer = change("2000.1@peer");
    SubmitDecision d = decideSubmit(newer, stampFor(newer, clock), current);
    CHECK(d.store);
    CHECK(d.version == 5);
    CHECK_FALSE(d.created);
    auto local = change();
    Stamp stamp = stampFor(local, clock);
    CHECK(stamp.newerThan(*Stamp::parse("2000.1@peer"))); // the clock observed the peers' stamps
    CHECK(decideSubmit(local, stamp, current).store);
    CHECK_THROWS_AS(stampFor(change("not a stamp"), clock), InvalidInput);
}

TEST_CASE("store rules: creating, re-creating and deleting", "[store]") {
    HybridClock clock("here");
    auto put = change();
    SubmitDecision first = decideSubmit(put, stampFor(put, clock), ZoneHeadView{});
    CHECK(first.store);
    CHECK(first.created);
    CHECK(first.version == 1);
    auto del = change("", true);
    CHECK_FALSE(decideSubmit(del, stampFor(del, clock), ZoneHeadView{}).store); // nothing to delete
    CHECK_FALSE(decideSubmit(del, stampFor(del, clock), head(3, "1.0@x", true)).store);
    SubmitDecision deleting = decideSubmit(del, stampFor(del, clock), head(3, "1.0@x"));
    CHECK(deleting.store);
    CHECK_FALSE(deleting.created);
    CHECK(deleting.version == 4);
    SubmitDecision again = decideSubmit(put, stampFor(put, clock), head(4, "1.0@x", true));
    CHECK(again.created);
    CHECK(again.version == 5); // versions go on after a delete
}

TEST_CASE("store rules: what is pending for a backend", "[store]") {
    ZoneHeadView v3{true, 3, false, std::nullopt};
    CHECK(pendingOf("p.example", v3, ProgressView{})->version == 3); // never applied
    CHECK_FALSE(pendingOf("p.example", v3, ProgressView{3, 0, false, 0, 0}));
    // A deleted zone the backend never had has nothing to remove; one it had does.
    ZoneHeadView gone{true, 4, true, std::nullopt};
    CHECK_FALSE(pendingOf("p.example", gone, ProgressView{}));
    CHECK(pendingOf("p.example", gone, ProgressView{3, 0, false, 0, 0})->deleted);
    // Dead-lettered at this version: not pending; at an older one: pending, with a fresh count.
    CHECK_FALSE(pendingOf("p.example", v3, ProgressView{2, 3, true, 8, 0}));
    auto fresh = pendingOf("p.example", v3, ProgressView{1, 2, true, 8, 99});
    REQUIRE(fresh);
    CHECK(fresh->attempts == 0);
    CHECK(fresh->nextAttemptMs == 0);
    // Retrying at this version: its attempts and next attempt carry over.
    auto retrying = pendingOf("p.example", v3, ProgressView{2, 3, false, 2, 12345});
    REQUIRE(retrying);
    CHECK(retrying->attempts == 2);
    CHECK(retrying->nextAttemptMs == 12345);
}

TEST_CASE("store rules: where a backend stands with a zone's current version", "[store]") {
    using std::string_view;
    ZoneHeadView v3{true, 3, false, std::nullopt};
    CHECK(string_view(syncStateOf(v3, ProgressView{})) == "pending");
    CHECK(string_view(syncStateOf(v3, ProgressView{3, 0, false, 0, 0})) == "applied");
    CHECK(string_view(syncStateOf(v3, ProgressView{2, 3, false, 2, 99})) == "retrying");
    CHECK(string_view(syncStateOf(v3, ProgressView{2, 3, true, 8, 0})) == "dead");
    // A failure of an older version says nothing about this one.
    CHECK(string_view(syncStateOf(v3, ProgressView{1, 2, true, 8, 0})) == "pending");
    CHECK(string_view(syncStateOf(v3, ProgressView{1, 2, false, 2, 0})) == "pending");
    // A deleted zone the backend never had is in sync; one it still has is not.
    ZoneHeadView gone{true, 4, true, std::nullopt};
    CHECK(string_view(syncStateOf(gone, ProgressView{})) == "applied");
    CHECK(string_view(syncStateOf(gone, ProgressView{3, 0, false, 0, 0})) == "pending");
}
