// The SDK's typed record views and small helpers behave as plugin authors expect.
#include <dadns/sdk.hpp>

#include <catch2/catch.hpp>

using namespace dadns::sdk;

TEST_CASE("typed views over presentation-form rdata", "[sdk]") {
    Record mx{"example.com.", "MX", 1, 300, {"10", "mail.example.com."}};
    MxView m(mx);
    CHECK(m.preference == 10);
    CHECK(m.host == "mail.example.com.");
    Record srv{"_sip._tcp.example.com.", "SRV", 1, 300, {"10", "5", "5060", "sip.example.com."}};
    SrvView s(srv);
    CHECK(s.priority == 10);
    CHECK(s.weight == 5);
    CHECK(s.port == 5060);
    CHECK(s.target == "sip.example.com.");
    Record soa{"example.com.", "SOA", 1, 300, {"ns1.example.com.", "h.example.com.", "2024010101", "3600", "600", "86400", "300"}};
    SoaView o(soa);
    CHECK(o.serial == 2024010101u);
    CHECK(o.minimum == 300);
    Record caa{"example.com.", "CAA", 1, 300, {"0", "issue", "\"letsencrypt.org\""}};
    CaaView c(caa);
    CHECK(c.tag == "issue");
    CHECK(c.value == "letsencrypt.org");
    Record txt{"example.com.", "TXT", 1, 300, {"\"v=spf1 -all\"", "\"a \\\"quoted\\\" \\059\""}};
    CHECK(txtStrings(txt) == std::vector<std::string>{"v=spf1 -all", "a \"quoted\" ;"});
    CHECK(relativeOwner(srv, "example.com") == "_sip._tcp");
    CHECK(relativeOwner(mx, "example.com") == "");
    CHECK_THROWS_AS(MxView(srv), PermanentError);
    CHECK_THROWS_AS(txtStrings(mx), PermanentError);
}

TEST_CASE("config JSON and form helpers", "[sdk]") {
    Json j = Json::parse(R"({"host":"db","port":3306,"tls":true,"servers":["a","b"],"nested":{"k":"v"}})");
    CHECK(j.getString("host") == "db");
    CHECK(j.getInt("port", 0) == 3306);
    CHECK(j.getBool("tls", false));
    CHECK(j.getInt("missing", 7) == 7);
    CHECK(j["servers"].items().size() == 2);
    CHECK(j["nested"].getString("k") == "v");
    CHECK_THROWS_AS(j.getBool("host", false), PermanentError);
    CHECK_THROWS(Json::parse("{\"a\":"));
    CHECK(Json::parse(R"({"e":"caf\u00e9 \ud83d\ude00"})").getString("e") == "caf\xc3\xa9 \xf0\x9f\x98\x80");
    for (const char* bad : {R"({"e":"\uZZZZ"})", R"({"e":"\u12"})", R"({"e":"\ud83d"})", R"({"e":"\ude00"})", R"({"e":"\ud83d\u0041"})"}) {
        INFO(bad);
        CHECK_THROWS_AS(Json::parse(bad), PermanentError); // hostile input is a clear error, never another exception
    }
    // dump() writes back what parse() reads.
    Json back = Json::parse(j.dump());
    CHECK(back.getString("host") == "db");
    CHECK(back.getInt("port", 0) == 3306);
    CHECK(back["servers"].items().size() == 2);
    CHECK(back["nested"].getString("k") == "v");
    auto form = parseForm("action=rawsave&domain=example.com&text=a%20b+c");
    CHECK(form["action"] == "rawsave");
    CHECK(form["text"] == "a b c");
    CHECK(urlDecode(urlEncode("x=1&y=\xc3\xa9")) == "x=1&y=\xc3\xa9");
}
