// The bind backend in addzone mode against a real named (allow-new-zones): zones come and go by
// addzone/delzone over the control channel dadns speaks itself, named keeps them across its
// restarts, a named that lost them gets them back, and a backend moved from the include file
// to addzone keeps serving every zone.
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Parser.h>

#include <cstdio>
#include <thread>

using namespace dadns::test;

namespace {

std::string bindConfig(const NamedServer& named, const std::string& membership, const std::string& signal) {
    return baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: " + named.dir() + "/zones\n      named_conf: " + named.includeFile() +
                      "\n      zone_membership: " + membership + "\n      " + signal + "\n      reload_batch_ms: 50\n"
                      "      named_check_interval: 300ms\n"
                      "dispatch:\n  retry_backoff: 200ms\n  retry_backoff_max: 1s\n  max_attempts: 1000\n  breaker_failures: 1000\n");
}

std::string channel(const NamedServer& named) { return "rndc_conf: " + named.dir() + "/rndc.conf"; }

struct AddZoneNamed {
    NamedServer named;
    AddZoneNamed() {
        named.setOptions("notify no; allow-new-zones yes;");
        named.start();
    }
    std::vector<std::string> www(const std::string& zone) const { return named.query("www." + zone, "A"); }
    // named loads an added or reloaded zone in the background, and zones at its start after
    // it answers rndc: "applied" means named has been told.
    bool serves(const std::string& zone, const std::string& ip) const {
        return eventually([&] { return www(zone) == std::vector<std::string>{ip}; });
    }
};

// The bind lane's details in GET /api/v1/backends: what the backend says of named.
Poco::JSON::Object::Ptr bindDetails(Daemon& d) {
    auto lanes = Poco::JSON::Parser().parse(d.get("/api/v1/backends").body).extract<Poco::JSON::Object::Ptr>()->getArray("backends");
    for (size_t i = 0; i < lanes->size(); ++i)
        if (lanes->getObject(static_cast<unsigned>(i))->getValue<std::string>("name") == "bind")
            return lanes->getObject(static_cast<unsigned>(i))->getObject("details");
    return nullptr;
}

void put(Daemon& d, const std::string& zone, int serial, const std::string& ip) {
    auto r = d.call("PUT", "/api/v1/zones/" + zone + "?wait=20", smallZoneText(zone, serial, ip));
    INFO(r.body);
    REQUIRE(r.status == 200);
}

} // namespace

TEST_CASE("bind addzone: zones pushed are added, changed and deleted in named without a reconfig", "[bind]") {
    AddZoneNamed n;
    Daemon d(bindConfig(n.named, "addzone", channel(n.named)));
    d.start();
    for (int i = 0; i < 20; ++i) put(d, "z" + std::to_string(i) + ".example", 1, "192.0.2.1");
    for (int i = 0; i < 20; ++i) CHECK(n.serves("z" + std::to_string(i) + ".example", "192.0.2.1"));
    put(d, "z3.example", 2, "192.0.2.33");
    CHECK(n.serves("z3.example", "192.0.2.33"));
    REQUIRE(d.call("DELETE", "/api/v1/zones/z4.example?wait=20").status == 200);
    CHECK(eventually([&] { return !n.named.authoritative("z4.example"); }));

    std::string log = readFile(n.named.logFile());
    CHECK(log.find("added zone z0.example") != std::string::npos);
    CHECK(log.find("zone z4.example scheduled for removal via delzone") != std::string::npos);
    CHECK(log.find("reloading configuration") == std::string::npos); // no reconfig ever
    CHECK(readFile(n.named.includeFile()).find("z0.example") == std::string::npos);

    // named restarted: it keeps the added zones itself; dadns offers them again and changes go on.
    n.named.stop();
    n.named.start();
    CHECK(n.serves("z0.example", "192.0.2.1"));
    CHECK_FALSE(n.named.authoritative("z4.example"));
    put(d, "z5.example", 2, "192.0.2.55");
    CHECK(n.serves("z5.example", "192.0.2.55"));
}

