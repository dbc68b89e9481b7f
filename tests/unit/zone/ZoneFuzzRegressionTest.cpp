// Zone texts the fuzzer (fuzz/zone_parser.cpp) found mishandled; the inputs are kept in
// fuzz/regressions/zone_parser/.
#include "core/util/Errors.hpp"
#include "core/zone/ZoneParser.hpp"
#include "core/zone/ZoneWriter.hpp"

#include <catch2/catch.hpp>

using namespace dadns;

TEST_CASE("a '\"' inside a domain name in rdata survives render and parse", "[zone]") {
    // ldns writes the quote as it is; the stored text then read as an unterminated quoted string.
    Zone z = parseZoneText("@ SOA ns1 h 1 2 3 4 5\n"
                           "www CNAME \\\"odd.example.com.\n"
                           "@ MX 10 a\\\"b\n"
                           "@ NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!x!\" \\\"r.example.com.\n",
                           "example.com");
    REQUIRE(z.records.size() == 4);
    CHECK(z.records[1].rdata == std::vector<std::string>{"\\034odd.example.com."});
    CHECK(z.records[2].rdata[1] == "a\\034b.example.com.");
    CHECK(z.records[3].rdata[5] == "\\034r.example.com.");
    Zone again;
    REQUIRE_NOTHROW(again = parseZoneText(renderZoneText(z), "example.com"));
    CHECK(again.records == z.records);
}
