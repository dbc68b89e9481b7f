// The zone store's contract, run against every engine: versions, history, deletes, backend
// progress, dead letters, warnings, stamps, paging, SQL metacharacters, reopen. A test binary
// compiles this file in and defines storeUnderTest() (SQLite here in unit_store; PostgreSQL in
// integration_store).
#include "support/StoreUnderTest.hpp"
#include "support/TestSupport.hpp"

#include "core/store/HybridClock.hpp"

#include <catch2/catch.hpp>

using namespace dadns;

TEST_CASE("versions grow per zone; history is kept and bounded", "[store]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    auto store = sut.open(3);
    for (int v = 1; v <= 5; ++v) {
        auto out = store->submit(test::zoneChange("a.example", "v" + std::to_string(v), v));
        CHECK(out.stored);
        CHECK(out.version == static_cast<uint64_t>(v));
        CHECK(out.created == (v == 1));
    }
    CHECK(store->submit(test::zoneChange("b.example")).version == 1);
    auto cur = store->current("a.example");
    REQUIRE(cur);
    CHECK(cur->version == 5);
    CHECK(cur->zoneText == "v5");
    CHECK(cur->recordCount == 5);
    CHECK(cur->origin.source == "rest");
    CHECK(store->current("a.example", false)->zoneText.empty());
    auto history = store->history("a.example");
    REQUIRE(history.size() == 3);
    CHECK(history[0].version == 5);
    CHECK(history[2].version == 3);
    CHECK(store->version("a.example", 3)->zoneText == "v3");
    CHECK_FALSE(store->version("a.example", 2));
    CHECK_FALSE(store->current("nope.example"));
}

TEST_CASE("delete, then re-create continues the numbering", "[store]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    auto store = sut.open();
    store->submit(test::zoneChange("d.example"));
    auto del = store->submit(test::zoneDeletion("d.example"));
    CHECK(del.stored);
    CHECK(del.version == 2);
    CHECK(store->current("d.example")->deleted);
    CHECK_FALSE(store->submit(test::zoneDeletion("d.example")).stored);   // already deleted
    CHECK_FALSE(store->submit(test::zoneDeletion("never.example")).stored); // unknown
    auto again = store->submit(test::zoneChange("d.example"));
    CHECK(again.version == 3);
    CHECK(again.created);
    CHECK(store->stats().zones == 1);
}

TEST_CASE("backend progress: pending, failures, dead letters, redrive, reopen", "[store]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    {
        auto store = sut.open();
        store->submit(test::zoneChange("p1.example"));
        store->submit(test::zoneChange("p2.example"));
        store->submit(test::zoneChange("p3.example"));
        store->submit(test::zoneDeletion("p3.example")); // never applied anywhere: nothing to remove
        auto pending = store->pending("bind");
        REQUIRE(pending.size() == 2);
        CHECK(pending[0].zone == "p1.example");

        store->recordApplied("bind", "p1.example", 1, 1);
        store->recordFailure("bind", "p2.example", 1, 2, 123, "boom", false);
        store->flush();
        pending = store->pending("bind");
        REQUIRE(pending.size() == 1);
        CHECK(pending[0].zone == "p2.example");
        CHECK(pending[0].attempts == 2);
        CHECK(pending[0].nextAttemptMs == 123);
        CHECK(store->backendState("bind", "p2.example")->lastError == "boom");

        store->recordFailure("bind", "p2.example", 1, 3, 0, "gave up", true);
        store->flush();
        CHECK(store->pending("bind").empty());
        CHECK(store->deadLetters("bind").size() == 1);
        store->submit(test::zoneChange("p1.example")); // a new version is pending again
        CHECK(store->pending("bind").size() == 1);
        CHECK(store->pending("pdns").size() == 2); // another backend has applied nothing
    }
    auto reopened = sut.open();
    CHECK(reopened->stats().zones == 2);
    CHECK(reopened->current("p1.example")->version == 2);
    CHECK(reopened->deadLetters("bind").size() == 1);
    CHECK(reopened->backendState("bind", "p1.example")->appliedVersion == 1);
    CHECK(reopened->redrive("bind") == 1);
    CHECK(reopened->deadLetters("bind").empty());
    auto pending = reopened->pending("bind");
    CHECK(pending.size() == 2);
}

TEST_CASE("a backend warning on success is kept apart from errors and survives a reopen", "[store]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    {
        auto store = sut.open();
        store->submit(test::zoneChange("w1.example"));
        store->recordApplied("coredns", "w1.example", 1, 10, "2 record(s) of type PTR skipped");
        store->flush();
        auto st = store->backendState("coredns", "w1.example");
        REQUIRE(st);
        CHECK(st->warning == "2 record(s) of type PTR skipped");
        CHECK(st->lastError.empty());

        store->submit(test::zoneChange("w1.example"));
        store->recordFailure("coredns", "w1.example", 2, 1, 0, "connection refused", false);
        store->flush();
        st = store->backendState("coredns", "w1.example");
        CHECK(st->lastError == "connection refused");
        CHECK(st->warning.empty());

        store->recordApplied("coredns", "w1.example", 2, 10, "1 record(s) of type SSHFP skipped");
        store->flush();
    }
    auto reopened = sut.open();
    auto st = reopened->backendState("coredns", "w1.example");
    REQUIRE(st);
    CHECK(st->appliedVersion == 2);
    CHECK(st->warning == "1 record(s) of type SSHFP skipped");
    CHECK(st->lastError.empty());
    reopened->recordApplied("coredns", "w1.example", 2, 10);
    reopened->flush();
    CHECK(reopened->backendState("coredns", "w1.example")->warning.empty());
}

