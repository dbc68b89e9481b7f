// named's control channel messages (isccc), compiled in: the layout BIND writes, signatures
// checked against an independent HMAC, and a decoder that refuses broken input without reading
// outside it (real named: tests/integration/bind/RndcChannelTest.cpp).
#include "RndcMessage.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace dadns::bind;
using namespace dadns::bind::rndc;

namespace {

RndcKey key(const std::string& algorithm = "hmac-sha256") { return {"test-key", algorithm, "0123456789abcdef0123456789abcdef"}; }

std::string u32(uint32_t v) {
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
    return out;
}

std::string binaryEntry(const std::string& k, const std::string& v) {
    return std::string(1, static_cast<char>(k.size())) + k + "\x01" + u32(static_cast<uint32_t>(v.size())) + v;
}

std::string tableEntry(const std::string& k, const std::string& entries) {
    return std::string(1, static_cast<char>(k.size())) + k + "\x02" + u32(static_cast<uint32_t>(entries.size())) + entries;
}

// The request of the known answers below, as BIND would write its entries.
Request fixedRequest() { return {1, 1700000000, 0, "status"}; }
std::string fixedEntries() {
    return tableEntry("_ctrl", binaryEntry("_ser", "1") + binaryEntry("_tim", "1700000000") + binaryEntry("_exp", "1700000060")) +
           tableEntry("_data", binaryEntry("type", "status"));
}

// A signed message of the given entries, without the length field.
std::string signedBody(const std::string& entries, const RndcKey& k = key()) {
    auto body = signEntries(entries, k);
    REQUIRE(body);
    return *body;
}

std::string replyEntries(const std::string& ctrl, const std::string& data) { return tableEntry("_ctrl", ctrl) + tableEntry("_data", data); }

} // namespace

TEST_CASE("rndc: a request is laid out as BIND writes it, signed with hmac-sha256", "[bind][rndc]") {
    auto frame = encodeRequest(fixedRequest(), key());
    REQUIRE(frame);
    // Length, version, then _auth { hsha: algorithm 163, 88 bytes of zero-padded base64 }.
    std::string auth = std::string("\x05_auth\x02") + u32(99) + "\x04hsha\x01" + u32(89) + "\xa3";
    std::string b64 = "+X+mesCO87TDLzaU1j1pfoc7xBrlYGkKkKvFeaMepSk="; // HMAC-SHA256 of fixedEntries() (Python's hmac)
    std::string expected = u32(1) + auth + b64 + std::string(88 - b64.size(), '\0') + fixedEntries();
    CHECK(frame->substr(0, 4) == u32(static_cast<uint32_t>(expected.size())));
    CHECK(frame->substr(4) == expected);
}

TEST_CASE("rndc: hmac-md5 uses hmd5 with 22 bytes of base64, hmac-sha512 all 88", "[bind][rndc]") {
    auto md5 = encodeRequest(fixedRequest(), key("hmac-md5"));
    REQUIRE(md5);
    CHECK(md5->substr(4) == u32(1) + "\x05_auth\x02" + u32(32) + "\x04hmd5\x01" + u32(22) + "SOStcWTokLgh0rdk34mg2g" + fixedEntries());
    auto sha512 = encodeRequest(fixedRequest(), key("HMAC-SHA512"));
    REQUIRE(sha512);
    CHECK(sha512->substr(4, 4 + 22) == u32(1) + "\x05_auth\x02" + u32(99) + "\x04hsha\x01" + u32(89) + "\xa5");
    CHECK(sha512->substr(4 + 4 + 22, 88) == "imSkYUnoQzvDg2mp8eYjHs/g6JcpWWXZFH5W3RpK7DB+iNCnpED/s2Lqb3NXOfXiDc6kg4k9zjfXv2RlN/INtg==");
}

