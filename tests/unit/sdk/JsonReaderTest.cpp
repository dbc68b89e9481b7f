// The SDK's JSON reader refuses hostile input with its parse error: deep nesting (which used to
// overflow the stack) and repeated object keys.
#include <dadns/sdk.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace dadns::sdk;

namespace {

std::string nested(size_t levels, char open, char close, const std::string& inner = "1") {
    std::string out;
    for (size_t i = 0; i < levels; ++i) out += open == '{' ? "{\"k\":" : std::string(1, open);
    out += inner;
    out += std::string(levels, close);
    return out;
}

std::string parseError(const std::string& text) {
    try {
        Json::parse(text);
    } catch (const PermanentError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("JSON nested 100,000 levels deep is a parse error, not a crash", "[sdk]") {
    // What crashed the daemon when posted to the hosts plugin.
    std::string why = parseError(std::string(100000, '['));
    CHECK(why.find("invalid JSON") != std::string::npos);
    CHECK(why.find("nested deeper than 128 levels") != std::string::npos);
    CHECK_THROWS_AS(Json::parse(nested(100000, '[', ']')), PermanentError);
    CHECK_THROWS_AS(Json::parse(nested(100000, '{', '}')), PermanentError);
}

TEST_CASE("JSON nesting up to the limit is read", "[sdk]") {
    Json arrays = Json::parse(nested(Json::kMaxDepth, '[', ']'));
    CHECK(arrays.isArray());
    CHECK_THROWS_AS(Json::parse(nested(Json::kMaxDepth + 1, '[', ']')), PermanentError);
    Json objects = Json::parse(nested(Json::kMaxDepth, '{', '}'));
    CHECK(objects.isObject());
    CHECK_THROWS_AS(Json::parse(nested(Json::kMaxDepth + 1, '{', '}')), PermanentError);
    // Siblings do not add up: depth is nesting, not the count of containers.
    std::string wide = "[";
    for (int i = 0; i < 1000; ++i) wide += (i ? "," : "") + nested(Json::kMaxDepth - 1, '[', ']');
    CHECK(Json::parse(wide + "]").items().size() == 1000);
}

TEST_CASE("JSON objects with a repeated key are refused", "[sdk]") {
    std::string why = parseError(R"({"ttl":300,"ttl":60})");
    CHECK(why.find("duplicate key \"ttl\"") != std::string::npos);
    CHECK_THROWS_AS(Json::parse(R"({"a":{"x":1,"y":2,"x":3}})"), PermanentError);
    // The same key in different objects is fine.
    Json j = Json::parse(R"({"a":{"x":1},"b":{"x":2},"c":[{"x":3},{"x":4}]})");
    CHECK(j["a"].getInt("x", 0) == 1);
    CHECK(j["b"].getInt("x", 0) == 2);
    CHECK(j["c"].items()[1].getInt("x", 0) == 4);
}

TEST_CASE("getInt refuses numbers beyond the range of long long", "[sdk]") {
    // Converting them was undefined behaviour (found by fuzz/sdk_json.cpp).
    Json j = Json::parse(R"({"inf":-1e999,"big":1e300,"nan":"nan","max":9007199254740992,"cut":300.7})");
    CHECK_THROWS_AS(j.getInt("inf", 0), PermanentError);
    CHECK_THROWS_AS(j.getInt("big", 0), PermanentError);
    CHECK_THROWS_AS(j.getInt("nan", 0), PermanentError);
    CHECK(j.getInt("max", 0) == 9007199254740992LL);
    CHECK(j.getInt("cut", 0) == 300);
    CHECK(j.getInt("missing", -5) == -5);
}