TEST_CASE("replicated stamps: last writer wins, older ones are ignored", "[store]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    auto store = sut.open();
    auto local = store->submit(test::zoneChange("r.example", "local"));
    auto parsed = Stamp::parse(local.stamp);
    REQUIRE(parsed);
    CHECK(parsed->node == "node-a");

    ZoneSubmission older = test::zoneChange("r.example", "older");
    older.stamp = Stamp{parsed->ms - 1000, 0, "node-b"}.toString();
    CHECK_FALSE(store->submit(older).stored);
    CHECK(store->current("r.example")->zoneText == "local");

    ZoneSubmission newer = test::zoneChange("r.example", "newer");
    Stamp future{parsed->ms + 60000, 7, "node-b"};
    newer.stamp = future.toString();
    auto out = store->submit(newer);
    CHECK(out.stored);
    CHECK(store->current("r.example")->stamp == future.toString());
    // The clock moved past the stamp it saw: the next local change is newer still.
    auto next = Stamp::parse(store->submit(test::zoneChange("r.example", "after")).stamp);
    CHECK(next->newerThan(future));

    ZoneSubmission bad = test::zoneChange("r.example");
    bad.stamp = "not-a-stamp";
    CHECK_THROWS(store->submit(bad));
    CHECK(store->current("r.example")->zoneText == "after");
}

TEST_CASE("list pages by name and filters by state", "[store]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    auto store = sut.open();
    for (char c = 'a'; c <= 'e'; ++c) store->submit(test::zoneChange(std::string(1, c) + ".example"));
    store->submit(test::zoneDeletion("c.example"));
    ZoneListFilter f;
    f.limit = 2;
    f.state = ZoneListFilter::State::Active;
    auto page1 = store->list(f);
    REQUIRE(page1.size() == 2);
    CHECK(page1[1].name == "b.example");
    f.after = page1.back().name;
    auto page2 = store->list(f);
    REQUIRE(page2.size() == 2);
    CHECK(page2[0].name == "d.example");
    f = {};
    f.state = ZoneListFilter::State::Deleted;
    CHECK(store->list(f).size() == 1);
}

TEST_CASE("list searches names; the search is data, never SQL", "[store]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    auto store = sut.open();
    for (const char* z : {"alpha.example", "beta.example", "alphabet.test", "x_y.example"}) store->submit(test::zoneChange(z));
    ZoneListFilter f;
    f.nameContains = "alpha";
    auto found = store->list(f);
    REQUIRE(found.size() == 2);
    CHECK(found[0].name == "alpha.example");
    CHECK(found[1].name == "alphabet.test");
    f.after = "alpha.example"; // pages go on from the cursor
    CHECK(store->list(f).size() == 1);
    f = {};
    f.nameContains = "_"; // a LIKE wildcard elsewhere: here one character, itself
    REQUIRE(store->list(f).size() == 1);
    f.nameContains = "%";
    CHECK(store->list(f).empty());
    f.nameContains = "' OR '1'='1";
    CHECK(store->list(f).empty());
}

TEST_CASE("redrive of one zone clears its dead letter only", "[store]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    auto store = sut.open();
    for (const char* z : {"d1.example", "d2.example"}) {
        store->submit(test::zoneChange(z));
        store->recordFailure("bind", z, 1, 3, 0, "gave up", true);
    }
    store->flush();
    REQUIRE(store->deadLetters("bind").size() == 2);
    CHECK(store->redrive("bind", "d1.example") == 1);
    CHECK(store->redrive("bind", "d1.example") == 0); // no longer a dead letter
    CHECK(store->redrive("bind", "none.example") == 0);
    CHECK(store->redrive("pdns", "d2.example") == 0); // another backend's
    auto dead = store->deadLetters("bind");
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].zone == "d2.example");
    auto pending = store->pending("bind");
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].zone == "d1.example");
    auto reopened = sut.open(); // durable
    CHECK(reopened->deadLetters("bind").size() == 1);
}

TEST_CASE("SQL metacharacters are stored verbatim", "[store]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    auto store = sut.open();
    ZoneSubmission s = test::zoneChange("q.example", "text with ' and \" and ;");
    s.origin = {"directadmin", "'; DROP TABLE zones; --", "robert'); DELETE FROM zone_history;--"};
    store->submit(s);
    auto cur = store->current("q.example");
    CHECK(cur->origin.host == "'; DROP TABLE zones; --");
    CHECK(cur->origin.user == "robert'); DELETE FROM zone_history;--");
    CHECK(cur->zoneText == "text with ' and \" and ;");
    CHECK(store->stats().zones == 1);
}


TEST_CASE("activeOrigin is the current version's source and host, none once deleted, the same after a reopen", "[store]") {
    auto& sut = test::storeUnderTest();
    sut.reset();
    {
        auto store = sut.open(3, "node-a");
        CHECK_FALSE(store->activeOrigin("o.example"));
        ZoneSubmission first = test::zoneChange("o.example");
        first.origin = {"directadmin", "da1.example", "bob"};
        store->submit(first);
        ZoneSubmission second = test::zoneChange("p.example");
        second.origin = {"hosts", "", ""};
        store->submit(second);
        auto o = store->activeOrigin("o.example");
        REQUIRE(o);
        CHECK(o->source == "directadmin");
        CHECK(o->host == "da1.example");
        CHECK(o->user.empty());
        ZoneSubmission del = test::zoneChange("p.example");
        del.deleted = true;
        del.origin = {"rest", "192.0.2.9", "admin"};
        store->submit(del);
        CHECK_FALSE(store->activeOrigin("p.example"));
        store->flush();
    }
    auto reopened = sut.open(3, "node-a");
    auto o = reopened->activeOrigin("o.example");
    REQUIRE(o);
    CHECK(o->source == "directadmin");
    CHECK(o->host == "da1.example");
    CHECK_FALSE(reopened->activeOrigin("p.example"));
}
