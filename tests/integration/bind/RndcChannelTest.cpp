// The native control channel against a real named (tests/servers/named.sh): the commands the
// bind backend sends, many of them on one connection, a wrong key, a restart, hostile input.
#include "RndcChannel.hpp"
#include "RndcConfig.hpp"

#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

using namespace dadns::bind;
using namespace dadns::test;
using namespace std::chrono_literals;
using Status = RndcChannel::Answer::Status;

namespace {

// A named that takes addzone/delzone.
void startNamed(NamedServer& named) {
    named.setOptions("notify no; allow-new-zones yes;");
    named.start();
}

std::string writeZone(const NamedServer& named, const std::string& zone) {
    std::string path = named.dir() + "/" + zone + ".zone";
    writeFile(path, "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone + ". 1 3600 600 86400 300\n@ IN NS ns1." + zone +
                        ".\nns1 IN A 192.0.2.53\n");
    return path;
}

std::string addzone(const std::string& zone, const std::string& file) { return "addzone " + zone + " { type primary; file \"" + file + "\"; };"; }

} // namespace

TEST_CASE("rndc channel: status answers from a real named", "[bind][rndc]") {
    NamedServer named;
    startNamed(named);
    RndcChannel channel(readRndcConfig(named.rndcConf()), 10s);
    auto a = channel.command("status");
    INFO(a.describe());
    CHECK(a.status == Status::Ok);
    CHECK(a.result == 0);
    CHECK_THAT(a.text, Catch::Contains("number of zones"));
    CHECK(channel.endpoint().port == named.controlPort());
}

TEST_CASE("rndc channel: 200 commands on one connection", "[bind][rndc]") {
    NamedServer named;
    startNamed(named);
    RndcChannel channel(readRndcConfig(named.rndcConf()), 10s);
    int ok = 0;
    for (int i = 0; i < 200; ++i) ok += channel.command(i % 2 ? "null" : "status").ok();
    CHECK(ok == 200);
    CHECK(channel.connectionsOpened() == 1);
}

TEST_CASE("rndc channel: addzone, reload and delzone, and named's answers when they cannot be done", "[bind][rndc]") {
    NamedServer named;
    startNamed(named);
    RndcChannel channel(readRndcConfig(named.rndcConf()), 10s);
    const std::string zone = "rndc-added.example";
    std::string file = writeZone(named, zone);

    auto added = channel.command(addzone(zone, file));
    INFO(added.describe());
    REQUIRE(added.status == Status::Ok);
    CHECK(eventually([&] { return named.authoritative(zone); }));

    auto again = channel.command(addzone(zone, file));
    CHECK(again.status == Status::Failed);
    CHECK(again.result != 0);
    CHECK_THAT(again.error, Catch::Contains("already exists"));

    CHECK(channel.command("reload " + zone).status == Status::Ok);

    auto removed = channel.command("delzone " + zone);
    INFO(removed.describe());
    CHECK(removed.status == Status::Ok);
    CHECK(eventually([&] { return !named.authoritative(zone); }));

    for (const std::string& command : {"delzone " + zone, "reload " + zone}) {
        auto missing = channel.command(command);
        INFO(command << ": " << missing.describe());
        CHECK(missing.status == Status::Failed);
        CHECK(missing.result != 0);
        CHECK_THAT(missing.error, Catch::Contains("not found"));
    }
    CHECK(channel.connectionsOpened() == 1);
}

TEST_CASE("rndc channel: a wrong key is Unreachable and named keeps serving", "[bind][rndc]") {
    NamedServer named;
    startNamed(named);
    RndcEndpoint good = readRndcConfig(named.rndcConf());
    RndcEndpoint wrong = good;
    wrong.key.secret = "not the key named has, 32 bytes.";
    RndcChannel bad(wrong, 10s);
    auto a = bad.command("status");
    CHECK(a.status == Status::Unreachable);
    CHECK_THAT(a.error, Catch::Contains("wrong key?"));
    CHECK_THAT(a.error, !Catch::Contains(wrong.key.secret));

    RndcChannel channel(good, 10s);
    CHECK(channel.command("status").ok());
    CHECK(named.zoneCount() >= 0);
}

TEST_CASE("rndc channel: after named restarts the next command goes on a new connection", "[bind][rndc]") {
    NamedServer named;
    startNamed(named);
    RndcChannel channel(readRndcConfig(named.rndcConf()), 10s);
    REQUIRE(channel.command("status").ok());
    named.stop();
    auto down = channel.command("status");
    CHECK(down.status == Status::Unreachable);
    CHECK_THAT(down.error, Catch::Contains("cannot connect"));
    named.start();
    auto a = channel.command("status");
    INFO(a.describe());
    CHECK(a.ok());
    SECTION("and again, without a failed command in between") {
        named.stop();
        named.start();
        CHECK(channel.command("status").ok());
        CHECK(channel.connectionsOpened() == 3);
    }
}

TEST_CASE("rndc channel: nothing listening on the port is Unreachable", "[bind][rndc]") {
    TempDir dir("dadns-rndc");
    writeFile(dir.file("rndc.conf"), "key k { algorithm hmac-sha256; secret \"MDEyMzQ1Njc4OWFiY2RlZg==\"; };\n"
                                     "options { default-server 127.0.0.1; default-port " + std::to_string(freePort()) + "; };\n");
    RndcChannel channel(readRndcConfig(dir.file("rndc.conf")), 2s);
    auto a = channel.command("status");
    CHECK(a.status == Status::Unreachable);
    CHECK_THAT(a.error, Catch::Contains("cannot connect"));
}

TEST_CASE("rndc channel: hostile command text is refused without harm to the channel or named", "[bind][rndc]") {
    NamedServer named;
    startNamed(named);
    RndcChannel channel(readRndcConfig(named.rndcConf()), 10s);
    REQUIRE(channel.command("status").ok());

    auto longOne = channel.command(std::string(40 * 1024, 'a'));
    CHECK(longOne.status == Status::Failed);
    CHECK_THAT(longOne.error, Catch::StartsWith("not sent"));
    auto withNul = channel.command(std::string("status\0delzone x", 16));
    CHECK(withNul.status == Status::Failed);
    CHECK_THAT(withNul.error, Catch::StartsWith("not sent"));

    // Under named's limit but nonsense: named answers that it cannot.
    std::string junk;
    for (int i = 0; i < 30000; ++i) junk.push_back(static_cast<char>(1 + (i * 7919) % 255));
    for (const std::string& text : {junk, "addzone " + junk, "delzone " + std::string(20000, '.')}) {
        auto a = channel.command(text);
        INFO(text.substr(0, 20) << "...: " << a.describe());
        CHECK(a.status == Status::Failed);
        CHECK(a.result != 0);
    }
    CHECK(channel.command("status").ok());
    CHECK(channel.connectionsOpened() == 1);
    CHECK(named.zoneCount() >= 0);
}
