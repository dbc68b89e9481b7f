// Catalog zones (RFC 9432, version 2) with real nameds: a primary named serves the catalogs and
// their member zones to holders of a TSIG key only and notifies a secondary named, a catalog
// consumer that serves every member of the catalogs it consumes (tests/support/CatalogSecondary
// has the configuration and what named 9.18 does). The first cases write the catalogs by hand:
// they pin down how named behaves. The others run the daemon with the bind backend maintaining
// its catalog (catalog_zone), in both zone_membership modes, and moving its zones to a catalog
// of another name (catalog_previous).
#include "support/CatalogSecondary.hpp"
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <sstream>
#include <thread>

using namespace dadns::test;

namespace {

const std::string kCatalogA = "catalog-a.dadns.test";
const std::string kCatalogB = "catalog-b.dadns.test";

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// Whether server answers for zone authoritatively, with www.<zone> A ip.
bool serves(const NamedServer& server, const std::string& zone, const std::string& ip) {
    return server.authoritative(zone) && server.query("www." + zone, "A") == std::vector<std::string>{ip};
}

// Whether server no longer has the zone at all (named answers REFUSED for a zone it lacks).
bool dropped(const NamedServer& server, const std::string& zone) { return server.reply(zone, "SOA").status == "REFUSED"; }

// The answers a server gives for a zone's SOA, asked again and again from a thread of its own
// until stop(): "NOERROR aa", "SERVFAIL", "REFUSED", ...
class AnswerWatch {
public:
    AnswerWatch(const NamedServer& server, std::string zone) : server_(server), zone_(std::move(zone)), thread_([this] { run(); }) {}
    ~AnswerWatch() { stop(); }
    AnswerWatch(const AnswerWatch&) = delete;
    AnswerWatch& operator=(const AnswerWatch&) = delete;

    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    std::vector<std::string> answers() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return answers_;
    }
    // The most answers in a row that were this one.
    int longestRun(const std::string& answer) const {
        int longest = 0, run = 0;
        for (const auto& a : answers()) {
            run = a == answer ? run + 1 : 0;
            longest = std::max(longest, run);
        }
        return longest;
    }
    // "12 x NOERROR aa, 9 x SERVFAIL, 30 x NOERROR aa": the answers in order, repeats counted.
    std::string summary() const {
        std::string out;
        auto all = answers();
        for (size_t i = 0; i < all.size();) {
            size_t j = i;
            while (j < all.size() && all[j] == all[i]) ++j;
            out += (out.empty() ? "" : ", ") + std::to_string(j - i) + " x " + all[i];
            i = j;
        }
        return out;
    }

private:
    void run() {
        while (!stop_) {
            auto r = server_.reply(zone_, "SOA");
            {
                std::lock_guard<std::mutex> lock(mutex_);
                answers_.push_back(r.status + (r.authoritative ? " aa" : ""));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    const NamedServer& server_;
    std::string zone_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> answers_;
    std::thread thread_;
};

// A primary named and a secondary named that consumes the given catalogs from it.
struct CatalogServers {
    explicit CatalogServers(const std::vector<std::string>& catalogs) {
        configureCatalogPrimary(primary, secondary, key);
        CatalogSecondary(catalogs, primary.port(), key).configure(secondary);
    }

    CatalogContent catalog(const std::string& name) const { return readCatalog(primary.transfer(name, key), name); }

    TsigKey key = TsigKey::random("xfer");
    NamedServer primary;
    NamedServer secondary;
};

// ---- Catalogs written by hand ----

const std::vector<std::string> kMembers{"m1.example", "m2.example", "m3.example"};
std::string memberIp(const std::string& zone) { return "192.0.2." + std::to_string(10 + (zone[1] - '0')); }

// The primary serves catalogs A and B (no members yet) and the zones m1..m3, from files in its
// directory; the secondary consumes A and B. Both are running, the secondary has applied both.
struct HandWrittenCatalogs : CatalogServers {
    HandWrittenCatalogs() : CatalogServers({kCatalogA, kCatalogB}) {
        std::string include;
        for (const auto& zone : kMembers) {
            writeFile(primary.dir() + "/" + zone + ".db", smallZoneText(zone, 1, memberIp(zone)));
            include += "zone \"" + zone + "\" { type primary; file \"" + primary.dir() + "/" + zone + ".db\"; };\n";
        }
        for (const auto& cat : {kCatalogA, kCatalogB}) {
            writeFile(catalogFile(cat), catalogZoneText(1, {}));
            include += "zone \"" + cat + "\" { type primary; file \"" + catalogFile(cat) + "\"; };\n";
        }
        writeFile(primary.includeFile(), include);
        primary.start();
        secondary.start();
        bool applied = eventually([&] {
            auto log = secondary.log();
            return catalogApplied(log, kCatalogA, 1) && catalogApplied(log, kCatalogB, 1);
        });
        INFO("secondary log:\n" << secondary.log());
        REQUIRE(applied);
    }

    std::string catalogFile(const std::string& cat) const { return primary.dir() + "/" + cat + ".db"; }

    // Writes a new version of the catalog, has the primary load it (it notifies the secondary)
    // and waits until the secondary applied it.
    void publish(const std::string& cat, uint32_t serial, const std::vector<CatalogMember>& members) {
        writeFile(catalogFile(cat), catalogZoneText(serial, members));
        auto reload = primary.rndc({"reload", cat});
        INFO(reload.output);
        REQUIRE(reload.status == 0);
        bool applied = eventually([&] { return catalogApplied(secondary.log(), cat, serial); });
        INFO("secondary log:\n" << secondary.log());
        REQUIRE(applied);
    }
};

} // namespace

TEST_CASE("catalog primary: the catalog and its members are transferred with the key only", "[bind][catalog]") {
    HandWrittenCatalogs s;
    s.publish(kCatalogA, 2, {{"m1", "m1.example", ""}});

    CHECK(s.primary.transfer(kCatalogA).empty());
    CHECK(s.primary.transfer("m1.example").empty());
    CHECK(contains(s.primary.log(), "zone transfer '" + kCatalogA + "/AXFR/IN' denied"));
    CHECK(contains(s.primary.log(), "zone transfer 'm1.example/AXFR/IN' denied"));

    auto cat = s.catalog(kCatalogA);
    CHECK(cat.serial == 2u);
    CHECK(cat.versions == std::vector<std::string>{"\"2\""});
    CHECK(cat.ns == std::vector<std::string>{"invalid."});
    CHECK(cat.members == std::map<std::string, std::string>{{"m1.example", "m1"}});
    CHECK(cat.unexpected.empty());
    CHECK(s.primary.transfer("m1.example", s.key).size() == 4); // SOA NS A A

    // The secondary, with the key, did transfer both.
    CHECK(eventually([&] { return serves(s.secondary, "m1.example", memberIp("m1.example")); }));
    CHECK(contains(s.secondary.log(), "zone m1.example/IN: transferred serial 1: TSIG 'xfer'"));
    // A wrong key is refused too.
    CHECK(s.primary.transfer(kCatalogA, TsigKey::random("xfer")).empty());
}

TEST_CASE("catalog consumer: a member added to the catalog is served, a member removed is dropped", "[bind][catalog]") {
    HandWrittenCatalogs s;
    CHECK(dropped(s.secondary, "m1.example")); // in no catalog yet

    s.publish(kCatalogA, 2, {{"m1", "m1.example", ""}, {"m2", "m2.example", ""}});
    CHECK(contains(s.secondary.log(), "catz: adding zone 'm1.example' from catalog '" + kCatalogA + "' - success"));
    CHECK(eventually([&] { return serves(s.secondary, "m1.example", memberIp("m1.example")); }));
    CHECK(eventually([&] { return serves(s.secondary, "m2.example", memberIp("m2.example")); }));
    CHECK(dropped(s.secondary, "m3.example"));

    s.publish(kCatalogA, 3, {{"m2", "m2.example", ""}});
    CHECK(contains(s.secondary.log(), "catz: deleting zone 'm1.example' from catalog '" + kCatalogA + "' - success"));
    CHECK(eventually([&] { return dropped(s.secondary, "m1.example"); }));
    CHECK(serves(s.secondary, "m2.example", memberIp("m2.example")));

    // The member comes back when listed again (under another id).
    s.publish(kCatalogA, 4, {{"m2", "m2.example", ""}, {"again", "m1.example", ""}});
    CHECK(eventually([&] { return serves(s.secondary, "m1.example", memberIp("m1.example")); }));
}

TEST_CASE("catalog consumer: coo moves members to another catalog; removing them from the old one keeps them", "[bind][catalog]") {
    HandWrittenCatalogs s;
    s.publish(kCatalogA, 2, {{"m2", "m2.example", ""}, {"m3", "m3.example", ""}});
    REQUIRE(eventually([&] { return serves(s.secondary, "m2.example", memberIp("m2.example")); }));
    REQUIRE(eventually([&] { return serves(s.secondary, "m3.example", memberIp("m3.example")); }));
    REQUIRE(s.secondary.rndc({"trace", "3"}).status == 0); // the change of ownership is logged at debug level 3

    AnswerWatch watchM2(s.secondary, "m2.example");
    AnswerWatch watchM3(s.secondary, "m3.example");
    // A hands both to B (coo names A's id of the member); the secondary applies that first, then
    // B lists m2 under the same id and m3 under another.
    s.publish(kCatalogA, 3, {{"m2", "m2.example", kCatalogB}, {"m3", "m3.example", kCatalogB}});
    CHECK(serves(s.secondary, "m2.example", memberIp("m2.example")));
    s.publish(kCatalogB, 2, {{"m2", "m2.example", ""}, {"other-id", "m3.example", ""}});
    for (const auto& zone : {"m2.example", "m3.example"}) {
        INFO(zone);
        std::string log = s.secondary.log();
        CHECK(contains(log, "catz: zone '" + std::string(zone) + "' change of ownership from '" + kCatalogA + "' to '" + kCatalogB + "'"));
        CHECK(contains(log, "catz: deleting zone '" + std::string(zone) + "' from catalog '" + kCatalogA + "' - success"));
        CHECK(contains(log, "catz: adding zone '" + std::string(zone) + "' from catalog '" + kCatalogB + "' - success"));
        // named 9.18 deletes the zone and adds it anew: it answers SERVFAIL until transferred again.
        CHECK(eventually([&] { return serves(s.secondary, zone, memberIp(zone)); }));
    }

    // A drops them: B has them, the secondary keeps them.
    s.publish(kCatalogA, 4, {});
    CHECK(eventually([&] { return contains(s.secondary.log(), "zone 'm3.example' exists in multiple catalog zones"); }));
    CHECK(serves(s.secondary, "m2.example", memberIp("m2.example")));
    CHECK(serves(s.secondary, "m3.example", memberIp("m3.example")));

    // Never dropped on the way: no two REFUSED answers in a row (one would be the instant between
    // named's delete and add), and served at the end.
    watchM2.stop();
    watchM3.stop();
    for (auto* watch : {&watchM2, &watchM3}) {
        INFO("answers during the move: " << watch->summary());
        CHECK(watch->longestRun("REFUSED") < 2);
        CHECK(watch->answers().back() == "NOERROR aa");
    }

    // B drops one: gone.
    s.publish(kCatalogB, 3, {{"m2", "m2.example", ""}});
    CHECK(eventually([&] { return dropped(s.secondary, "m3.example"); }));
    CHECK(serves(s.secondary, "m2.example", memberIp("m2.example")));
}

// ---- The bind backend maintaining its catalog ----

namespace {

// The servers, and the daemon's configuration for the bind backend on the primary: with
// zone_membership include (the include file and rndc_command) or addzone (rndc_conf).
struct BackendCatalogs : CatalogServers {
    BackendCatalogs(std::string membership, const std::vector<std::string>& consumed)
        : CatalogServers(consumed), membership(std::move(membership)) {
        primary.start();
    }

    std::string zonesDir() const { return primary.dir() + "/zones"; }

    std::string daemonConfig(const std::string& catalog, const std::string& previous = "") const {
        std::string bind = "      zones_dir: " + zonesDir() + "\n      zone_membership: " + membership + "\n";
        if (membership == "include")
            bind += "      named_conf: " + primary.includeFile() + "\n      rndc_command: \"" + primary.rndcCommand() + "\"\n";
        else
            bind += "      rndc_conf: " + primary.rndcConf() + "\n";
        bind += "      catalog_zone: " + catalog + "\n";
        if (!previous.empty()) bind += "      catalog_previous: " + previous + "\n      catalog_move_delay: 3s\n";
        bind += "      reload_batch_ms: 100\n";
        return baseConfig("dns:\n  backends:\n    bind:\n" + bind +
                          "dispatch:\n  retry_backoff: 200ms\n  retry_backoff_max: 1s\n  max_attempts: 1000\n  breaker_failures: 1000\n");
    }

    // Starts the secondary once the primary serves the catalog: a secondary whose first refresh
    // of it failed could leave a NOTIFY queued behind that refresh.
    void startSecondaryWhenPrimaryServes(const std::string& catalog, Daemon& d) {
        bool served = eventually([&] { return primary.authoritative(catalog); });
        INFO("daemon log:\n" << d.log() << "\nprimary log:\n" << primary.log());
        REQUIRE(served);
        secondary.start();
        bool applied = eventually([&] { return secondary.authoritative(catalog); });
        INFO("secondary log:\n" << secondary.log());
        REQUIRE(applied);
    }

    std::string membership;
};

// www.<zone>'s address: one of its own for each zone name.
std::string www(const std::string& zone) {
    unsigned sum = 0;
    for (char c : zone) sum = sum * 31 + static_cast<unsigned char>(c);
    return "192.0.2." + std::to_string(1 + sum % 200);
}

} // namespace

TEST_CASE("bind catalog_zone: a secondary named serves the zones pushed through the API and drops the deleted ones", "[bind][catalog]") {
    std::string membership = GENERATE(as<std::string>{}, "include", "addzone");
    INFO("zone_membership: " << membership);
    BackendCatalogs s(membership, {kCatalogA});
    Daemon d(s.daemonConfig(kCatalogA));
    d.start();
    s.startSecondaryWhenPrimaryServes(kCatalogA, d);
    CHECK(fileExists(s.zonesDir() + "/" + kCatalogA + ".db"));
    auto empty = s.catalog(kCatalogA);
    CHECK(empty.members.empty());

    const std::vector<std::string> zones{"one.example", "two.example", "three.example"};
    for (const auto& zone : zones) REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", smallZoneText(zone, 1, www(zone))).status == 200);
    for (const auto& zone : zones) {
        INFO(zone);
        CHECK(eventually([&] { return serves(s.secondary, zone, www(zone)); }, std::chrono::seconds(30)));
    }

    // The catalog on the primary: version 2, NS invalid., one PTR per member, a higher serial;
    // transferred with the key only.
    auto cat = s.catalog(kCatalogA);
    INFO("catalog: " << [&] {
        std::string all;
        for (const auto& line : s.primary.transfer(kCatalogA, s.key)) all += line + "\n";
        return all;
    }());
    CHECK(cat.versions == std::vector<std::string>{"\"2\""});
    CHECK(cat.ns == std::vector<std::string>{"invalid."});
    CHECK(cat.unexpected.empty());
    CHECK(cat.coo.empty());
    CHECK(cat.members.size() == zones.size());
    for (const auto& zone : zones) {
        INFO(zone);
        CHECK(cat.ptrsPerMember[zone] == 1);
    }
    REQUIRE(cat.serial);
    REQUIRE(empty.serial);
    CHECK(*cat.serial > *empty.serial);
    CHECK(s.primary.transfer(kCatalogA).empty());

    // A delete: the secondary drops the zone, the others stay.
    REQUIRE(d.call("DELETE", "/api/v1/zones/two.example?wait=10").status == 200);
    CHECK(eventually([&] { return dropped(s.secondary, "two.example"); }, std::chrono::seconds(30)));
    CHECK(serves(s.secondary, "one.example", www("one.example")));
    CHECK(serves(s.secondary, "three.example", www("three.example")));
    auto after = s.catalog(kCatalogA);
    CHECK(after.members.count("two.example") == 0);
    CHECK(after.members.size() == 2);
    // Ids are stable: the members kept theirs.
    CHECK(after.members["one.example"] == cat.members["one.example"]);
    CHECK(after.members["three.example"] == cat.members["three.example"]);

    // Pushed again, it is served again.
    REQUIRE(d.call("PUT", "/api/v1/zones/two.example?wait=10", smallZoneText("two.example", 2, www("two.example"))).status == 200);
    CHECK(eventually([&] { return serves(s.secondary, "two.example", www("two.example")); }, std::chrono::seconds(30)));
}

TEST_CASE("bind catalog_previous: zones move to the new catalog and stay served", "[bind][catalog]") {
    std::string membership = GENERATE(as<std::string>{}, "include", "addzone");
    INFO("zone_membership: " << membership);
    BackendCatalogs s(membership, {kCatalogA, kCatalogB});
    Daemon d(s.daemonConfig(kCatalogA));
    d.start();
    s.startSecondaryWhenPrimaryServes(kCatalogA, d);

    const std::vector<std::string> zones{"keep.example", "stay.example"};
    for (const auto& zone : zones) REQUIRE(d.call("PUT", "/api/v1/zones/" + zone + "?wait=10", smallZoneText(zone, 1, www(zone))).status == 200);
    for (const auto& zone : zones) REQUIRE(eventually([&] { return serves(s.secondary, zone, www(zone)); }, std::chrono::seconds(30)));
    auto before = s.catalog(kCatalogA);
    REQUIRE(before.members.size() == zones.size());
    REQUIRE(s.secondary.rndc({"trace", "3"}).status == 0); // the change of ownership is logged at debug level 3

    // The daemon restarts with the new catalog name, the old one as catalog_previous.
    AnswerWatch watchKeep(s.secondary, "keep.example");
    AnswerWatch watchStay(s.secondary, "stay.example");
    REQUIRE(d.stop() == 0);
    std::string config = readFile(d.configPath());
    std::string from = "catalog_zone: " + kCatalogA + "\n";
    REQUIRE(contains(config, from));
    config.replace(config.find(from), from.size(),
                   "catalog_zone: " + kCatalogB + "\n      catalog_previous: " + kCatalogA + "\n      catalog_move_delay: 3s\n");
    writeFile(d.configPath(), config);
    d.start();

    for (const auto& zone : zones) {
        INFO(zone);
        bool moved = eventually([&] { return contains(s.secondary.log(), "catz: adding zone '" + zone + "' from catalog '" + kCatalogB + "' - success"); },
                                std::chrono::seconds(30));
        INFO("daemon log:\n" << d.log() << "\nsecondary log (catz):\n" << [&] {
            std::istringstream in(s.secondary.log());
            std::string out;
            for (std::string line; std::getline(in, line);)
                if (contains(line, "catz:")) out += line + "\n";
            return out;
        }());
        CHECK(moved);
        CHECK(contains(s.secondary.log(), "catz: zone '" + zone + "' change of ownership from '" + kCatalogA + "' to '" + kCatalogB + "'"));
        CHECK(eventually([&] { return serves(s.secondary, zone, www(zone)); }, std::chrono::seconds(30)));
    }

    // The primary serves both: B lists the zones, A still lists them with coo to B.
    auto a = s.catalog(kCatalogA);
    auto b = s.catalog(kCatalogB);
    CHECK(b.versions == std::vector<std::string>{"\"2\""});
    CHECK(a.versions == std::vector<std::string>{"\"2\""});
    for (const auto& zone : zones) {
        INFO(zone);
        CHECK(b.ptrsPerMember[zone] == 1);
        REQUIRE(a.members.count(zone) == 1);
        CHECK(a.coo[a.members[zone]] == kCatalogB);
    }
    CHECK(a.unexpected.empty());
    CHECK(b.unexpected.empty());
    REQUIRE(a.serial);
    REQUIRE(before.serial);
    CHECK(*a.serial > *before.serial);

    // Never dropped on the way (the instant between named's delete and add aside), served at the end.
    watchKeep.stop();
    watchStay.stop();
    for (auto* watch : {&watchKeep, &watchStay}) {
        INFO("answers during the move: " << watch->summary());
        CHECK(watch->longestRun("REFUSED") < 2);
        CHECK(watch->answers().back() == "NOERROR aa");
    }

    // A zone pushed now is served from B.
    REQUIRE(d.call("PUT", "/api/v1/zones/later.example?wait=10", smallZoneText("later.example", 1, www("later.example"))).status == 200);
    CHECK(eventually([&] { return serves(s.secondary, "later.example", www("later.example")); }, std::chrono::seconds(30)));
    CHECK(contains(s.secondary.log(), "catz: adding zone 'later.example' from catalog '" + kCatalogB + "' - success"));

    // A delete leaves neither catalog listing the zone, and the secondary drops it.
    REQUIRE(d.call("DELETE", "/api/v1/zones/keep.example?wait=10").status == 200);
    CHECK(eventually([&] { return dropped(s.secondary, "keep.example"); }, std::chrono::seconds(30)));
    CHECK(eventually([&] { return s.catalog(kCatalogA).members.count("keep.example") == 0 && s.catalog(kCatalogB).members.count("keep.example") == 0; }));
    CHECK(serves(s.secondary, "stay.example", www("stay.example")));
}