TEST_CASE("bind addzone: a named that lost its added zones gets them all back without a push", "[bind]") {
    AddZoneNamed n;
    Daemon d(bindConfig(n.named, "addzone", channel(n.named)));
    d.start();
    for (int i = 0; i < 10; ++i) put(d, "lost" + std::to_string(i) + ".example", 1, "192.0.2.7");
    // named's boot time has a resolution of one second: the new one must differ.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    n.named.stop();
    for (const char* f : {"_default.nzd", "_default.nzd-lock", "_default.nzf"}) std::remove((n.named.dir() + "/" + f).c_str());
    n.named.start();
    for (int i = 0; i < 10; ++i) {
        std::string zone = "lost" + std::to_string(i) + ".example";
        INFO(zone);
        CHECK(n.serves(zone, "192.0.2.7"));
    }
    CHECK(d.log().find("named restarted") != std::string::npos);
    // named came back without them: the reconcile gave it all ten (its one line says so, and
    // the backend's details).
    CHECK(eventually([&] { return d.log().find("10 of them it did not have") != std::string::npos; }));
    auto details = bindDetails(d);
    REQUIRE(details);
    CHECK(details->getValue<std::string>("membership") == "addzone");
    CHECK_THAT(details->getValue<std::string>("control"), Catch::StartsWith("channel 127.0.0.1:" + std::to_string(n.named.controlPort())));
    CHECK(details->getValue<int>("zones") == 10);
    CHECK_THAT(details->getObject("named")->getValue<std::string>("boot_time"), Catch::StartsWith("boot time: "));
    auto reconcile = details->getObject("reconcile");
    REQUIRE(reconcile);
    CHECK_FALSE(reconcile->getValue<bool>("running"));
    CHECK(reconcile->getValue<int>("zones") == 10);
    CHECK(reconcile->getValue<int>("offered") == 10);
    CHECK(reconcile->getValue<int>("added") == 10);
}

TEST_CASE("bind addzone: a backend moved from the include file keeps every zone served; removed zones leave the include", "[bind]") {
    AddZoneNamed n;
    Daemon d(bindConfig(n.named, "include", channel(n.named)));
    d.start();
    for (const char* zone : {"kept.example", "gone.example", "again.example"}) put(d, zone, 1, "192.0.2.8");
    // The same daemon and store, now in addzone mode.
    REQUIRE(d.stop() == 0);
    std::string config = readFile(d.configPath());
    std::string from = "zone_membership: include";
    REQUIRE(config.find(from) != std::string::npos);
    writeFile(d.configPath(), config.replace(config.find(from), from.size(), "zone_membership: addzone"));
    d.start();
    CHECK(d.log().find("3 static in") != std::string::npos);
    put(d, "kept.example", 2, "192.0.2.9"); // a static zone changes by reload
    CHECK(n.serves("kept.example", "192.0.2.9"));
    REQUIRE(d.call("DELETE", "/api/v1/zones/gone.example?wait=20").status == 200);
    CHECK(eventually([&] { return !n.named.authoritative("gone.example"); }));
    REQUIRE(d.call("DELETE", "/api/v1/zones/again.example?wait=20").status == 200);
    put(d, "again.example", 2, "192.0.2.10"); // removed from the include, then added: a zone of named's own now
    put(d, "new.example", 1, "192.0.2.11");
    std::string include = readFile(n.named.includeFile());
    CHECK(include.find("kept.example") != std::string::npos);
    CHECK(include.find("gone.example") == std::string::npos);
    CHECK(include.find("again.example") == std::string::npos);
    CHECK(include.find("new.example") == std::string::npos);

    // After a restart named reads the shrunk include and its added zones: the same zones as before,
    // none of them twice.
    size_t logBefore = readFile(n.named.logFile()).size();
    n.named.stop();
    n.named.start();
    CHECK(n.serves("kept.example", "192.0.2.9"));
    CHECK(n.serves("again.example", "192.0.2.10"));
    CHECK(n.serves("new.example", "192.0.2.11"));
    CHECK_FALSE(n.named.authoritative("gone.example"));
    std::string restartLog = readFile(n.named.logFile()).substr(logBefore);
    CHECK(restartLog.find("already exists") == std::string::npos);
    CHECK(restartLog.find("all zones loaded") != std::string::npos);
}

TEST_CASE("bind addzone: a wrong key shows in the backend's health and is refused by named; the right one is used once configured", "[bind]") {
    AddZoneNamed n;
    std::string wrongKey = n.named.dir() + "/wrong.key";
    writeFile(wrongKey, "key \"dadns-test\" { algorithm hmac-sha256; secret \"" + std::string(44, 'A') + "\"; };\n");
    Daemon d(bindConfig(n.named, "addzone", "rndc_conf: " + wrongKey + "\n      rndc_server: 127.0.0.1:" + std::to_string(n.named.controlPort())));
    d.start();
    auto r = d.call("PUT", "/api/v1/zones/locked.example?wait=3", smallZoneText("locked.example", 1, "192.0.2.3"));
    CHECK(r.status != 200); // not applied: named never took it
    CHECK(eventually([&] { return d.get("/api/v1/status").body.find("wrong key?") != std::string::npos; }));
    CHECK_FALSE(n.named.authoritative("locked.example"));
    CHECK(n.named.rndc({"status"}).status == 0); // named keeps serving its control channel to the right key
    CHECK(n.named.query("www.locked.example", "A").empty());

    // The right key: the change that was kept is applied.
    REQUIRE(d.stop() == 0);
    std::string config = readFile(d.configPath());
    config.replace(config.find(wrongKey), wrongKey.size(), n.named.rndcConf());
    writeFile(d.configPath(), config);
    d.start();
    CHECK(n.serves("locked.example", "192.0.2.3"));
}
