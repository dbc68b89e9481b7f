// Records as master file lines: the exact text named and the store read, the SOA first, and
// what the daemon's parser reads back.
#include "core/zone/ZoneParser.hpp"

#include <dadns/sdk/master_file.hpp>

#include <catch2/catch.hpp>

using namespace dadns::sdk;

namespace {

Record record(std::string owner, std::string type, uint32_t ttl, std::vector<std::string> rdata) {
    Record r;
    r.owner = std::move(owner);
    r.type = std::move(type);
    r.ttl = ttl;
    r.rdata = std::move(rdata);
    return r;
}

} // namespace

TEST_CASE("a record is one master file line: owner, TTL, class, type, rdata", "[sdk]") {
    CHECK(masterFileLine(record("www.example.com.", "A", 300, {"192.0.2.1"})) == "www.example.com. 300 IN A 192.0.2.1");
    CHECK(masterFileLine(record("example.com.", "MX", 3600, {"10", "mail.example.com."})) == "example.com. 3600 IN MX 10 mail.example.com.");
    CHECK(masterFileLine(record("t.example.com.", "TXT", 60, {"\"v=spf1 -all\"", "\"second; string\""})) ==
          "t.example.com. 60 IN TXT \"v=spf1 -all\" \"second; string\"");
    CHECK(masterFileLine(record("x.example.com.", "TYPE65534", 0, {"\\#", "0"})) == "x.example.com. 0 IN TYPE65534 \\# 0");
    Record chaos = record("version.bind.", "TXT", 0, {"\"9\""});
    chaos.rrClass = 3;
    CHECK(masterFileLine(chaos) == "version.bind. 0 CH TXT \"9\"");
    CHECK(rrClassMnemonic(1) == "IN");
    CHECK(rrClassMnemonic(4) == "HS");
    CHECK(rrClassMnemonic(255) == "CLASS255");
    std::string out = "; head\n";
    appendMasterFileLine(out, record("a.example.com.", "AAAA", 5, {"2001:db8::1"}));
    CHECK(out == "; head\na.example.com. 5 IN AAAA 2001:db8::1\n");
}

TEST_CASE("a zone is $ORIGIN and one line per record, the SOA first", "[sdk]") {
    Zone zone;
    zone.name = "example.com";
    zone.records = {record("www.example.com.", "A", 300, {"192.0.2.1"}),
                    record("example.com.", "SOA", 3600, {"ns1.example.com.", "hostmaster.example.com.", "1", "7200", "900", "1209600", "300"}),
                    record("example.com.", "NS", 3600, {"ns1.example.com."})};
    CHECK(masterFileText(zone) == "$ORIGIN example.com.\n"
                                  "example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300\n"
                                  "www.example.com. 300 IN A 192.0.2.1\n"
                                  "example.com. 3600 IN NS ns1.example.com.\n");
    Zone empty;
    empty.name = "empty.example";
    CHECK(masterFileText(empty) == "$ORIGIN empty.example.\n");
}

TEST_CASE("the daemon's parser reads a rendered zone back to the same records", "[sdk]") {
    Zone parsed = dadns::parseZoneText("$TTL 300\n"
                                       "@ SOA ns1 hostmaster 2024010101 7200 900 1209600 300\n"
                                       "@ NS ns1\n"
                                       "ns1 A 192.0.2.53\n"
                                       "www 60 CNAME @\n"
                                       "@ MX 10 mail.example.org.\n"
                                       "txt TXT \"with spaces; and a semicolon\" \"caf\xc3\xa9\" \"\\\"quoted\\\"\"\n"
                                       "_sip._tcp SRV 10 60 5060 sip\n"
                                       "@ CAA 0 issue \"ca.example.net\"\n",
                                       "example.com");
    REQUIRE(parsed.records.size() == 8);
    std::string text = masterFileText(parsed);
    CHECK(dadns::parseZoneText(text, "example.com").records == parsed.records);
    CHECK(masterFileText(dadns::parseZoneText(text, "example.com")) == text);
}

TEST_CASE("a record that would not be one line is refused", "[sdk]") {
    CHECK_THROWS_AS(masterFileLine(record("www.example.com.", "A", 1, {"192.0.2.1\nevil.example.com. 1 IN A 192.0.2.66"})), PermanentError);
    CHECK_THROWS_AS(masterFileLine(record("www.example.com.", "TXT", 1, {"\"a\rb\""})), PermanentError);
    CHECK_THROWS_AS(masterFileLine(record("www.example.com.", "TXT", 1, {std::string("\"a\0b\"", 5)})), PermanentError);
    CHECK_THROWS_AS(masterFileLine(record("www example.com.", "A", 1, {"192.0.2.1"})), PermanentError);
    CHECK_THROWS_AS(masterFileLine(record("www.example.com.", "A\tX", 1, {"192.0.2.1"})), PermanentError);
    CHECK_THROWS_AS(masterFileLine(record("", "A", 1, {"192.0.2.1"})), PermanentError);
    CHECK_THROWS_AS(masterFileLine(record("www.example.com.", "", 1, {"192.0.2.1"})), PermanentError);
    Zone zone;
    zone.name = "example.com";
    zone.records = {record("www.example.com.\n", "A", 1, {"192.0.2.1"})};
    CHECK_THROWS_AS(masterFileText(zone), PermanentError);
}
