// zones.soa_serial with real secondaries: a primary named fed by the bind backend notifies a
// second named, a secondary of the zone, which transfers the zone when its SOA serial went up.
// With increase the secondary follows ten changes whose source serial never changes; with keep
// it does not follow such a change (and does follow one whose serial went up).
#include "core/intake/SoaSerialPolicy.hpp"
#include "core/util/WallClock.hpp"
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <sstream>
#include <string>

using namespace dadns::test;

namespace {

// A primary named for dadns's bind backend that notifies the secondary, and a secondary named
// that transfers the zone from it. The secondary starts once the primary serves the zone: a
// secondary whose first refresh failed (the primary did not have the zone yet) answers a notify
// that arrives shortly after with "refresh in progress, refresh check queued" and then waits
// for its retry timer, far longer than a test.
struct PrimaryAndSecondary {
    explicit PrimaryAndSecondary(const std::string& zone) : zone(zone) {
        primary.setOptions("notify explicit; also-notify { 127.0.0.1 port " + std::to_string(secondary.port()) + "; }; notify-delay 0;");
        secondary.setExtraConfig("zone \"" + zone + "\" { type secondary; primaries { 127.0.0.1 port " + std::to_string(primary.port()) +
                                 "; }; file \"" + zone + ".sec\"; };");
        primary.start();
    }

    std::string daemonConfig(const std::string& soaSerial) const {
        return baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: " + primary.dir() + "/zones\n      named_conf: " +
                          primary.includeFile() + "\n      rndc_command: \"" + primary.rndcCommand() +
                          "\"\n      reload_batch_ms: 50\n"
                          "zones:\n  soa_serial: " + soaSerial + "\n");
    }

    // The serial a server answers for the zone's SOA, if it answers.
    static std::optional<uint32_t> serial(const NamedServer& server, const std::string& zone) {
        auto soa = server.query(zone, "SOA");
        if (soa.size() != 1) return std::nullopt;
        std::istringstream in(soa[0]);
        std::string mname, rname;
        uint64_t value = 0;
        if (!(in >> mname >> rname >> value)) return std::nullopt;
        return static_cast<uint32_t>(value);
    }

    // How many NOTIFYs for the zone the primary sent, and how many the secondary handled (it
    // logs each with what it did: "serial N" then a transfer, or "zone is up to date").
    int notifiesSent() const { return count(primary.logFile(), "zone " + zone + "/IN: sending notifies"); }
    int notifiesHandled() const { return count(secondary.logFile(), "zone " + zone + "/IN: notify from"); }
    int upToDate() const {
        int n = 0;
        std::istringstream in(readFile(secondary.logFile()));
        for (std::string line; std::getline(in, line);)
            if (line.find("zone " + zone + "/IN: notify from") != std::string::npos && line.find("zone is up to date") != std::string::npos) ++n;
        return n;
    }
    static int count(const std::string& file, const std::string& needle) {
        std::string text = readFile(file);
        int n = 0;
        for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
        return n;
    }

    std::string zone;
    NamedServer primary;
    NamedServer secondary;
};

std::vector<std::string> www(const std::string& ip) { return {ip}; }

} // namespace

TEST_CASE("soa_serial increase: a secondary named follows ten changes whose source serial never changes", "[bind]") {
    const std::string zone = "follow.example";
    PrimaryAndSecondary servers(zone);
    Daemon d(servers.daemonConfig("increase"));
    d.start();
    const uint32_t dayBefore = dadns::dateSerial(dadns::nowMs());

    REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", smallZoneText(zone, 1, "192.0.2.100")).status == 200);
    REQUIRE(eventually([&] { return servers.primary.query("www." + zone, "A") == www("192.0.2.100"); }));
    servers.secondary.start();
    REQUIRE(eventually([&] { return servers.secondary.query("www." + zone, "A") == www("192.0.2.100"); }));
    auto first = PrimaryAndSecondary::serial(servers.secondary, zone);
    REQUIRE(first);
    // Today's YYYYMMDD00 (UTC), not the source's 1.
    CHECK((*first == dayBefore || *first == dadns::dateSerial(dadns::nowMs())));

    int followed = 0;
    uint32_t previous = *first;
    for (int i = 1; i <= 10; ++i) {
        std::string ip = "192.0.2." + std::to_string(100 + i);
        INFO("change " << i << ": www " << ip);
        REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", smallZoneText(zone, 1, ip)).status == 200);
        REQUIRE(eventually([&] { return servers.primary.query("www." + zone, "A") == www(ip); }));
        bool ok = eventually([&] { return servers.secondary.query("www." + zone, "A") == www(ip); }, std::chrono::seconds(15));
        CHECK(ok);
        if (!ok) continue;
        ++followed;
        auto serial = PrimaryAndSecondary::serial(servers.secondary, zone);
        REQUIRE(serial);
        CHECK(serial == PrimaryAndSecondary::serial(servers.primary, zone));
        CHECK(dadns::serialGreater(*serial, previous));
        CHECK((*serial == previous + 1 || *serial == dadns::dateSerial(dadns::nowMs()))); // nn counts up (or a new day began)
        previous = *serial;
    }
    CHECK(followed == 10);
}

TEST_CASE("soa_serial keep: a secondary named does not follow a change whose serial stayed the same", "[bind]") {
    const std::string zone = "stay.example";
    PrimaryAndSecondary servers(zone);
    Daemon d(servers.daemonConfig("keep"));
    d.start();

    REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", smallZoneText(zone, 7, "192.0.2.100")).status == 200);
    REQUIRE(eventually([&] { return servers.primary.query("www." + zone, "A") == www("192.0.2.100"); }));
    servers.secondary.start(); // the notify of this first load went nowhere: it transfers at start
    REQUIRE(eventually([&] { return servers.secondary.query("www." + zone, "A") == www("192.0.2.100"); }));
    CHECK(PrimaryAndSecondary::serial(servers.secondary, zone) == 7u);
    int sent = servers.notifiesSent();
    int handled = servers.notifiesHandled();
    int upToDate = servers.upToDate();

    REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", smallZoneText(zone, 7, "192.0.2.101")).status == 200);
    CHECK(eventually([&] { return servers.primary.query("www." + zone, "A") == www("192.0.2.101"); }));
    // The primary notified, the secondary asked for the serial and found its copy up to date.
    REQUIRE(eventually([&] { return servers.notifiesSent() > sent && servers.notifiesHandled() > handled; }));
    CHECK(eventually([&] { return servers.upToDate() > upToDate; }));
    INFO("secondary log:\n" << readFile(servers.secondary.logFile()));
    CHECK(servers.secondary.query("www." + zone, "A") == www("192.0.2.100"));
    CHECK(PrimaryAndSecondary::serial(servers.secondary, zone) == 7u);

    // The same servers follow a change whose serial went up: the setup is not what held it back.
    REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", smallZoneText(zone, 8, "192.0.2.102")).status == 200);
    CHECK(eventually([&] { return servers.secondary.query("www." + zone, "A") == www("192.0.2.102"); }));
    CHECK(PrimaryAndSecondary::serial(servers.secondary, zone) == 8u);
}
