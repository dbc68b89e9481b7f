// The SDK's JSON writer: every control character escaped, text that is not UTF-8 made visible
// instead of passed on, and what it writes reads back through the SDK's reader.
#include <dadns/sdk/json.hpp>
#include <dadns/sdk/json_writer.hpp>
#include <dadns/sdk/utf8.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

using namespace dadns::sdk;

namespace {

std::string readBack(const std::string& json) { return Json::parse(json).asString(); }

} // namespace

TEST_CASE("every C0 control character is escaped", "[sdk]") {
    for (int c = 0; c < 0x20; ++c) {
        std::string in(1, static_cast<char>(c));
        std::string quoted = jsonQuote(in);
        INFO("character " << c << ": " << quoted);
        std::string expected = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : "\\u00" + std::string(1, "01"[c >> 4]) +
                                                                                          std::string(1, "0123456789abcdef"[c & 0xf]);
        CHECK(quoted == "\"" + expected + "\"");
        CHECK(readBack(quoted) == in);
    }
    CHECK(jsonQuote(std::string("a\0b", 3)) == "\"a\\u0000b\"");
    CHECK(jsonQuote("\x1b[31mred") == "\"\\u001b[31mred\"");
}

TEST_CASE("quotes, backslashes, DEL, C1 controls and line separators are escaped", "[sdk]") {
    CHECK(jsonQuote("say \"hi\" \\ bye") == "\"say \\\"hi\\\" \\\\ bye\"");
    CHECK(jsonQuote("\x7f") == "\"\\u007f\"");
    CHECK(jsonQuote("\xc2\x85") == "\"\\u0085\"");     // NEL
    CHECK(jsonQuote("\xc2\x9b" "2J") == "\"\\u009b2J\""); // CSI
    CHECK(jsonQuote("a\xe2\x80\xa8" "b\xe2\x80\xa9") == "\"a\\u2028b\\u2029\"");
    CHECK(readBack(jsonQuote("\x7f\xc2\x85\xe2\x80\xa8")) == "\x7f\xc2\x85\xe2\x80\xa8");
    CHECK(jsonQuote("") == "\"\"");
    CHECK(jsonQuote("/plain text/") == "\"/plain text/\"");
}

