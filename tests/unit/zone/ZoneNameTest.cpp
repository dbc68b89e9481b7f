// The one name validator: hostile and edge-case zone and owner names.
#include "core/util/Errors.hpp"
#include "core/zone/ZoneName.hpp"

#include <catch2/catch.hpp>

using namespace dadns;

TEST_CASE("zone names are normalised or refused with the reason", "[zone]") {
    CHECK(normalizeZoneName("Example.COM.") == "example.com");
    CHECK(normalizeZoneName("xn--bcher-kva.example") == "xn--bcher-kva.example");
    CHECK(normalizeZoneName("2.0.192.in-addr.arpa") == "2.0.192.in-addr.arpa");
    CHECK(normalizeZoneName(std::string(63, 'a') + ".com") == std::string(63, 'a') + ".com");

    struct Bad {
        std::string name, reason;
    };
    std::vector<Bad> bad = {
        {"../x", "empty label"},
        {"a/b.com", "contains '/'"},
        {"a\\b.com", "contains '\\'"},
        {std::string("a\0b.com", 7), "NUL"},
        {std::string(64, 'a') + ".com", "longer than 63"},
        {"a..b.com", "empty label"},
        {"-a.com", "start or end with '-'"},
        {"a-.com", "start or end with '-'"},
        {"*.example.com", "wildcard"},
        {"", "empty"},
        {".", "root zone"},
        {"exa mple.com", "contains ' '"},
        {"x'; DROP TABLE zones;--", "contains '''"},
        {"caf\xc3\xa9.com", "punycode"},
    };
    std::string longName;
    for (int i = 0; i < 26; ++i) longName += "abcdefghi.";
    bad.push_back({longName + "com", "longer than 253"});
    for (const auto& b : bad) {
        INFO(b.name);
        try {
            normalizeZoneName(b.name);
            FAIL("accepted");
        } catch (const InvalidInput& e) {
            CHECK(std::string(e.what()).find(b.reason) != std::string::npos);
        }
    }
}

TEST_CASE("owner names: relative, @, absolute, wildcards only leftmost, inside the zone", "[zone]") {
    CHECK(normalizeOwnerName("www", "example.com") == "www.example.com.");
    CHECK(normalizeOwnerName("@", "example.com") == "example.com.");
    CHECK(normalizeOwnerName("WWW.Example.Com.", "example.com") == "www.example.com.");
    CHECK(normalizeOwnerName("*.dev", "example.com") == "*.dev.example.com.");
    CHECK(normalizeOwnerName("_dmarc", "example.com") == "_dmarc.example.com.");
    CHECK_THROWS_WITH(normalizeOwnerName("a.*.dev", "example.com"), Catch::Contains("leftmost"));
    CHECK_THROWS_WITH(normalizeOwnerName("www.other.com.", "example.com"), Catch::Contains("outside the zone"));
    CHECK_THROWS_WITH(normalizeOwnerName("notexample.com.", "example.com"), Catch::Contains("outside the zone"));
    CHECK_THROWS_WITH(normalizeOwnerName("../../etc", "example.com"), Catch::Contains("empty label"));
}
