// The ownership rule in ChangeIntake, in process over a real SQLite store: who owns a zone, what
// a change from another principal gets (409, nothing stored), the operator's explicit owner,
// replicated changes, a delete freeing the name, and zones.ownership: shared.
#include "core/intake/ChangeIntake.hpp"
#include "core/intake/ZoneOwnership.hpp"
#include "core/store/SqliteZoneStore.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <cctype>

using namespace dadns;

namespace {

std::string zoneText(const std::string& name, const std::string& ip = "192.0.2.1") {
    return "$TTL 300\n@ IN SOA ns1." + name + ". hostmaster." + name + ". 1 3600 600 86400 300\n@ IN NS ns1." + name +
           ".\nwww IN A " + ip + "\n";
}

ChangeRequest put(const std::string& zone, const ZoneOrigin& origin, const std::string& ip = "192.0.2.1") {
    ChangeRequest r;
    r.kind = ChangeRequest::Kind::ZoneText;
    r.zone = zone;
    r.zoneText = zoneText(zone, ip);
    r.origin = origin;
    return r;
}

ChangeRequest del(const std::string& zone, const ZoneOrigin& origin) {
    ChangeRequest r;
    r.kind = ChangeRequest::Kind::Delete;
    r.zone = zone;
    r.origin = origin;
    return r;
}

sdk::Record rec(const std::string& owner, uint32_t ttl, const std::string& data = "") {
    sdk::Record r;
    r.owner = owner;
    r.type = "A";
    r.ttl = ttl;
    if (!data.empty()) r.rdata.push_back(data);
    return r;
}

const ZoneOrigin kRest{"rest", "192.0.2.200", "admin"};
const ZoneOrigin kHosts{"hosts", "", ""};
const ZoneOrigin kDa1{"directadmin", "da1.example", "bob"};
const ZoneOrigin kDa2{"directadmin", "da2.example", "alice"};

struct Intake {
    test::TempDir dir{"dadns-ownership"};
    SqliteZoneStore store{dir.path(), SqliteZoneStore::Options{}};
    MetricsRegistry metrics;
    ChangeIntake intake{store, metrics};

    uint64_t version(const std::string& zone) {
        auto z = store.current(zone, false);
        return z ? z->version : 0;
    }
    std::string owner(const std::string& zone) { return zoneOwner(store.current(zone, false)); }
};

} // namespace

TEST_CASE("the principal of a change: rest, a source, or a source and the host it names", "[intake]") {
    CHECK(principalOf(kRest) == "rest");
    CHECK(principalOf({"rollback", "192.0.2.200", "admin"}) == "rest");
    CHECK(principalOf(kHosts) == "hosts");
    CHECK(principalOf(kDa1) == "directadmin:da1.example");
    CHECK(principalOf({"directadmin", "DA1.Example", ""}) == "directadmin:da1.example");
    CHECK(principalOf({"swim", "node-b", ""}).empty()); // replicated without its origin: nobody's
    CHECK(principalOf({"", "", ""}).empty());
    CHECK(checkPrincipal("Hosts") == "hosts");
    CHECK(checkPrincipal("directadmin:DA1.example.") == "directadmin:da1.example");
    for (const char* bad : {"", "swim", "rollback", "rest:x.example", "directadmin:../x", "a b", "directadmin:", ":x"}) {
        INFO(bad);
        CHECK_THROWS_AS(checkPrincipal(bad), InvalidInput);
    }
    CHECK(parseOwnershipRule("per_source") == OwnershipRule::PerSource);
    CHECK(parseOwnershipRule("SHARED") == OwnershipRule::Shared);
    CHECK_FALSE(parseOwnershipRule("anyone"));
}

