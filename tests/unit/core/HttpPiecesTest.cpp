// Router matching and Basic auth parsing, without a server.
#include "core/http/BasicAuth.hpp"
#include "core/http/Router.hpp"

#include <catch2/catch.hpp>

using namespace dadns;

TEST_CASE("routes: patterns with parameters, prefixes, method mismatch", "[http]") {
    Router r;
    auto noop = [](ApiRequest&, ApiResponse&) {};
    r.add({"GET", "/api/v1/zones/{zone}", RouteAccess::Read, noop, ""});
    r.add({"PUT", "/api/v1/zones/{zone}", RouteAccess::Mutate, noop, ""});
    r.add({"GET", "/api/v1/zones/{zone}/history", RouteAccess::Read, noop, ""});
    r.add({"*", "/CMD_API_*", RouteAccess::Plugin, noop, "directadmin"});
    r.add({"GET", "/CMD_API_LOGIN_TEST*", RouteAccess::Plugin, noop, "other"});
    bool mismatch = false;
    auto m = r.match("GET", "/api/v1/zones/example.com", mismatch);
    REQUIRE(m);
    CHECK(m->pathParams.at("zone") == "example.com");
    CHECK(r.match("PUT", "/api/v1/zones/a%2Fb", mismatch)->pathParams.at("zone") == "a/b");
    CHECK(r.match("GET", "/api/v1/zones/x/history", mismatch)->route->pattern == "/api/v1/zones/{zone}/history");
    CHECK_FALSE(r.match("GET", "/api/v1/zones/", mismatch));
    CHECK_FALSE(r.match("DELETE", "/api/v1/zones/x", mismatch));
    CHECK(mismatch);
    CHECK(r.match("GET", "/CMD_API_LOGIN_TEST", mismatch)->route->owner == "other"); // longest prefix wins
    CHECK(r.match("POST", "/CMD_API_DNS_ADMIN", mismatch)->route->owner == "directadmin");
    CHECK_THROWS(r.add({"GET", "/api/v1/zones/{zone}", RouteAccess::Read, noop, ""}));
    r.removeOwner("directadmin");
    CHECK_FALSE(r.match("POST", "/CMD_API_DNS_ADMIN", mismatch));
}

// Parsing the header is the SDK's (tests/unit/sdk/BasicAuthTest.cpp).
TEST_CASE("API credentials are compared in full", "[http]") {
    Credentials c("admin", "secret");
    CHECK(c.check("admin", "secret"));
    CHECK_FALSE(c.check("admin", "secret2"));
    CHECK_FALSE(c.check("admin", "secre"));
    CHECK_FALSE(c.check("admin", ""));
    CHECK_FALSE(c.check("Admin", "secret"));
}
