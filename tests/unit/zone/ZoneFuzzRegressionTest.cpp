// Zone texts the fuzzer (fuzz/zone_parser.cpp) found mishandled; the inputs are kept in
// fuzz/regressions/zone_parser/.
#include "core/util/Errors.hpp"
#include "core/zone/ZoneParser.hpp"

#include <dadns/sdk/master_file.hpp>

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
    REQUIRE_NOTHROW(again = parseZoneText(sdk::masterFileText(z), "example.com"));
    CHECK(again.records == z.records);
}

TEST_CASE("a relative name in rdata that is too long with the origin is refused", "[zone]") {
    // ldns left it relative and printed it empty: "NS" with no data was stored, and the stored
    // text no longer parsed.
    std::string label(60, 'a');
    std::string origin = label + "." + label + "." + label + "." + std::string(50, 'b') + ".example.com."; // 247 octets
    std::string text = "$ORIGIN " + origin + "\n@ SOA ns1.example.com. h.example.com. 1 2 3 4 5\n@ NS ns2345678901\n";
    try {
        parseZoneText(text, "example.com");
        FAIL("parsed");
    } catch (const ZoneParseError& e) {
        CHECK(e.line == 3);
        CHECK(e.reason == "a name in the record data is longer than 255 octets");
    }
    // The same name absolute and short enough is fine.
    CHECK(parseZoneText("@ SOA ns1 h 1 2 3 4 5\n@ NS ns2345678901\n", "example.com").records[1].rdata[0] == "ns2345678901.example.com.");
}

TEST_CASE("a CERT record of certificate type 0 is refused before ldns reads it", "[zone]") {
    // ldns refuses it too but leaks the field it read (found by the fuzzer's leak check; the
    // ASan unit tests catch the leak).
    for (const char* type : {"0", "00", "65536"}) {
        INFO(type);
        try {
            parseZoneText(std::string("@ SOA ns1 h 1 2 3 4 5\n@ CERT ") + type + " 1 1 AAAA\n", "example.com");
            FAIL("parsed");
        } catch (const ZoneParseError& e) {
            CHECK(e.line == 2);
            CHECK(e.reason == "CERT certificate type 0 is reserved");
        }
    }
    Zone z = parseZoneText("@ SOA ns1 h 1 2 3 4 5\n@ CERT PKIX 1 1 AAAA\n", "example.com");
    CHECK(z.records[1].type == "CERT");
}

TEST_CASE("generic (\\#) data is refused for types that have a presentation form", "[zone]") {
    // ldns read such data into fields it could not write back: HTTPS bytes that form no
    // parameter (printed as nothing), an RT short of a field, an NSEC without its next name.
    // The stored text then lost data or no longer parsed.
    for (const char* text : {"@ TYPE65 \\# 4 0A000001\n", "@ TYPE21CAA \\# t 0A000001\n", "@ NSEC \\# 0 4\n", "@ A \\# 4 C0000201\n"}) {
        INFO(text);
        try {
            parseZoneText(text, "example.com");
            FAIL("parsed");
        } catch (const ZoneParseError& e) {
            CHECK(e.line == 1);
            CHECK_THAT(e.what(), Catch::Contains("data in its presentation form"));
        }
    }
    // Types without one keep the generic form, and round-trip.
    Zone unknown = parseZoneText("@ SOA ns1 h 1 2 3 4 5\n@ TYPE65534 \\# 4 0A000001\n", "example.com");
    REQUIRE(unknown.records.size() == 2);
    CHECK(unknown.records[1].type == "TYPE65534");
    CHECK(parseZoneText(sdk::masterFileText(unknown), "example.com").records == unknown.records);
}

TEST_CASE("a record whose data ldns stops reading part way is refused", "[zone]") {
    // ldns kept the fields before the data it could not read: "SOA \\@ SOA \\# 0# 0" became an
    // SOA of three fields, written back as text that did not parse.
    try {
        parseZoneText("@ SOA \\@ SOA \\# 0# 0\n", "example.com");
        FAIL("parsed");
    } catch (const ZoneParseError& e) {
        CHECK(e.line == 1);
        CHECK_THAT(e.what(), Catch::Contains("record data incomplete: SOA needs at least 7 fields"));
    }
}
