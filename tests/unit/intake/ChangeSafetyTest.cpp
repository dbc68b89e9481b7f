// The safety limits on local changes (core/intake/ChangeSafety.hpp).
#include "core/intake/ChangeSafety.hpp"

#include <catch2/catch.hpp>

using dadns::ChangeSafety;
using dadns::SafetyOptions;

namespace {

// A zone of n A records h0..h(n-1), addresses starting at first.
dadns::sdk::Zone hosts(int n, int first = 1) {
    dadns::sdk::Zone z;
    z.name = "example.com";
    for (int i = 0; i < n; ++i)
        z.records.push_back({"h" + std::to_string(i) + ".example.com.", "A", 1, 300, {"192.0.2." + std::to_string(first + i)}});
    return z;
}

} // namespace

TEST_CASE("a replacement is held when it removes more than the share of a zone large enough", "[intake]") {
    ChangeSafety safety; // 50 % of zones of at least 10 records
    CHECK(safety.replaceRefusal(hosts(10), hosts(5)).empty());          // 5 of 10: at the limit
    CHECK_FALSE(safety.replaceRefusal(hosts(10), hosts(4)).empty());    // 6 of 10
    CHECK(safety.replaceRefusal(hosts(9), hosts(0)).empty());           // below min_records
    CHECK(safety.replaceRefusal(hosts(10), hosts(20)).empty());         // only additions
    // Changed records count as removed: every address renumbered.
    std::string why = safety.replaceRefusal(hosts(10), hosts(10, 100));
    CHECK(why.find("would remove 10 of the zone's 10 records (limit 50% of a zone of at least 10)") != std::string::npos);
    ChangeSafety off(SafetyOptions{1.0, 10, 100, std::chrono::minutes(10)});
    CHECK(off.replaceRefusal(hosts(10), hosts(0)).empty());
}

TEST_CASE("zone deletes are limited per principal within the window", "[intake]") {
    ChangeSafety safety(SafetyOptions{0.5, 10, 2, std::chrono::seconds(60)});
    CHECK(safety.deleteRefusal("rest", 0).empty());
    safety.countDelete("rest", 0);
    safety.countDelete("rest", 1000);
    CHECK(safety.deleteRefusal("rest", 2000).find("rest deleted 2 zones within 60 s (limit 2)") != std::string::npos);
    CHECK(safety.deleteRefusal("directadmin:da1.example.net", 2000).empty()); // another principal
    CHECK(safety.deleteRefusal("rest", 60001).empty());                       // the first left the window
    ChangeSafety unlimited(SafetyOptions{0.5, 10, 0, std::chrono::seconds(60)});
    for (int i = 0; i < 1000; ++i) unlimited.countDelete("rest", i);
    CHECK(unlimited.deleteRefusal("rest", 1000).empty());
}
