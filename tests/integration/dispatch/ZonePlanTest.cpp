// Plans, diffs and the safety limits through the API: ?dry_run=true stores nothing and lists
// per backend what would be added and removed; GET .../diff shows how each backend differs now;
// zones.safety holds a change that would empty a zone, or a burst of deletes, unless forced.
#include "DispatchTestSupport.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace dadns::test;
using namespace dadns::test::dispatch;

namespace {

// A zone of 2 + n records: SOA, NS and hosts h0..h(n-1).
std::string bigZone(const std::string& zone, int serial, int hosts, int firstOctet = 1) {
    std::string text = "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone + ". " + std::to_string(serial) + " 3600 600 86400 300\n@ IN NS ns1." +
                       zone + ".\n";
    for (int i = 0; i < hosts; ++i) text += "h" + std::to_string(i) + " IN A 192.0.2." + std::to_string(firstOctet + i) + "\n";
    return text;
}

std::set<std::string> recordNames(const Poco::JSON::Array::Ptr& records) {
    std::set<std::string> out;
    for (size_t i = 0; i < records->size(); ++i) {
        auto r = records->getObject(static_cast<unsigned>(i));
        out.insert(r->getValue<std::string>("name") + " " + r->getValue<std::string>("type") + " " + r->getValue<std::string>("data"));
    }
    return out;
}

Poco::JSON::Object::Ptr backendOf(const Poco::JSON::Object::Ptr& answer, const std::string& name) {
    auto arr = answer->getArray("backends");
    for (size_t i = 0; i < arr->size(); ++i)
        if (arr->getObject(static_cast<unsigned>(i))->getValue<std::string>("backend") == name) return arr->getObject(static_cast<unsigned>(i));
    return nullptr;
}

} // namespace

TEST_CASE("a dry run stores nothing and lists, per backend, exactly what would change", "[dispatch]") {
    Daemon d(config(servedBackend("served") + backend("counted")));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/plan.example?wait=10", zoneText("plan.example", 1)).status == 200);
    auto r = d.call("PUT", "/api/v1/zones/plan.example?dry_run=true", zoneText("plan.example", 1, "mail IN MX 10 mx.plan.example.\n"));
    REQUIRE(r.status == 200);
    auto plan = json(r.body);
    CHECK(plan->getValue<bool>("dry_run"));
    CHECK_FALSE(plan->getValue<bool>("stored"));
    for (const std::string name : {"served", "counted"}) {
        auto b = backendOf(plan, name);
        REQUIRE(b);
        CHECK(recordNames(b->getArray("add")) == std::set<std::string>{"mail.plan.example. MX 10 mx.plan.example."});
        CHECK(b->getArray("remove")->size() == 0);
    }
    CHECK(backendOf(plan, "served")->getValue<std::string>("basis") == "served");
    CHECK(backendOf(plan, "counted")->getValue<std::string>("basis") == "applied_version");
    // Nothing stored, nothing sent.
    CHECK(json(d.get("/api/v1/zones/plan.example").body)->getValue<int>("version") == 1);
    CHECK(readFile(d.dir() + "/served/plan.example.zone").find("MX") == std::string::npos);

    // A changed address is one removal and one addition; a dry-run delete removes everything.
    auto changed = json(d.call("PUT", "/api/v1/zones/plan.example?dry_run=1", zoneText("plan.example", 1).replace(
                                                                                    zoneText("plan.example", 1).find("192.0.2.2"), 9, "192.0.2.77")).body);
    CHECK(recordNames(backendOf(changed, "served")->getArray("add")) == std::set<std::string>{"www.plan.example. A 192.0.2.77"});
    CHECK(recordNames(backendOf(changed, "served")->getArray("remove")) == std::set<std::string>{"www.plan.example. A 192.0.2.2"});
    auto del = json(d.call("DELETE", "/api/v1/zones/plan.example?dry_run=true").body);
    CHECK(del->getValue<bool>("deleted"));
    CHECK(backendOf(del, "served")->getArray("remove")->size() == 3);
    CHECK(json(d.get("/api/v1/zones/plan.example").body)->getValue<bool>("deleted") == false);
    // Record routes plan too.
    auto add = json(d.call("POST", "/api/v1/zones/plan.example/records?dry_run=true", R"({"name":"txt","type":"TXT","data":"\"hi\""})").body);
    CHECK(recordNames(backendOf(add, "served")->getArray("add")) == std::set<std::string>{"txt.plan.example. TXT \"hi\""});
    CHECK(d.call("PUT", "/api/v1/zones/plan.example?dry_run=maybe", zoneText("plan.example", 1)).status == 400);
}