TEST_CASE("rndc: encode then decode gives the same message for every algorithm", "[bind][rndc]") {
    for (const char* algorithm : {"hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"}) {
        INFO(algorithm);
        Request request{4000000000u, 1700000000, 77, std::string("addzone example.com { type primary; file \"/z\"; };\n\xff", 52)};
        auto frame = encodeRequest(request, key(algorithm));
        REQUIRE(frame);
        Decoded d = decodeMessage(frame->substr(4), key(algorithm));
        REQUIRE(d.error == "");
        const Value* ctrl = d.table.find("_ctrl");
        REQUIRE(ctrl);
        CHECK(ctrl->text("_ser") == "4000000000");
        CHECK(ctrl->text("_tim") == "1700000000");
        CHECK(ctrl->text("_exp") == "1700000060");
        CHECK(ctrl->text("_nonce") == "77");
        REQUIRE(d.table.find("_data"));
        CHECK(d.table.find("_data")->text("type") == request.command);
        CHECK(encodeMessage(d.table, key(algorithm)) == frame); // the decoded _auth is replaced, to the same bytes
    }
}

TEST_CASE("rndc: lists, nested tables and empty values survive a round trip", "[bind][rndc]") {
    Value list;
    list.type = Value::Type::List;
    list.entries = {{"", Value::binary("a")}, {"", Value::table({{"x", Value::binary("")}})}, {"", Value::binary(std::string(300, 'z'))}};
    Value table = Value::table({{"_ctrl", Value::table({{"_rpl", Value::binary("1")}})}, {"list", list}, {"", Value::binary("empty key")}});
    auto frame = encodeMessage(table, key());
    REQUIRE(frame);
    Decoded d = decodeMessage(frame->substr(4), key());
    REQUIRE(d.error == "");
    REQUIRE(d.table.entries.size() == 4); // _auth first
    CHECK(d.table.entries[0].key == "_auth");
    const Value* back = d.table.find("list");
    REQUIRE(back);
    REQUIRE(back->type == Value::Type::List);
    REQUIRE(back->entries.size() == 3);
    CHECK(back->entries[1].value.find("x")->data.empty());
    CHECK(back->entries[2].value.data == std::string(300, 'z'));
    CHECK(d.table.text("") == "empty key");
}

TEST_CASE("rndc: a tampered byte or another key fails verification", "[bind][rndc]") {
    auto frame = encodeRequest(fixedRequest(), key());
    REQUIRE(frame);
    std::string body = frame->substr(4);
    CHECK(decodeMessage(body, key()).error == "");
    for (size_t i = 4; i < body.size(); ++i) {
        std::string tampered = body;
        tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
        INFO("byte " << i);
        CHECK(decodeMessage(tampered, key()).error != "");
    }
    RndcKey other = key();
    other.secret[0] = 'X';
    CHECK_THAT(decodeMessage(body, other).error, Catch::Contains("another key"));
    CHECK(decodeMessage(body, key("hmac-sha512")).error != ""); // the algorithm byte says 163
    CHECK(decodeMessage(body, key("hmac-md5")).error != "");    // no hmd5
}

TEST_CASE("rndc: a message without _auth first is not signed", "[bind][rndc]") {
    CHECK_THAT(decodeMessage(u32(1) + fixedEntries(), key()).error, Catch::Contains("not signed"));
    // _auth after other entries: what it signs is not defined, so it does not count.
    std::string body = signedBody(fixedEntries());
    std::string authEntry = body.substr(4, body.size() - 4 - fixedEntries().size());
    CHECK_THAT(decodeMessage(u32(1) + fixedEntries() + authEntry, key()).error, Catch::Contains("not signed"));
}

