// zones.soa_serial: the serial rule as a pure function (RFC 1982 comparisons, the date form,
// several changes a day, nn past 99, serials from the future and near 2^32), and in ChangeIntake
// over a real SQLite store: every local change (whole zones, record edits) stores a greater
// serial in its text and in the records listeners get; replicated changes are stored as received.
#include "core/intake/ChangeIntake.hpp"
#include "core/intake/SoaSerialPolicy.hpp"
#include "core/store/SqliteZoneStore.hpp"
#include "core/zone/ZoneParser.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <dadns/sdk/master_file.hpp>

#include <chrono>
#include <limits>
#include <random>

using namespace dadns;

namespace {

int64_t utcMs(int y, unsigned m, unsigned d, int hours = 12) {
    using namespace std::chrono;
    auto t = sys_days{year{y} / month{m} / day{d}} + std::chrono::hours(hours);
    return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

std::string zoneText(const std::string& name, uint32_t serial, const std::string& ip = "192.0.2.1") {
    return "$TTL 300\n@ IN SOA ns1." + name + ". hostmaster." + name + ". " + std::to_string(serial) + " 3600 600 86400 300\n@ IN NS ns1." +
           name + ".\nwww IN A " + ip + "\n";
}

constexpr uint32_t kMax = std::numeric_limits<uint32_t>::max();

} // namespace

TEST_CASE("soa serial: modes by name", "[intake]") {
    CHECK(parseSoaSerialMode("keep") == SoaSerialMode::Keep);
    CHECK(parseSoaSerialMode("Increase") == SoaSerialMode::Increase);
    CHECK_FALSE(parseSoaSerialMode("date"));
    CHECK_FALSE(parseSoaSerialMode(""));
    CHECK(SoaSerialPolicy().mode() == SoaSerialMode::Keep);
}

TEST_CASE("soa serial: RFC 1982 comparison", "[intake]") {
    CHECK(serialGreater(2, 1));
    CHECK_FALSE(serialGreater(1, 2));
    CHECK_FALSE(serialGreater(7, 7));
    CHECK(serialGreater(0, kMax));            // wrapped: 4294967295 + 1 = 0
    CHECK(serialGreater(100, kMax - 100));
    CHECK_FALSE(serialGreater(kMax, 0));
    CHECK(serialGreater(2025013100u, 4200000000u)); // fewer than 2^31 steps ahead, past the wrap
    CHECK(serialGreater(0x7fffffffu, 0));
    // Exactly 2^31 apart: undefined, neither is greater.
    CHECK_FALSE(serialGreater(0x80000000u, 0));
    CHECK_FALSE(serialGreater(0, 0x80000000u));
}

TEST_CASE("soa serial: today's date form is YYYYMMDD00 of the UTC date", "[intake]") {
    CHECK(dateSerial(0) == 1970010100u);
    CHECK(dateSerial(utcMs(2025, 1, 31)) == 2025013100u);
    CHECK(dateSerial(utcMs(2024, 2, 29, 0)) == 2024022900u);
    CHECK(dateSerial(utcMs(2024, 3, 1, 0) - 1) == 2024022900u); // the last millisecond of the day
    CHECK(dateSerial(utcMs(2099, 12, 31, 23)) == 2099123100u);
    CHECK(dateSerial(utcMs(4294, 12, 31)) == 4294123100u);      // the last year the form fits
}

TEST_CASE("soa serial: a new zone gets the source's serial when greater than today's date form, else that form", "[intake]") {
    const uint32_t today = 2025013100u;
    CHECK(nextSoaSerial(std::nullopt, 1, today) == today);
    CHECK(nextSoaSerial(std::nullopt, 0, today) == today);
    CHECK(nextSoaSerial(std::nullopt, 2025013005u, today) == today); // yesterday's
    CHECK(nextSoaSerial(std::nullopt, today, today) == today);
    CHECK(nextSoaSerial(std::nullopt, today + 5, today) == today + 5);
    CHECK(nextSoaSerial(std::nullopt, 2099010100u, today) == 2099010100u); // larger than the date form: kept
    CHECK(nextSoaSerial(std::nullopt, 4200000000u, today) == today);       // before today's in serial arithmetic
}

TEST_CASE("soa serial: a changed zone gets the least serial greater than the previous one and not before today's date form", "[intake]") {
    const uint32_t today = 2025013100u;
    SECTION("the first change of the day") {
        CHECK(nextSoaSerial(2025013007u, 2025013007u, today) == today);
        CHECK(nextSoaSerial(1, 1, today) == today);
    }
    SECTION("several changes the same day count nn up, the source's serial is ignored") {
        uint32_t serial = today;
        for (uint32_t source : {1u, 2025013100u, 0u, 2099010100u, 5u}) {
            uint32_t next = nextSoaSerial(serial, source, today);
            CHECK(next == serial + 1);
            serial = next;
        }
        CHECK(serial == 2025013105u);
    }
    SECTION("past nn 99 the count goes on, and the next day's date form takes over") {
        uint32_t serial = today;
        for (int i = 0; i < 99; ++i) serial = nextSoaSerial(serial, 1, today);
        CHECK(serial == 2025013199u);
        serial = nextSoaSerial(serial, 1, today);
        CHECK(serial == 2025013200u);
        CHECK(nextSoaSerial(serial, 1, today) == 2025013201u);
        CHECK(nextSoaSerial(serial, 1, 2025020100u) == 2025020100u);
        CHECK(nextSoaSerial(2025123199u, 1, 2025123100u) == 2025123200u);
        CHECK(nextSoaSerial(2025123200u, 1, 2026010100u) == 2026010100u);
    }
    SECTION("a previous serial from the future, or a source's above the date form, is counted up by one") {
        CHECK(nextSoaSerial(2030010105u, 1, today) == 2030010106u);
        CHECK(nextSoaSerial(2099010100u, 2099010100u, today) == 2099010101u);
        CHECK(nextSoaSerial(today + 0x7fffffffu, 1, today) == today + 0x80000000u);
    }
    SECTION("near 2^32") {
        // More than 2^31 above today's date form counts as before it: today's form follows.
        CHECK(nextSoaSerial(4200000000u, 1, today) == today);
        CHECK(nextSoaSerial(kMax, 1, today) == today);
        // Counted up to the last serial (a date form near 2^32 - 1), the count wraps to 0, 1, ...
        const uint32_t late = 4294123100u;
        CHECK(nextSoaSerial(kMax, 1, late) == 0u);
        CHECK(nextSoaSerial(0u, 1, late) == 1u);
    }
    SECTION("whatever the inputs, the serial stored is greater than the previous one") {
        std::mt19937 random(1982);
        for (int i = 0; i < 100000; ++i) {
            uint32_t previous = static_cast<uint32_t>(random()), source = static_cast<uint32_t>(random());
            uint32_t todayForm = static_cast<uint32_t>(random());
            uint32_t next = nextSoaSerial(previous, source, todayForm);
            if (!serialGreater(next, previous)) FAIL("previous " << previous << " today " << todayForm << " gave " << next);
            if (next != todayForm && next != previous + 1u) FAIL("previous " << previous << " today " << todayForm << " gave " << next);
        }
    }
}

TEST_CASE("soa serial: read from and written to a zone and its stored text", "[intake]") {
    sdk::Zone z = parseZoneText(zoneText("ser.example", 42), "ser.example");
    REQUIRE(soaSerial(z) == 42u);
    REQUIRE(setSoaSerial(z, 2025013107u));
    CHECK(soaSerial(z) == 2025013107u);
    std::string text = sdk::masterFileText(z);
    CHECK(text.find(" 2025013107 3600 600 86400 300\n") != std::string::npos);
    CHECK(soaSerialOfText(text, "ser.example") == 2025013107u);
    // Text in any other form is parsed.
    CHECK(soaSerialOfText(zoneText("ser.example", 99), "ser.example") == 99u);
    CHECK(soaSerialOfText("", "ser.example") == std::nullopt);
    sdk::Zone noSoa;
    noSoa.name = "ser.example";
    CHECK_FALSE(soaSerial(noSoa));
    CHECK_FALSE(setSoaSerial(noSoa, 1));
}

namespace {

struct Intake {
    explicit Intake(SoaSerialMode mode, size_t history = kDefaultHistoryPerZone)
        : store(dir.path(), SqliteZoneStore::Options{history, "local", std::chrono::seconds(10)}), intake(store, metrics) {
        intake.setSoaSerialPolicy(SoaSerialPolicy(mode, [this] { return now; }));
        intake.addListener([this](const ZoneChange& c) {
            if (c.parsed) heard = soaSerial(*c.parsed);
            heardText = c.parsed ? sdk::masterFileText(*c.parsed) : "";
        });
    }