TEST_CASE("well-formed UTF-8 is copied as it is", "[sdk]") {
    CHECK(jsonQuote("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
    CHECK(jsonQuote("\xe2\x82\xac 5") == "\"\xe2\x82\xac 5\"");
    CHECK(jsonQuote("\xf0\x9f\x98\x80") == "\"\xf0\x9f\x98\x80\"");
    CHECK(jsonQuote("\xc2\xa0") == "\"\xc2\xa0\""); // U+00A0 follows the C1 block: not a control
}

TEST_CASE("bytes that are not UTF-8 are copied (data reads back the same); a log escapes them as \\xHH", "[sdk]") {
    CHECK(jsonQuote("\xff") == "\"\xff\"");
    CHECK(jsonQuote("ab\xe2\x82\n") == "\"ab\xe2\x82\\n\"");  // cut off, then a control still escaped
    CHECK(readBack(jsonQuote("x\xffy")) == "x\xffy");
    CHECK(jsonQuote("\xff", NonUtf8::Escape) == "\"\\\\xff\"");
    CHECK(jsonQuote("ab\xe2\x82", NonUtf8::Escape) == "\"ab\\\\xe2\\\\x82\"");            // cut off
    CHECK(jsonQuote("\xc0\xaf", NonUtf8::Escape) == "\"\\\\xc0\\\\xaf\"");                // overlong '/'
    CHECK(jsonQuote("\xed\xa0\x80", NonUtf8::Escape) == "\"\\\\xed\\\\xa0\\\\x80\"");     // a surrogate
    CHECK(jsonQuote("\xf4\x90\x80\x80", NonUtf8::Escape) == "\"\\\\xf4\\\\x90\\\\x80\\\\x80\""); // above U+10FFFF
    CHECK(readBack(jsonQuote("x\xffy", NonUtf8::Escape)) == "x\\xffy");

    std::mt19937 random(7);
    for (int round = 0; round < 2000; ++round) {
        std::string bytes(random() % 24, '\0');
        for (auto& b : bytes) b = static_cast<char>(random() % 256);
        INFO("round " << round);
        // Data: any bytes read back exactly, and no control byte is ever written raw.
        std::string copied = jsonQuote(bytes);
        CHECK(readBack(copied) == bytes);
        for (unsigned char c : copied) CHECK((c >= 0x20 && c != 0x7f));
        // A log: always valid UTF-8, and JSON the reader takes.
        std::string escaped = jsonQuote(bytes, NonUtf8::Escape);
        CHECK(isUtf8(escaped));
        for (unsigned char c : escaped) CHECK(c >= 0x20);
        CHECK_NOTHROW(Json::parse(escaped));
    }
}

TEST_CASE("any UTF-8 text reads back from the JSON writer through the SDK reader", "[sdk]") {
    std::string every;
    for (int c = 1; c < 0x80; ++c) every.push_back(static_cast<char>(c));
    every += std::string("\0", 1) + "\xc2\x80\xc2\x9f\xc3\xbf\xe2\x80\xa8\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf";
    CHECK(readBack(jsonQuote(every)) == every);

    std::mt19937 random(11);
    const uint32_t points[] = {0x0, 0x1f, 0x22, 0x5c, 0x7f, 0x80, 0x9f, 0xa0, 0x7ff, 0x800, 0x2028, 0xd7ff, 0xe000, 0xfffd, 0x10000, 0x10ffff};
    for (int round = 0; round < 500; ++round) {
        std::string text;
        for (int n = static_cast<int>(random() % 12); n > 0; --n) {
            uint32_t cp = random() % 2 ? points[random() % 16] : random() % 0x80;
            if (cp < 0x80) text.push_back(static_cast<char>(cp));
            else if (cp < 0x800) text += {static_cast<char>(0xc0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3f))};
            else if (cp < 0x10000)
                text += {static_cast<char>(0xe0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3f)), static_cast<char>(0x80 | (cp & 0x3f))};
            else
                text += {static_cast<char>(0xf0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3f)),
                         static_cast<char>(0x80 | ((cp >> 6) & 0x3f)), static_cast<char>(0x80 | (cp & 0x3f))};
        }
        REQUIRE(isUtf8(text));
        INFO("round " << round);
        CHECK(readBack(jsonQuote(text)) == text);
    }
}

TEST_CASE("JsonWriter puts commas and colons where they belong", "[sdk]") {
    JsonWriter w;
    w.beginObject().field("zone", "example.com").field("version", uint64_t{18446744073709551615u}).field("ok", true);
    w.key("ips").beginArray().value("192.0.2.1").value(std::string("2001:db8::1")).endArray();
    w.key("empty").beginObject().endObject().key("none").beginArray().endArray();
    w.key("nested").beginArray().beginObject().field("a", -1).endObject().beginArray().null().endArray().endArray();
    w.key("raw").raw(Json::parse("{\"b\":[1,2]}").dump()).endObject();
    CHECK(w.text() == "{\"zone\":\"example.com\",\"version\":18446744073709551615,\"ok\":true,\"ips\":[\"192.0.2.1\",\"2001:db8::1\"],"
                      "\"empty\":{},\"none\":[],\"nested\":[{\"a\":-1},[null]],\"raw\":{\"b\":[1,2]}}");
    Json back = Json::parse(w.text());
    CHECK(back.getString("zone") == "example.com");
    CHECK(back["ips"].items().size() == 2);
    CHECK(back["nested"].items()[0].getInt("a", 0) == -1);
}

TEST_CASE("JsonWriter writes numbers JSON can read and keys escaped", "[sdk]") {
    JsonWriter w;
    w.beginArray().value(0.1).value(1.5e300).value(-0.0).value(std::numeric_limits<double>::quiet_NaN());
    w.value(std::numeric_limits<double>::infinity()).value(std::numeric_limits<int64_t>::min()).value(uint8_t{200}).endArray();
    CHECK(w.text() == "[0.1,1.5e+300,-0,null,null,-9223372036854775808,200]");
    CHECK(Json::parse(w.text()).items()[0].asNumber() == 0.1);
    JsonWriter k;
    k.beginObject().field("a\"b\n", "\x01").endObject();
    CHECK(k.text() == "{\"a\\\"b\\n\":\"\\u0001\"}");
    CHECK(Json::parse(k.text()).getString("a\"b\n") == "\x01");
    JsonWriter scalar;
    CHECK(scalar.value("top").take() == "\"top\"");
}
