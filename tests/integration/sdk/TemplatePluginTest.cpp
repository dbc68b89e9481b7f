// A third party's path: install the SDK, build examples/plugin-template out of tree with
// clang++, load the result into a running daemon, push a zone through it.
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

using namespace dadns::test;

TEST_CASE("the plugin template builds against a staged install and serves a zone", "[sdk]") {
    TempDir work("dadns-template");
    auto built = runCommand({sourceDir() + "/tests/sdk/template_build.sh", sourceDir(), binaryDir(), work.path()});
    INFO(built.output);
    REQUIRE(built.status == 0);
    std::string plugin = work.file("tpl-build/json_files.so");
    REQUIRE(fileExists(plugin));

    std::string cfg = baseConfig("  extra_paths:\n    - " + plugin + "\ndns:\n  backends:\n    files:\n      type: json_files\n      dir: {dir}/json\n");
    Daemon d(cfg);
    d.start();
    auto plugins = d.get("/api/v1/plugins").body;
    CHECK(plugins.find("\"name\":\"json_files\"") != std::string::npos);
    auto put = d.call("PUT", "/api/v1/zones/template.example?wait=10",
                      "$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nwww A 192.0.2.80\n");
    CHECK(put.status == 200);
    std::string json = readFile(d.dir() + "/json/template.example.json");
    CHECK(json.find("\"www.template.example.\"") != std::string::npos);
    CHECK(json.find("192.0.2.80") != std::string::npos);
}
