// Reading HTTP Basic credentials (the API and the directadmin plugin both use this parser).
#include "support/TestSupport.hpp"

#include <dadns/sdk/basic_auth.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace dadns::sdk;
using dadns::test::base64;

TEST_CASE("Basic credentials are read from an Authorization value", "[sdk]") {
    auto creds = parseBasicAuth("Basic YWRtaW46c2VjcmV0"); // admin:secret
    REQUIRE(creds);
    CHECK(creds->user == "admin");
    CHECK(creds->password == "secret");
    CHECK(parseBasicAuth("basic YTpiOmM=")->password == "b:c"); // the user ends at the first ':'
    CHECK(parseBasicAuth("BASIC YTpiOmM=")->user == "a");
    CHECK(parseBasicAuth("bAsIc \t YTpiOmM=")->user == "a");    // any case, spaces and tabs
    CHECK(parseBasicAuth("  Basic YTpiOmM=  ")->user == "a");   // white space around the value
    CHECK(parseBasicAuth("Basic " + base64("admin:"))->password.empty());
    CHECK(parseBasicAuth("Basic " + base64(":pw"))->user.empty());
    CHECK(parseBasicAuth("Basic " + base64("u:"))->user == "u"); // one padding character
    CHECK(parseBasicAuth("Basic " + base64("us:"))->user == "us"); // two
    CHECK(parseBasicAuth("Basic " + base64("use:"))->user == "use"); // none
    std::string binary("\xc3\xa9t\xc3\xa9:\x01\xff\0x", 10);
    auto odd = parseBasicAuth("Basic " + base64(binary));
    REQUIRE(odd);
    CHECK(odd->user == "\xc3\xa9t\xc3\xa9");
    CHECK(odd->password == std::string("\x01\xff\0x", 4));
}

TEST_CASE("Basic credentials refuse other schemes and malformed base64", "[sdk]") {
    for (const char* bad : {"", "Basic", "Basic ", "Basic    ", "Bearer YWRtaW46c2VjcmV0", "BasicYWRtaW46c2VjcmV0", "Basix YWRtaW46c2VjcmV0",
                            "Basic !!!notbase64", "Basic YWRtaW46c2VjcmV0=", "Basic YWRtaW46c2VjcmV", "Basic YWRt aW46c2VjcmV0",
                            "Basic YW=taW46", "Basic YWRtaW46c2VjcmV0====", "Basic ====", "Basic YTpiOmM=\x01", "Basic YTpi-mM=",
                            "Basic YTpi_mM=", "Basic YTpiOmN=", "Basic YTo=x", "Basic YR=="}) {
        INFO("'" << bad << "'");
        CHECK_FALSE(parseBasicAuth(bad));
    }
    CHECK(parseBasicAuth("Basic YQ==") == std::nullopt);       // "a": no colon
    CHECK_FALSE(parseBasicAuth("Basic bm9jb2xvbg=="));          // "nocolon"
    CHECK_FALSE(parseBasicAuth("Basic YTpiOmM=\nBasic YTpi")); // one value, one token
}

TEST_CASE("Basic credentials over the size limit are refused before decoding", "[sdk]") {
    std::string user(1000, 'u'), password(2000, 'p');
    std::string value = "Basic " + base64(user + ":" + password);
    REQUIRE(value.size() <= kMaxBasicAuthValue);
    CHECK(parseBasicAuth(value)->password == password);
    std::string tooLong = "Basic " + base64(user + ":" + std::string(3000, 'p'));
    REQUIRE(tooLong.size() > kMaxBasicAuthValue);
    CHECK_FALSE(parseBasicAuth(tooLong));
    CHECK_FALSE(parseBasicAuth(std::string(kMaxBasicAuthValue + 1, ' ') + "Basic YTpi"));
}

TEST_CASE("constantTimeEquals compares whole values", "[sdk]") {
    CHECK(constantTimeEquals("", ""));
    CHECK(constantTimeEquals("secret", "secret"));
    CHECK_FALSE(constantTimeEquals("a", ""));
    CHECK_FALSE(constantTimeEquals("", "a"));
    CHECK_FALSE(constantTimeEquals("secre", "secret"));
    CHECK_FALSE(constantTimeEquals("secret2", "secret"));
    CHECK_FALSE(constantTimeEquals("Secret", "secret"));
    CHECK_FALSE(constantTimeEquals(std::string("secret\0", 7), "secret"));
}