    ChangeOutcome put(const std::string& zone, uint32_t sourceSerial, const std::string& ip = "192.0.2.1", const std::string& stamp = "") {
        ChangeRequest r;
        r.zone = zone;
        r.zoneText = zoneText(zone, sourceSerial, ip);
        r.origin = {"rest", "192.0.2.200", "admin"};
        r.stamp = stamp;
        return intake.submit(r);
    }
    std::optional<uint32_t> stored(const std::string& zone) {
        auto z = store.current(zone, true);
        REQUIRE(z);
        REQUIRE_FALSE(z->deleted);
        // The stored text carries the serial, and it is the one the listeners were given.
        auto serial = soaSerial(parseZoneText(z->zoneText, zone));
        CHECK(serial == soaSerialOfText(z->zoneText, zone));
        CHECK(heardText == z->zoneText);
        CHECK(heard == serial);
        return serial;
    }

    test::TempDir dir{"dadns-soa-serial"};
    SqliteZoneStore store;
    MetricsRegistry metrics;
    ChangeIntake intake;
    int64_t now = utcMs(2025, 1, 31);
    std::optional<uint32_t> heard;
    std::string heardText;
};

const ZoneOrigin kRest{"rest", "192.0.2.200", "admin"};

sdk::Record a(const std::string& owner, const std::string& ip = "") {
    sdk::Record r;
    r.owner = owner;
    r.type = "A";
    r.ttl = 300;
    if (!ip.empty()) r.rdata.push_back(ip);
    return r;
}

} // namespace

TEST_CASE("soa serial keep: the source's serial is stored as sent", "[intake]") {
    Intake t(SoaSerialMode::Keep);
    t.put("keep.example", 7);
    CHECK(t.stored("keep.example") == 7u);
    t.put("keep.example", 7, "192.0.2.2");
    CHECK(t.stored("keep.example") == 7u);
    t.put("keep.example", 3, "192.0.2.3"); // backwards: kept too
    CHECK(t.stored("keep.example") == 3u);
    t.intake.addRecords("keep.example", {a("new", "192.0.2.50")}, kRest);
    CHECK(t.stored("keep.example") == 3u);
}

TEST_CASE("soa serial increase: every stored local change raises the serial, whatever the source's does", "[intake]") {
    Intake t(SoaSerialMode::Increase);
    t.put("inc.example", 1);
    CHECK(t.stored("inc.example") == 2025013100u);
    for (uint32_t i = 1; i <= 9; ++i) {
        t.put("inc.example", 1, "192.0.2." + std::to_string(i + 1)); // the source's serial never changes
        CHECK(t.stored("inc.example") == 2025013100u + i);
    }
    t.put("inc.example", 0, "192.0.2.99"); // goes backwards
    CHECK(t.stored("inc.example") == 2025013110u);
    t.put("inc.example", 0, "192.0.2.99"); // the same zone again is a stored change too
    CHECK(t.stored("inc.example") == 2025013111u);

    SECTION("a new day starts at its date form") {
        t.now = utcMs(2025, 2, 1, 0);
        t.put("inc.example", 1);
        CHECK(t.stored("inc.example") == 2025020100u);
        t.put("inc.example", 1, "192.0.2.7");
        CHECK(t.stored("inc.example") == 2025020101u);
    }
    SECTION("the clock going back a day does not take the serial back") {
        t.now = utcMs(2025, 1, 30);
        t.put("inc.example", 1, "192.0.2.8");
        CHECK(t.stored("inc.example") == 2025013112u);
    }
    SECTION("record-level edits store a greater serial too") {
        t.intake.addRecords("inc.example", {a("new", "192.0.2.50")}, kRest);
        CHECK(t.stored("inc.example") == 2025013112u);
        t.intake.removeRecords("inc.example", {a("new")}, kRest);
        CHECK(t.stored("inc.example") == 2025013113u);
        auto current = t.store.current("inc.example", true);
        CHECK(current->zoneText.find("new.inc.example.") == std::string::npos);
    }
    SECTION("ChangeRequest records (a zone given as data) store a greater serial too") {
        ChangeRequest r;
        r.kind = ChangeRequest::Kind::Records;
        r.zone = "inc.example";
        r.records = parseZoneText(zoneText("inc.example", 1, "192.0.2.77"), "inc.example").records;
        r.origin = kRest;
        t.intake.submit(r);
        CHECK(t.stored("inc.example") == 2025013112u);
    }
}

TEST_CASE("soa serial increase: a new zone's serial from the source is kept when greater than today's date form", "[intake]") {
    Intake t(SoaSerialMode::Increase);
    t.put("big.example", 2099010100u);
    CHECK(t.stored("big.example") == 2099010100u);
    t.put("big.example", 2099010100u, "192.0.2.2");
    CHECK(t.stored("big.example") == 2099010101u);
    t.put("big.example", 1, "192.0.2.3");
    CHECK(t.stored("big.example") == 2099010102u);
    // A source serial today's date form is greater than (in serial arithmetic) is not kept.
    t.put("wrapped.example", 4200000000u);
    CHECK(t.stored("wrapped.example") == 2025013100u);
}

TEST_CASE("soa serial increase: replicated changes are stored as received; the next local change goes on from them", "[intake]") {
    Intake t(SoaSerialMode::Increase);
    t.put("rep.example", 1);
    REQUIRE(t.stored("rep.example") == 2025013100u);
    // A peer's version with a serial from the future, then one with a smaller serial: both as sent.
    t.put("rep.example", 2030010105u, "192.0.2.5", "9999999999000.0@node-b");
    CHECK(t.stored("rep.example") == 2030010105u);
    t.put("rep.example", 2030010105u, "192.0.2.6", "9999999999001.0@node-b");
    CHECK(t.stored("rep.example") == 2030010105u);
    t.put("rep.example", 17, "192.0.2.7", "9999999999002.0@node-b");
    CHECK(t.stored("rep.example") == 17u);
    t.put("rep.example", 17, "192.0.2.8");
    CHECK(t.stored("rep.example") == 2025013100u); // the date form is greater than 17
    t.put("rep.example", 2030010105u, "192.0.2.9", "9999999999003.0@node-b");
    t.put("rep.example", 1, "192.0.2.10");
    CHECK(t.stored("rep.example") == 2030010106u); // from the future: counted up
}

TEST_CASE("soa serial increase: a zone deleted and created again continues above its old serial", "[intake]") {
    Intake t(SoaSerialMode::Increase);
    t.put("again.example", 1);
    t.put("again.example", 1, "192.0.2.2");
    REQUIRE(t.stored("again.example") == 2025013101u);
    ChangeRequest del;
    del.kind = ChangeRequest::Kind::Delete;
    del.zone = "again.example";
    del.origin = kRest;
    REQUIRE(t.intake.submit(del).stored);
    CHECK(t.put("again.example", 1, "192.0.2.3").created);
    CHECK(t.stored("again.example") == 2025013102u);
    // Deleted twice in a row: the newest version with a zone counts.
    REQUIRE(t.intake.submit(del).stored);
    t.put("again.example", 1, "192.0.2.4");
    CHECK(t.stored("again.example") == 2025013103u);

    SECTION("history that no longer holds the old zone: a new zone") {
        Intake short_(SoaSerialMode::Increase, 1);
        short_.put("gone.example", 1);
        short_.put("gone.example", 1, "192.0.2.2");
        REQUIRE(short_.stored("gone.example") == 2025013101u);
        del.zone = "gone.example";
        REQUIRE(short_.intake.submit(del).stored);
        short_.put("gone.example", 1, "192.0.2.3");
        CHECK(short_.stored("gone.example") == 2025013100u);
    }
}
