// Plugins inside a running daemon: an ingestion plugin's routes and submissions, refused and
// misbehaving plugins that never stop the daemon from serving.
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

using namespace dadns::test;

namespace {

std::string testPluginConfig(const std::string& extra) {
    std::string cfg = baseConfig(extra);
    cfg.replace(cfg.find("{plugins}"), 9, "{test_plugins}");
    return cfg;
}

Poco::JSON::Object::Ptr json(const std::string& body) { return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>(); }

} // namespace

TEST_CASE("an ingestion plugin registers routes and submits zones through the host", "[plugin]") {
    Daemon d(testPluginConfig("ingestion:\n  ingest:\n    type: test_ingestion\n"));
    d.start();
    std::string zone = "$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nwww A 192.0.2.9\n";
    HttpRequest anonymous;
    anonymous.method = "POST";
    anonymous.path = "/api/v1/test-ingest/plugin.example";
    anonymous.body = zone;
    CHECK(httpCall("127.0.0.1", d.port(), anonymous).status == 401); // host auth guards the route

    auto r = d.call("POST", "/api/v1/test-ingest/plugin.example", zone);
    REQUIRE(r.status == 200);
    CHECK(json(r.body)->getValue<int>("records") == 3);
    auto state = json(d.get("/api/v1/zones/plugin.example").body);
    CHECK(state->getObject("origin")->getValue<std::string>("source") == "test_ingestion");
    CHECK(state->getObject("origin")->getValue<std::string>("user") == "admin");
    CHECK(eventually([&] { return d.get("/test-ingest/seen").body == "plugin.example 1\n"; }));

    auto bad = d.call("POST", "/api/v1/test-ingest/..%2Fetc", zone);
    CHECK(bad.status == 400);
    auto badZone = d.call("POST", "/api/v1/test-ingest/ok.example", "garbage here\n");
    CHECK(badZone.status == 400);
    CHECK(json(badZone.body)->getValue<std::string>("error").find("line 1") != std::string::npos);

    auto instances = json(d.get("/api/v1/plugins").body)->getArray("instances");
    REQUIRE(instances->size() == 1);
    CHECK(instances->getObject(0)->getValue<std::string>("state") == "running");
    CHECK(instances->getObject(0)->getObject("details")->getValue<std::string>("kind") == "test");
}

TEST_CASE("refused plugins are reported and their instances fail; the daemon keeps serving", "[plugin]") {
    // optional: without it an instance that cannot be created stops the start.
    Daemon d(testPluginConfig("dns:\n  backends:\n    old:\n      type: abi_major_mismatch\n      optional: true\n"
                              "    files:\n      type: test_backend\n      dir: {dir}/files\n"
                              "    boom:\n      type: throwing_backend\n"));
    d.start();
    auto status = json(d.get("/api/v1/status").body);
    CHECK(status->getValue<std::string>("status") == "degraded");
    bool found = false;
    auto instances = status->getArray("instances");
    for (size_t i = 0; i < instances->size(); ++i) {
        auto o = instances->getObject(static_cast<unsigned>(i));
        if (o->getValue<std::string>("name") == "old") {
            found = true;
            CHECK(o->getValue<std::string>("state") == "failed");
            CHECK(o->getValue<std::string>("error").find("other ABI major") != std::string::npos);
        }
    }
    CHECK(found);
    auto plugins = d.get("/api/v1/plugins").body;
    for (const char* reason : {"missing init symbol", "null descriptor", "oversized struct", "other ABI major", "duplicate plugin name"})
        CHECK(plugins.find(reason) != std::string::npos);
    CHECK(plugins.find(R"("name":"sdk_other_major")") != std::string::npos); // refused, and named
    CHECK(plugins.find(R"("name":"abi_newer_minor")") != std::string::npos);

    // The throwing backend fails every apply (retryable: still retrying at the deadline); the
    // file backend next to it is unaffected.
    auto put = d.call("PUT", "/api/v1/zones/mixed.example?wait=2", "$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n");
    CHECK(put.status == 202);
    CHECK(eventually([&] { return fileExists(d.dir() + "/files/mixed.example.zone"); }));
    CHECK(eventually([&] { return d.log().find("apply exploded") != std::string::npos; }));
    CHECK(d.get("/health").status == 200);

    // What a backend says of itself (ABI 1.4 describe) is its lane's details; one that says
    // nothing has none. The test backend counts an apply after writing its file.
    auto lane = [&](const std::string& name) {
        auto lanes = json(d.get("/api/v1/backends").body)->getArray("backends");
        for (size_t i = 0; i < lanes->size(); ++i)
            if (lanes->getObject(static_cast<unsigned>(i))->getValue<std::string>("name") == name) return lanes->getObject(static_cast<unsigned>(i));
        return Poco::JSON::Object::Ptr();
    };
    REQUIRE(lane("files"));
    REQUIRE(lane("files")->has("details"));
    CHECK(lane("files")->getObject("details")->getValue<std::string>("dir") == d.dir() + "/files");
    CHECK(eventually([&] { return lane("files")->getObject("details")->getValue<int>("applies") == 1; }));
    REQUIRE(lane("boom"));
    CHECK_FALSE(lane("boom")->has("details"));
}

TEST_CASE("?wait waits while a backend retries and says how each backend stands at the deadline", "[plugin]") {
    TempDir flags;
    std::string failing = flags.file("fail");
    Daemon d(testPluginConfig("dns:\n  backends:\n    flaky:\n      type: test_backend\n      dir: {dir}/flaky\n      fail_first: 2\n"
                              "    blocked:\n      type: test_backend\n      dir: {dir}/blocked\n      fail_file: " + failing + "\n"
                              "dispatch:\n  retry_backoff: 100ms\n  retry_backoff_max: 200ms\n  max_attempts: 1000\n"));
    d.start();
    const std::string zone = "$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n";
    // Two retryable failures, then success: the answer is the success, not the first failure.
    auto put = d.call("PUT", "/api/v1/zones/retried.example?wait=20", zone);
    CHECK(put.status == 200);
    CHECK(json(put.body)->getValue<std::string>("result") == "applied");

    // A backend still retrying at the deadline: 202, with its attempts, next attempt and error;
    // the other backend applied (its two failures and backoffs take well under the 5 s).
    writeFile(failing, "");
    auto later = d.call("PUT", "/api/v1/zones/blocked.example?wait=5", zone);
    CHECK(later.status == 202);
    auto o = json(later.body);
    CHECK(o->getValue<std::string>("result") == "pending");
    auto backends = o->getArray("backends");
    REQUIRE(backends->size() == 2);
    for (size_t i = 0; i < backends->size(); ++i) {
        auto b = backends->getObject(static_cast<unsigned>(i));
        INFO(b->getValue<std::string>("backend"));
        if (b->getValue<std::string>("backend") == "blocked") {
            CHECK(b->getValue<std::string>("status") == "retrying");
            CHECK(b->getValue<int>("attempts") >= 1);
            CHECK(b->getValue<int64_t>("next_attempt_ms") > 0);
            CHECK(b->getValue<std::string>("error").find("fail_file exists") != std::string::npos);
        } else {
            CHECK(b->getValue<std::string>("status") == "applied");
        }
    }
    std::remove(failing.c_str());
    CHECK(eventually([&] { return fileExists(d.dir() + "/blocked/blocked.example.zone"); }));
}
