// Served content against desired content, in canonical form (core/zone/ServedContent.hpp).
#include "core/zone/ServedContent.hpp"

#include <catch2/catch.hpp>

using dadns::compareServed;
using dadns::sdk::Record;

namespace {

Record rr(const std::string& owner, const std::string& type, std::vector<std::string> rdata, uint32_t ttl = 300) {
    return Record{owner, type, 1, ttl, std::move(rdata)};
}

std::vector<Record> desired() {
    return {rr("example.com.", "SOA", {"ns1.example.com.", "hostmaster.example.com.", "1", "3600", "600", "86400", "300"}),
            rr("example.com.", "MX", {"10", "mail.example.com."}), rr("www.example.com.", "AAAA", {"2001:db8::1"}),
            rr("example.com.", "TXT", {"\"v=spf1 -all\""})};
}

} // namespace

TEST_CASE("two spellings of the same records verify, in any order", "[zone]") {
    std::vector<Record> served = {rr("www.example.com.", "AAAA", {"2001:0db8:0:0:0:0:0:1"}), rr("EXAMPLE.com.", "MX", {"10", "MAIL.Example.COM."}),
                                  rr("example.com.", "TXT", {"\"v=spf1 -all\""}),
                                  rr("example.com.", "SOA", {"NS1.example.com.", "hostmaster.example.com.", "1", "1h", "10m", "1d", "5m"})};
    auto c = compareServed(desired(), served);
    CHECK(c.verifies(4));
    CHECK(c.missing.empty());
    CHECK(c.unexpected.empty());
    CHECK(c.desiredDigest == c.servedDigest);
    CHECK(c.desiredDigest.size() == 64);
}

TEST_CASE("a changed record is found though the count is unchanged", "[zone]") {
    auto served = desired();
    served[2].rdata = {"2001:db8::2"};
    auto c = compareServed(desired(), served);
    CHECK_FALSE(c.verifies(4));
    REQUIRE(c.unexpected.size() == 1);
    CHECK(c.unexpected[0].rdata[0] == "2001:db8::2");
    REQUIRE(c.missing.size() == 1);
    CHECK(c.missing[0].rdata[0] == "2001:db8::1");
    CHECK(c.desiredDigest != c.servedDigest);
    CHECK(c.describe(4).find("1 not desired (e.g. 'www.example.com. 300 IN AAAA 2001:db8::2')") != std::string::npos);
}

TEST_CASE("a TTL or TXT text change counts as a change", "[zone]") {
    auto ttl = desired();
    ttl[1].ttl = 60;
    CHECK_FALSE(compareServed(desired(), ttl).verifies(4));
    auto txt = desired();
    txt[3].rdata = {"\"v=spf1 ~all\""};
    CHECK_FALSE(compareServed(desired(), txt).verifies(4));
}

TEST_CASE("records the backend does not store are allowed only as its expected count says", "[zone]") {
    auto served = desired();
    served.pop_back(); // the TXT record: a backend that cannot store TXT reports 3
    auto c = compareServed(desired(), served);
    CHECK(c.missing.size() == 1);
    CHECK(c.verifies(3));
    CHECK_FALSE(c.verifies(4)); // a backend that stores it must serve it
}

TEST_CASE("a record served twice in place of another is found", "[zone]") {
    auto served = desired();
    served[3] = served[2]; // four records, one missing, one twice
    auto c = compareServed(desired(), served);
    CHECK(c.duplicates == 1);
    CHECK_FALSE(c.verifies(4));
    CHECK(c.describe(4).find("1 served twice") != std::string::npos);
}

TEST_CASE("a record ldns cannot read still compares with itself", "[zone]") {
    std::vector<Record> odd = {rr("x.example.com.", "TYPE65280", {"not-rfc3597"})};
    CHECK(compareServed(odd, odd).verifies(1));
    std::vector<Record> other = {rr("x.example.com.", "TYPE65280", {"other"})};
    CHECK_FALSE(compareServed(odd, other).verifies(1));
}

TEST_CASE("a served record with control bytes is described without them", "[zone]") {
    std::vector<Record> served = {rr("x.example.com.", "TXT", {"\"a\nFAKE LOG LINE\x1b[2J\""})};
    auto c = compareServed({}, served);
    std::string text = c.describe(0);
    CHECK(text.find('\n') == std::string::npos);
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find("\"a\\010FAKE LOG LINE\\027[2J\"") != std::string::npos);
}
