// API response bodies: built as Poco::JSON objects, written by the SDK's JSON writer, so they
// escape strings as the rest of dadns does and keep their keys in insertion order.
#include "core/api/JsonWriter.hpp"

#include <dadns/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <limits>

using namespace dadns;

TEST_CASE("API bodies keep key order, types and the SDK writer's escaping", "[http]") {
    auto o = jsonObject();
    o->set("zone", std::string("example.com"));
    o->set("error", std::string("bad \"name\"\x01\x7f\xff"));
    o->set("version", static_cast<Poco::UInt64>(std::numeric_limits<uint64_t>::max()));
    o->set("attempts", -3);
    o->set("lag_seconds", 0.25);
    o->set("deleted", false);
    o->set("owner", Poco::Dynamic::Var());
    auto arr = jsonArray();
    auto item = jsonObject();
    item->set("backend", std::string("bind"));
    arr->add(item);
    arr->add(std::string("x"));
    o->set("backends", arr);
    o->set("empty", jsonArray());
    std::string text = toJson(o);
    CHECK(text == "{\"zone\":\"example.com\",\"error\":\"bad \\\"name\\\"\\u0001\\u007f\\\\xff\",\"version\":18446744073709551615,"
                  "\"attempts\":-3,\"lag_seconds\":0.25,\"deleted\":false,\"owner\":null,\"backends\":[{\"backend\":\"bind\"},\"x\"],"
                  "\"empty\":[]}");
    auto back = sdk::Json::parse(text);
    CHECK(back.getString("error") == "bad \"name\"\x01\x7f\\xff");
    CHECK(back["backends"].items().size() == 2);
}
