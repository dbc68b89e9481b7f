// The dadns command running the daemon: plugin instances that cannot be created (optional
// ones leave it running, degraded), environment overrides of plugin settings, a clean SIGTERM.
#include "support/DadnsCommand.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

using namespace dadns::test;

TEST_CASE("an instance that cannot be created stops the start unless it is optional", "[cli]") {
    TempDir dir;
    std::string file = dir.file("dadns.yml");
    // test_backend cannot be created without its 'dir'.
    writeFile(file, testPluginsConfig(dir, "dns:\n  backends:\n    files:\n      type: test_backend\n"));
    auto r = startRefused(file);
    CHECK(r.status == 1);
    CHECK(r.output.find("cannot start: " + file + ": dns.backends.files.dir: is required (directory the zones are written to)") != std::string::npos);
    CHECK(r.output.find("optional: true") != std::string::npos);

    // A plugin that is not there stops it too, as --check-config says.
    writeFile(file, testPluginsConfig(dir, "ingestion:\n  gone:\n    type: no_such_plugin\n"));
    r = startRefused(file);
    CHECK(r.status == 1);
    CHECK(r.output.find("cannot start: " + file + ": ingestion.gone.type: plugin 'no_such_plugin' not found") != std::string::npos);

    // optional: the daemon runs without it and says so in the status.
    Daemon d(testPluginConfigWithPlaceholders("dns:\n  backends:\n    files:\n      type: test_backend\n      optional: true\n"
                                              "    good:\n      type: test_backend\n      dir: {dir}/good\n"
                                              "ingestion:\n  gone:\n    type: no_such_plugin\n    optional: true\n"));
    d.start();
    auto status = d.get("/api/v1/status");
    CHECK(status.body.find("\"degraded\"") != std::string::npos);
    CHECK(status.body.find("is required (directory the zones are written to)") != std::string::npos);
    CHECK(status.body.find("plugin 'no_such_plugin' not found") != std::string::npos);
    CHECK(d.call("PUT", "/api/v1/zones/optional.example?wait=5", "$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n").status == 200);
    CHECK(fileExists(d.dir() + "/good/optional.example.zone"));
    CHECK(d.stop() == 0);

    // --check-config reports an optional instance's problem without failing.
    writeFile(file, testPluginsConfig(dir, "ingestion:\n  gone:\n    type: no_such_plugin\n    optional: true\n"));
    auto check = runDadns({"--config=" + file, "--check-config"});
    CHECK(check.status == 0);
    CHECK(check.output.find("ingestion.gone.type: plugin 'no_such_plugin' not found (optional") != std::string::npos);
}

TEST_CASE("an environment variable sets a plugin setting absent from the file", "[cli]") {
    TempDir files;
    Daemon d(testPluginConfigWithPlaceholders("dns:\n  backends:\n    files:\n      type: test_backend\n"),
             {{"DADNS_DNS_BACKENDS_FILES_DIR", files.path()}});
    d.start();
    CHECK(d.call("PUT", "/api/v1/zones/env.example?wait=5", "$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n").status == 200);
    CHECK(fileExists(files.path() + "/env.example.zone"));
}

TEST_CASE("SIGTERM stops the daemon cleanly with exit 0", "[cli]") {
    Daemon d(baseConfig());
    d.start();
    CHECK(d.get("/health").status == 200);
    CHECK(d.stop(15) == 0);
    CHECK(d.log().find("stopped") != std::string::npos);
}
