// Which browser requests are another site's (refused mutations), and who gets the Basic challenge.
#include "core/http/CrossSite.hpp"

#include <catch2/catch.hpp>

using namespace dadns;

namespace {

HttpRequestHead head(const std::string& method, std::vector<std::pair<std::string, std::string>> headers) {
    HttpRequestHead h;
    h.method = method;
    h.target = "/api/v1/zones/a.example";
    h.headers = std::move(headers);
    return h;
}

} // namespace

TEST_CASE("cross-site mutations are refused; the page's own and non-browser clients pass", "[http]") {
    // Clients that are not browsers send neither header.
    CHECK_FALSE(crossSiteRefusal(head("PUT", {{"Host", "127.0.0.1:2222"}})));
    // Reads always pass: they change nothing.
    CHECK_FALSE(crossSiteRefusal(head("GET", {{"Sec-Fetch-Site", "cross-site"}, {"Origin", "http://evil.example"}})));
    // Fetch Metadata decides when present.
    CHECK_FALSE(crossSiteRefusal(head("POST", {{"Sec-Fetch-Site", "same-origin"}, {"Origin", "http://127.0.0.1:2222"}})));
    CHECK_FALSE(crossSiteRefusal(head("POST", {{"Sec-Fetch-Site", "none"}})));
    CHECK(crossSiteRefusal(head("POST", {{"Sec-Fetch-Site", "cross-site"}})));
    CHECK(crossSiteRefusal(head("DELETE", {{"sec-fetch-site", "same-site"}, {"Host", "a.example"}, {"Origin", "http://a.example"}})));
    // Else the Origin must name the host the request went to (default ports either way).
    CHECK_FALSE(crossSiteRefusal(head("PUT", {{"Host", "127.0.0.1:2222"}, {"Origin", "http://127.0.0.1:2222"}})));
    CHECK_FALSE(crossSiteRefusal(head("PUT", {{"Host", "dns.example:443"}, {"Origin", "https://DNS.example"}})));
    CHECK_FALSE(crossSiteRefusal(head("PUT", {{"Host", "dns.example"}, {"Origin", "http://dns.example:80"}})));
    CHECK(crossSiteRefusal(head("PUT", {{"Host", "127.0.0.1:2222"}, {"Origin", "http://127.0.0.1:2223"}})));
    CHECK(crossSiteRefusal(head("PUT", {{"Host", "127.0.0.1:2222"}, {"Origin", "null"}})));
    CHECK(crossSiteRefusal(head("PUT", {{"Host", "127.0.0.1:2222"}, {"Origin", "http://evil.example"}})));
    CHECK(crossSiteRefusal(head("PUT", {{"Origin", "http://127.0.0.1:2222"}}))); // no Host to compare with
    CHECK(crossSiteRefusal(head("PUT", {{"Host", "a.example"}, {"Origin", "http://user@a.example"}})));
    auto why = crossSiteRefusal(head("PATCH", {{"Host", "a.example"}, {"Origin", "http://b.example"}}));
    REQUIRE(why);
    CHECK(why->find("http://b.example") != std::string::npos);
}

TEST_CASE("a page's script gets no Basic challenge; navigations and other clients do", "[http]") {
    CHECK(wantsAuthChallenge(head("GET", {})));
    CHECK(wantsAuthChallenge(head("GET", {{"Sec-Fetch-Mode", "navigate"}})));
    CHECK_FALSE(wantsAuthChallenge(head("GET", {{"Sec-Fetch-Mode", "cors"}})));
    CHECK_FALSE(wantsAuthChallenge(head("POST", {{"Sec-Fetch-Mode", "same-origin"}})));
}