TEST_CASE("rndc: the decoder refuses broken input without reading outside it", "[bind][rndc]") {
    std::string body = signedBody(fixedEntries());
    SECTION("every truncation") {
        for (size_t n = 0; n < body.size(); ++n) {
            INFO("first " << n << " bytes");
            // Cutting at an entry's end leaves a valid table whose signature no longer holds.
            CHECK(decodeMessage(body.substr(0, n), key()).error != "");
        }
    }
    SECTION("a length beyond the message") {
        std::string entries = std::string("\x04type\x01") + u32(1000) + "short";
        CHECK_THAT(decodeMessage(signedBody(entries), key()).error, Catch::Contains("beyond the message"));
        std::string huge = std::string("\x04type\x02") + u32(0xffffffffu);
        CHECK_THAT(decodeMessage(signedBody(huge), key()).error, Catch::Contains("beyond the message"));
        CHECK_THAT(decodeMessage(signedBody("\x20short key"), key()).error, Catch::Contains("truncated"));
    }
    SECTION("nesting deeper than the limit") {
        std::string nested = binaryEntry("leaf", "x");
        for (int i = 0; i < kMaxDepth; ++i) nested = tableEntry("t", nested);
        CHECK(decodeMessage(signedBody(nested), key()).error == "");
        CHECK_THAT(decodeMessage(signedBody(tableEntry("t", nested)), key()).error, Catch::Contains("levels deep"));
        std::string deep = binaryEntry("leaf", "x");
        for (int i = 0; i < 2000; ++i) deep = tableEntry("t", deep); // far beyond the limit: refused at the limit
        CHECK_THAT(decodeMessage(signedBody(deep), key()).error, Catch::Contains("levels deep"));
    }
    SECTION("an unknown value type") {
        for (char type : {'\x00', '\x04', '\xff'}) {
            std::string entries = std::string("\x04type") + type + u32(2) + "ab";
            CHECK_THAT(decodeMessage(signedBody(entries), key()).error, Catch::Contains("unknown value type"));
        }
    }
    SECTION("too many values") {
        std::string many;
        for (size_t i = 0; i <= kMaxValues; ++i) many += binaryEntry("k", "");
        CHECK_THAT(decodeMessage(signedBody(many), key()).error, Catch::Contains("values"));
    }
    SECTION("another version") {
        std::string v2 = body;
        v2[3] = 2;
        CHECK_THAT(decodeMessage(v2, key()).error, Catch::Contains("version 2"));
    }
}

TEST_CASE("rndc: an answer's result, err and text are read, and what is no answer is refused", "[bind][rndc]") {
    std::string ctrl =
        binaryEntry("_ser", "42") + binaryEntry("_tim", "1700000000") + binaryEntry("_rpl", "1") + binaryEntry("_nonce", "123456");
    std::string data = binaryEntry("type", "status") + binaryEntry("result", "0") + binaryEntry("text", "up");
    Reply ok = decodeReply(signedBody(replyEntries(ctrl, data)), key());
    REQUIRE(ok.error == "");
    CHECK(ok.serial == 42);
    CHECK(ok.nonce == 123456);
    CHECK_FALSE(ok.failed);
    CHECK(ok.text == "up");

    Reply failed = decodeReply(signedBody(replyEntries(ctrl, binaryEntry("result", "23") + binaryEntry("err", "not found"))), key());
    REQUIRE(failed.error == "");
    CHECK(failed.failed);
    CHECK(failed.result == 23);
    CHECK(failed.err == "not found");

    auto request = encodeRequest(fixedRequest(), key());
    CHECK_THAT(decodeReply(request->substr(4), key()).error, Catch::Contains("_rpl"));
    CHECK(decodeReply(signedBody(replyEntries(binaryEntry("_rpl", "1"), "")), key()).error != "");                   // no _ser
    CHECK(decodeReply(signedBody(replyEntries(ctrl, binaryEntry("result", "4294967296"))), key()).error != "");      // beyond 32 bits
    CHECK(decodeReply(signedBody(replyEntries(ctrl, binaryEntry("result", "-1"))), key()).error != "");
    CHECK(decodeReply(signedBody(binaryEntry("_ctrl", "flat") + binaryEntry("_data", "flat")), key()).error != "");
}

TEST_CASE("rndc: the six algorithms named's control channel knows", "[bind][rndc]") {
    CHECK(algorithmNumber("hmac-md5") == 157);
    CHECK(algorithmNumber("hmac-sha1") == 161);
    CHECK(algorithmNumber("hmac-sha224") == 162);
    CHECK(algorithmNumber("HMAC-SHA256") == 163);
    CHECK(algorithmNumber("hmac-sha384") == 164);
    CHECK(algorithmNumber("hmac-sha512") == 165);
    CHECK(algorithmNumber("hmac-sha3") == 0);
    CHECK(algorithmNumber("") == 0);
    CHECK_FALSE(encodeRequest(fixedRequest(), key("hmac-sha3")));
}
