// The bind plugin's read-back of its own zone files and its `server` address, compiled in.
#include "ServerAddress.hpp"
#include "ZoneFileReader.hpp"

#include "core/zone/ZoneParser.hpp"
#include "support/TestSupport.hpp"

#include <dadns/sdk/master_file.hpp>

#include <catch2/catch.hpp>

using namespace dadns::bind;
using dadns::sdk::Record;
using dadns::test::TempDir;

namespace {

// Records of many types and spellings, as the daemon's parser gives them.
const char* kZoneText = "$TTL 300\n"
                        "@ IN SOA ns1 hostmaster 2024010101 3600 600 86400 300\n"
                        "@ IN NS ns1\n"
                        "ns1 IN A 192.0.2.53\n"
                        "www 60 IN AAAA 2001:db8::5\n"
                        "@ IN MX 10 mail\n"
                        "@ IN TXT \"v=spf1 a mx -all\" \"second string; with a semicolon\"\n"
                        "txt IN TXT \"quote \\\" inside\" plain\n"
                        "_sip._tcp IN SRV 10 5 5060 sip\n"
                        "@ IN CAA 0 issue \"letsencrypt.org\"\n"
                        "ftp IN CNAME www\n"
                        "loc IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m\n"
                        "host IN HINFO \"PC Intel\" \"Linux 6\"\n"
                        "ssh IN SSHFP 1 1 123456789abcdef67890123456789abcdef67890\n"
                        "_443._tcp IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
                        "naptr IN NAPTR 100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .\n"
                        "sub IN DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
                        "generic IN TYPE65280 \\# 4 0a000001\n"
                        "*.wild IN A 192.0.2.9\n";

} // namespace

TEST_CASE("bind zone file reader: a file dadns wrote reads back as the daemon's parser gave it", "[bind]") {
    auto zone = dadns::parseZoneText(kZoneText, "example.com");
    REQUIRE(zone.records.size() == 18);
    TempDir dir;
    std::string path = dir.file("example.com.db");
    dadns::test::writeFile(path, "; managed by dadns\n" + dadns::sdk::masterFileText(zone));
    auto read = readZoneFile(path);
    REQUIRE(read);
    REQUIRE(read->size() == zone.records.size());
    for (size_t i = 0; i < zone.records.size(); ++i) {
        INFO(dadns::sdk::masterFileLine(zone.records[i]));
        CHECK((*read)[i] == zone.records[i]);
    }
}

TEST_CASE("bind zone file reader: no file is no zone; a line ldns cannot read is kept as written", "[bind]") {
    TempDir dir;
    CHECK_FALSE(readZoneFile(dir.file("missing.db")));

    Record bad = parseZoneFileLine("Broken.Example.com. 300 IN A not-an-address");
    CHECK(bad == Record{"broken.example.com.", "A", 1, 300, {"not-an-address"}});
    Record unknown = parseZoneFileLine("x.example.com.  60\tIN  bogus \"a b \\\" c\" d");
    CHECK(unknown == Record{"x.example.com.", "BOGUS", 1, 60, {"\"a b \\\" c\"", "d"}});

    dadns::test::writeFile(dir.file("z.db"), "$ORIGIN z.example.\n\n; a comment\nz.example. 300 IN NS ns.z.example.\r\n   \n");
    auto read = readZoneFile(dir.file("z.db"));
    REQUIRE(read);
    CHECK(*read == std::vector<Record>{Record{"z.example.", "NS", 1, 300, {"ns.z.example."}}});
}

TEST_CASE("bind server address: HOST:PORT with an IPv4 address, a bracketed IPv6 address or a host name", "[bind]") {
    for (const char* good : {"127.0.0.1:53", "[::1]:5353", "ns1.example.net:53", "localhost:65535", "[2001:db8::1]:1"}) {
        INFO(good);
        CHECK(serverAddressProblem(good) == "");
    }
    CHECK(parseServerAddress("[::1]:5353").host == "::1");
    CHECK(parseServerAddress("[::1]:5353").port == 5353);
    CHECK(parseServerAddress("[::1]:5353").text() == "[::1]:5353");
    CHECK(parseServerAddress("127.0.0.1:53").text() == "127.0.0.1:53");

    CHECK_THAT(serverAddressProblem("127.0.0.1"), Catch::Contains("expected HOST:PORT"));
    CHECK_THAT(serverAddressProblem(":53"), Catch::Contains("expected HOST:PORT"));
    CHECK_THAT(serverAddressProblem("[::1]"), Catch::Contains("expected HOST:PORT"));
    CHECK_THAT(serverAddressProblem("127.0.0.1:0"), Catch::Contains("from 1 to 65535"));
    CHECK_THAT(serverAddressProblem("127.0.0.1:65536"), Catch::Contains("from 1 to 65535"));
    CHECK_THAT(serverAddressProblem("127.0.0.1:5x"), Catch::Contains("from 1 to 65535"));
    CHECK_THAT(serverAddressProblem("127.0.0.1:123456"), Catch::Contains("from 1 to 65535"));
    CHECK_THAT(serverAddressProblem("::1:53"), Catch::Contains("in brackets"));
    CHECK_THAT(serverAddressProblem("[::g]:53"), Catch::Contains("not an IPv6 address"));
    CHECK_THAT(serverAddressProblem("10.1:53"), Catch::Contains("not an IPv4 address"));
    CHECK_THAT(serverAddressProblem("256.0.0.1:53"), Catch::Contains("not an IPv4 address"));
    CHECK_THAT(serverAddressProblem("bad_host:53"), Catch::Contains("not a host name"));
    CHECK_THAT(serverAddressProblem("-ns.example:53"), Catch::Contains("not a host name"));
}
