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

TEST_CASE("record data ldns reads but cannot write back is refused", "[zone]") {
    // HTTPS priority 2560, target ".", then one byte that is no SvcParam: ldns kept an empty
    // field, the rendered text lost it, and the stored zone differed from what was parsed.
    try {
        parseZoneText("@ TYPE65 \\# 4 0A000001\n", "example");
        FAIL("parsed");
    } catch (const ZoneParseError& e) {
        CHECK(e.line == 1);
        CHECK_THAT(e.what(), Catch::Contains("field 3 of the record data is not valid HTTPS data"));
    }
    // Whole HTTPS data in the same form still parses and round-trips.
    Zone ok = parseZoneText("@ SOA ns1 h 1 2 3 4 5\n@ TYPE65 \\# 3 000100\n", "example");
    CHECK(parseZoneText(renderZoneText(ok), "example").records == ok.records);
}

TEST_CASE("generic record data short of the type's fields is refused", "[zone]") {
    // ldns read "\# t 0A000001" for RT (TYPE21) as one field of two; the text written back,
    // "RT 0A000001.example.com.", did not parse again.
    try {
        parseZoneText("@ TYPE21CAA \\# t 0A000001\n", "example.com");
        FAIL("parsed");
    } catch (const ZoneParseError& e) {
        CHECK(e.line == 1);
        CHECK_THAT(e.what(), Catch::Contains("record data incomplete: RT needs at least 2 fields"));
    }
    Zone ok = parseZoneText("@ SOA ns1 h 1 2 3 4 5\n@ RT 10 relay.example.com.\n", "example.com");
    CHECK(parseZoneText(renderZoneText(ok), "example.com").records == ok.records);
}