TEST_CASE("per_source: a change from another principal than the zone's owner is refused and changes nothing", "[intake]") {
    Intake t;
    REQUIRE(t.intake.submit(put("da.example", kDa1)).stored);
    REQUIRE(t.intake.submit(put("api.example", kRest)).stored);
    REQUIRE(t.intake.submit(put("hosts.example", kHosts)).stored);
    CHECK(t.owner("da.example") == "directadmin:da1.example");
    CHECK(t.intake.submit(put("da.example", kDa1, "192.0.2.2")).version == 2); // the owner, again

    struct Case {
        std::string zone;
        ZoneOrigin from;
        std::string owner;
    };
    for (const auto& c : std::vector<Case>{{"da.example", kDa2, "directadmin:da1.example"},
                                           {"da.example", kRest, "directadmin:da1.example"},
                                           {"da.example", kHosts, "directadmin:da1.example"},
                                           {"api.example", kDa1, "rest"},
                                           {"hosts.example", kDa1, "hosts"},
                                           {"hosts.example", kRest, "hosts"}}) {
        INFO(c.zone << " from " << principalOf(c.from));
        uint64_t before = t.version(c.zone);
        ChangeRequest otherwise = put(c.zone, c.from); // the same zone, spelt in upper case with a trailing dot
        otherwise.zone = c.zone + ".";
        for (auto& ch : otherwise.zone) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        for (const auto& request : {put(c.zone, c.from, "192.0.2.9"), otherwise, del(c.zone, c.from)}) {
            try {
                t.intake.submit(request);
                FAIL("accepted");
            } catch (const ZoneOwnedElsewhere& e) {
                CHECK(e.status == 409);
                CHECK(e.owner == c.owner);
                CHECK(std::string(e.what()).find("belongs to " + c.owner) != std::string::npos);
            }
        }
        CHECK_THROWS_AS(t.intake.addRecords(c.zone, {rec("new", 300, "192.0.2.50")}, c.from), ZoneOwnedElsewhere);
        CHECK_THROWS_AS(t.intake.removeRecords(c.zone, {rec("www", 0)}, c.from), ZoneOwnedElsewhere);
        CHECK(t.version(c.zone) == before);
        CHECK(t.owner(c.zone) == c.owner);
    }
    // Record edits by the owner pass.
    CHECK(t.intake.addRecords("da.example", {rec("new", 300, "192.0.2.50")}, kDa1).stored);
}

TEST_CASE("the operator's explicit owner edits for the owner, takes or hands over; a delete frees the name", "[intake]") {
    Intake t;
    REQUIRE(t.intake.submit(put("da.example", kDa1)).stored);
    // For its owner: the zone stays da1's.
    CHECK(t.intake.submit(put("da.example", originActingFor("directadmin:da1.example", "admin", "192.0.2.200"), "192.0.2.3")).stored);
    CHECK(t.owner("da.example") == "directadmin:da1.example");
    CHECK(t.store.current("da.example", false)->origin.user == "rest:admin");
    // Handed over to da2.
    CHECK(t.intake.submit(put("da.example", originActingFor("directadmin:da2.example", "admin", "192.0.2.200"))).stored);
    CHECK(t.owner("da.example") == "directadmin:da2.example");
    CHECK_THROWS_AS(t.intake.submit(put("da.example", kDa1)), ZoneOwnedElsewhere);
    // Taken by the operator, through a record edit.
    CHECK(t.intake.addRecords("da.example", {rec("x", 300, "192.0.2.60")}, originActingFor("rest", "admin", "192.0.2.200")).stored);
    CHECK(t.owner("da.example") == "rest");
    CHECK(t.intake.submit(put("da.example", kRest)).stored);
    // Deleted by its owner: nobody's, the next creator's.
    CHECK(t.intake.submit(del("da.example", kRest)).stored);
    CHECK(t.owner("da.example").empty());
    CHECK(t.intake.submit(put("da.example", kHosts)).stored);
    CHECK(t.owner("da.example") == "hosts");
}

TEST_CASE("replicated changes are not checked again and keep the owner they carry", "[intake]") {
    Intake t;
    REQUIRE(t.intake.submit(put("da.example", kDa1)).stored);
    // A newer version made on a peer by the zone's new owner (handed over there).
    ChangeRequest replicated = put("da.example", kDa2, "192.0.2.7");
    replicated.stamp = "9999999999000.0@node-b";
    CHECK(t.intake.submit(replicated).stored);
    CHECK(t.owner("da.example") == "directadmin:da2.example");
    CHECK_THROWS_AS(t.intake.submit(put("da.example", kDa1)), ZoneOwnedElsewhere);
    // A replicated delete from a peer.
    ChangeRequest gone = del("da.example", kRest);
    gone.stamp = "9999999999001.0@node-b";
    CHECK(t.intake.submit(gone).stored);
    // A version replicated by a dadns that did not carry origins is nobody's.
    ChangeRequest legacy = put("old.example", {"swim", "node-b", ""});
    legacy.stamp = "9999999999002.0@node-b";
    REQUIRE(t.intake.submit(legacy).stored);
    CHECK(t.owner("old.example").empty());
    CHECK(t.intake.submit(put("old.example", kDa1)).stored);
    CHECK(t.owner("old.example") == "directadmin:da1.example");
}

TEST_CASE("zones.ownership shared: every source changes every zone", "[intake]") {
    Intake t;
    t.intake.setOwnershipRule(OwnershipRule::Shared);
    REQUIRE(t.intake.submit(put("da.example", kDa1)).stored);
    CHECK(t.intake.submit(put("da.example", kDa2)).stored);
    CHECK(t.intake.submit(put("da.example", kRest)).stored);
    CHECK(t.intake.addRecords("da.example", {rec("x", 300, "192.0.2.60")}, kHosts).stored);
    CHECK(t.intake.submit(del("da.example", kDa1)).stored);
}
