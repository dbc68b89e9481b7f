// Configuration inputs the fuzzer (fuzz/config.cpp) found mishandled; the inputs are kept in
// fuzz/regressions/config/.
#include "core/config/ConfigTree.hpp"
#include "core/config/DaemonConfig.hpp"
#include "core/util/Errors.hpp"

#include <dadns/sdk/json.hpp>

#include <catch2/catch.hpp>

using namespace dadns;

namespace {

std::string yamlError(const std::string& yaml) {
    try {
        ConfigTree::fromYamlText(yaml);
        return "";
    } catch (const ConfigError& e) {
        return e.what();
    }
}

} // namespace

TEST_CASE("keys holding '[' or ']' are refused by name", "[config]") {
    // "a[b" made building the plugin's JSON loop for ever (and "[x" a list index that is not a
    // number); flattened keys use [n] for list items, so such names are ambiguous anyway.
    std::string why = yamlError("dns:\n  backends:\n    bind:\n      \"a[b\": 1\n");
    CHECK(why.find("dns.backends.bind.a[b") != std::string::npos);
    CHECK(why.find("'['") != std::string::npos);
    CHECK_FALSE(yamlError("dns:\n  backends:\n    bind:\n      \"servers[0]\": x\n").empty());
    CHECK_FALSE(yamlError("x]: 1\n").empty());
    // Lists themselves are still lists.
    auto tree = ConfigTree::fromYamlText("dns:\n  backends:\n    bind:\n      servers: [a, b]\n");
    CHECK(tree.sectionJson("dns.backends.bind") == "{\"servers\":[\"a\",\"b\"]}");
}

TEST_CASE("a key given twice in one mapping is refused", "[config]") {
    // yaml-cpp keeps both entries; a list under the second merged into a mapping under the first
    // and building the plugin's JSON threw std::invalid_argument (no ConfigError, no key named).
    std::string why = yamlError("dns:\n  backends:\n    pdns:\n      servers:\n        x: 1\n    pdns:\n      servers:\n        - a\n");
    CHECK(why.find("dns.backends.pdns") != std::string::npos);
    CHECK(why.find("duplicated") != std::string::npos);
    CHECK_FALSE(yamlError("app:\n  auth_username: a\napp:\n  auth_password: b\n").empty());
}

TEST_CASE("YAML aliases that contain themselves or multiply are refused", "[config]") {
    // "&b {x: *b}" made flatten() recurse until the stack overflowed (SIGSEGV at start).
    std::string why = yamlError("base: &b {enable: *b, x: 1}\n");
    CHECK(why.find("nested deeper than 64 levels") != std::string::npos);
    // Ten aliases of ten aliases, nine times over: 10^9 keys.
    std::string yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'i'; ++c) {
        std::string prev(1, static_cast<char>(c - 1));
        yaml += std::string(1, c) + ": &" + c + " [";
        for (int i = 0; i < 10; ++i) yaml += (i ? ", *" : "*") + prev;
        yaml += "]\n";
    }
    CHECK(yamlError(yaml).find("more than 100000 keys") != std::string::npos);
    // Ordinary anchors and merges still work.
    auto tree = ConfigTree::fromYamlText("base: &b {enabled: true, x: 1}\nother: *b\n");
    REQUIRE(tree.find("other.x"));
    CHECK(tree.find("other.x")->text == "1");
}

TEST_CASE("a value with white space before a number is a string in the plugin's JSON", "[config]") {
    // "\f300" looked like a number to strtod and was written bare: JSON a plugin could not read.
    auto tree = ConfigTree::fromYamlText("dns:\n  backends:\n    pdns:\n      ttl: \f300\n      port: 8081\n");
    CHECK(tree.sectionJson("dns.backends.pdns") == "{\"port\":8081,\"ttl\":\"\\u000c300\"}");
}

TEST_CASE("a value with a NUL byte inside a number is a string in the plugin's JSON", "[config]") {
    // "33\0" "06": strtod stopped at the NUL and the whole value was written bare into the JSON.
    std::string yaml = "dns:\n  backends:\n    m:\n      port: 33";
    yaml += '\0';
    yaml += "06\n";
    auto tree = ConfigTree::fromYamlText(yaml);
    std::string json = tree.sectionJson("dns.backends.m");
    CHECK(json.rfind("{\"port\":\"33\\u0000", 0) == 0); // a string, with the NUL escaped
    CHECK(sdk::Json::parse(json)["port"].type() == sdk::Json::Type::String);
}