TEST_CASE("the diff shows what a backend serves that differs from the desired state", "[dispatch]") {
    Daemon d(config(servedBackend("served") + backend("counted"), "  drift_interval: 0\n"));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/diff.example?wait=10", zoneText("diff.example", 1)).status == 200);
    auto clean = json(d.get("/api/v1/zones/diff.example/diff").body);
    CHECK(backendOf(clean, "served")->getValue<bool>("in_sync"));
    std::string path = d.dir() + "/served/diff.example.zone";
    std::string text = readFile(path);
    text.replace(text.find("192.0.2.2"), 9, "192.0.2.66");
    writeFile(path, text);
    auto diff = json(d.get("/api/v1/zones/diff.example/diff").body);
    auto served = backendOf(diff, "served");
    CHECK_FALSE(served->getValue<bool>("in_sync"));
    CHECK(recordNames(served->getArray("add")) == std::set<std::string>{"www.diff.example. A 192.0.2.2"});
    CHECK(recordNames(served->getArray("remove")) == std::set<std::string>{"www.diff.example. A 192.0.2.66"});
    CHECK(backendOf(diff, "counted")->getValue<bool>("in_sync")); // it cannot tell what it serves
    CHECK(d.get("/api/v1/zones/nosuch.example/diff").status == 404);
}

TEST_CASE("a change that would shrink a zone by more than half is held unless forced", "[dispatch]") {
    Daemon d(config(backend("files")));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/big.example?wait=10", bigZone("big.example", 1, 18)).status == 200); // 20 records
    // Keeping 8 of 18 hosts removes 10 of 20 records: at the 50 % limit, allowed.
    REQUIRE(d.call("PUT", "/api/v1/zones/big.example", bigZone("big.example", 1, 8)).status == 200);
    REQUIRE(d.call("PUT", "/api/v1/zones/big.example?wait=10", bigZone("big.example", 2, 18)).status == 200);
    // Keeping 7 of 18 hosts removes 11 of 20 records: held, nothing stored.
    auto held = d.call("PUT", "/api/v1/zones/big.example", bigZone("big.example", 3, 7));
    CHECK(held.status == 409);
    CHECK(held.body.find("would remove 11 of the zone's 20 records") != std::string::npos);
    CHECK(json(d.get("/api/v1/zones/big.example").body)->getValue<int>("version") == 3);
    // Renumbering every host keeps the count: not held (a plan shows every change).
    REQUIRE(d.call("PUT", "/api/v1/zones/big.example?wait=10", bigZone("big.example", 3, 18, 100)).status == 200);
    // A dry run says it would be held.
    auto plan = json(d.call("PUT", "/api/v1/zones/big.example?dry_run=true", bigZone("big.example", 4, 7)).body);
    CHECK(plan->getValue<std::string>("held").find("zones.safety") != std::string::npos);
    CHECK(backendOf(plan, "files")->getArray("remove")->size() == 19); // the 18 renumbered hosts and the SOA
    // Forced, it goes through.
    CHECK(d.call("PUT", "/api/v1/zones/big.example?force=true", bigZone("big.example", 4, 7)).status == 200);
    CHECK(d.get("/metrics").body.find("dadns_changes_held_total{kind=\"remove_share\",source=\"rest\"} 1") != std::string::npos);
}

TEST_CASE("a burst of zone deletes from one source is held unless forced", "[dispatch]") {
    Daemon d(config(backend("files")) + "zones:\n  safety:\n    max_deletes: 3\n    delete_window: 1h\n");
    d.start();
    for (int i = 0; i < 5; ++i) REQUIRE(d.call("PUT", "/api/v1/zones/d" + std::to_string(i) + ".example", zoneText("d" + std::to_string(i) + ".example", 1)).status == 201);
    for (int i = 0; i < 3; ++i) REQUIRE(d.call("DELETE", "/api/v1/zones/d" + std::to_string(i) + ".example").status == 200);
    auto held = d.call("DELETE", "/api/v1/zones/d3.example");
    CHECK(held.status == 409);
    CHECK(held.body.find("deleted 3 zones within 3600 s (limit 3)") != std::string::npos);
    CHECK_FALSE(json(d.get("/api/v1/zones/d3.example").body)->getValue<bool>("deleted"));
    CHECK(d.call("DELETE", "/api/v1/zones/d3.example?force=true").status == 200);
    CHECK(d.get("/metrics").body.find("dadns_changes_held_total{kind=\"delete_burst\",source=\"rest\"} 1") != std::string::npos);
}
