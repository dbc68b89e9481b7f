// The safety limits on local changes (core/intake/ChangeSafety.hpp).
#include "core/intake/ChangeSafety.hpp"

#include <catch2/catch.hpp>

using dadns::ChangeSafety;
using dadns::SafetyOptions;

TEST_CASE("a change is held when it shrinks a zone large enough by more than the share", "[intake]") {
    ChangeSafety safety; // 50 % of zones of at least 10 records
    CHECK(safety.shrinkRefusal(10, 5).empty());          // 5 of 10: at the limit
    CHECK_FALSE(safety.shrinkRefusal(10, 4).empty());    // 6 of 10
    CHECK(safety.shrinkRefusal(9, 1).empty());           // below min_records
    CHECK(safety.shrinkRefusal(10, 20).empty());         // grows
    CHECK(safety.shrinkRefusal(20, 2).find("would remove 18 of the zone's 20 records (limit 50% of a zone of at least 10)") !=
          std::string::npos);
    ChangeSafety off(SafetyOptions{1.0, 10, 100, std::chrono::minutes(10)});
    CHECK(off.shrinkRefusal(10, 1).empty());
}

TEST_CASE("zone deletes are limited per principal within the window", "[intake]") {
    ChangeSafety safety(SafetyOptions{0.5, 10, 2, std::chrono::seconds(60)});
    CHECK(safety.checkDelete("rest", 0, true).empty());
    CHECK(safety.checkDelete("rest", 1000, false).empty()); // a dry run counts nothing
    CHECK(safety.checkDelete("rest", 1000, true).empty());
    CHECK(safety.checkDelete("rest", 2000, true).find("rest deleted 2 zones within 60 s (limit 2)") != std::string::npos);
    CHECK(safety.checkDelete("directadmin:da1.example.net", 2000, true).empty()); // another principal
    CHECK(safety.checkDelete("rest", 60001, true).empty());                       // the first left the window
    // A reservation whose delete was not stored is taken back.
    safety.releaseDelete("rest", 60001);
    CHECK(safety.checkDelete("rest", 60002, true).empty());
    ChangeSafety unlimited(SafetyOptions{0.5, 10, 0, std::chrono::seconds(60)});
    for (int i = 0; i < 1000; ++i) CHECK(unlimited.checkDelete("rest", i, true).empty());
}
