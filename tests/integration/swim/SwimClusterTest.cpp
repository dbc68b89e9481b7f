// dadns clusters on loopback: membership, failure detection, replication of zones (pushes,
// deletes, catch-up after downtime, concurrent pushes), refusal of a node with the wrong key,
// broadcast discovery, and the node-to-node routes' authentication.
#include "PacketAuth.hpp"
#include "PeerClient.hpp"
#include "Wire.hpp"
#include "support/SwimCluster.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/Net/DatagramSocket.h>
#include <Poco/JSON/Parser.h>

#include <set>
#include <thread>

using namespace dadns::test;

namespace {

std::string zoneText(const std::string& zone, int serial, const std::string& extra = "") {
    return "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone + ". " + std::to_string(serial) +
           " 3600 600 86400 300\n@ IN NS ns1." + zone + ".\nwww IN A 192.0.2." + std::to_string(serial % 250 + 1) + "\n" + extra;
}

std::vector<std::string> idsExcept(SwimCluster& c, size_t except) {
    std::vector<std::string> out;
    for (size_t i = 0; i < c.size(); ++i)
        if (i != except) out.push_back(c.id(i));
    return out;
}

// How long a freshly started cluster may take until every node sees every other alive: under
// a loaded two-core machine (other suites start their servers beside this one) a probe can time
// out and a node be suspected for a round before it refutes it.
constexpr std::chrono::seconds kClusterFormed(45);

bool allSeeAll(SwimCluster& c) {
    for (size_t i = 0; i < c.size(); ++i)
        if (!c.sees(i, idsExcept(c, i), "alive")) return false;
    return true;
}

// Every node's bind backend holds the zone with this record line.
bool everywhere(SwimCluster& c, const std::string& zone, const std::string& line) {
    for (size_t i = 0; i < c.size(); ++i)
        if (c.zoneFile(i, zone).find(line) == std::string::npos) return false;
    return true;
}

Poco::JSON::Object::Ptr clusterOf(Daemon& d) {
    return Poco::JSON::Parser().parse(d.get("/api/v1/cluster").body).extract<Poco::JSON::Object::Ptr>()->getObject("cluster");
}

int dropped(Daemon& d, const std::string& reason) {
    return clusterOf(d)->getObject("statistics")->getObject("packets_dropped")->getValue<int>(reason);
}

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

TEST_CASE("five nodes from one seed form a cluster and replicate pushes and deletes to every backend", "[swim]") {
    SwimCluster c;
    c.startAll();
    REQUIRE(eventually([&] { return allSeeAll(c); }, kClusterFormed));

    REQUIRE(c.node(0).call("PUT", "/api/v1/zones/one.example", zoneText("one.example", 1)).status == 201);
    REQUIRE(eventually([&] { return everywhere(c, "one.example", "192.0.2.2"); }, std::chrono::seconds(10)));
    std::string stamp = c.stamp(0, "one.example");
    REQUIRE_FALSE(stamp.empty());
    for (size_t i = 1; i < c.size(); ++i) CHECK(c.stamp(i, "one.example") == stamp);

    // A change pushed to another node travels the same way.
    REQUIRE(c.node(3).call("PUT", "/api/v1/zones/one.example", zoneText("one.example", 2, "mail IN A 192.0.2.25\n")).status < 300);
    REQUIRE(eventually([&] { return everywhere(c, "one.example", "192.0.2.25"); }, std::chrono::seconds(10)));

    // Deletes replicate.
    REQUIRE(c.node(2).call("DELETE", "/api/v1/zones/one.example").status < 300);
    REQUIRE(eventually([&] {
        for (size_t i = 0; i < c.size(); ++i)
            if (!c.zoneFile(i, "one.example").empty()) return false;
        return true;
    }, std::chrono::seconds(10)));

    // The cluster view has what an operator needs.
    auto cluster = clusterOf(c.node(0));
    CHECK(cluster->getValue<std::string>("node_id") == "node1");
    // A loaded machine can have a node suspected for a round: the counts are waited for.
    CHECK(eventually([&] {
        auto now = clusterOf(c.node(0));
        return now->getObject("statistics")->getValue<int>("nodes_active") == 4 &&
               now->getObject("swim_cluster")->getObject("member_counts")->getValue<int>("alive") == 5;
    }, std::chrono::seconds(10)));
    CHECK(c.node(0).metricSum("dadns_swim_packets_total{") > 0);
    auto sync = c.node(1).call("POST", "/api/v1/cluster/sync");
    CHECK(sync.status == 202);
}

TEST_CASE("a zone's owner travels with it: every node refuses what the owner's node would", "[swim]") {
    SwimClusterOptions options;
    options.nodes = 3;
    SwimCluster c(options);
    c.startAll();
    REQUIRE(eventually([&] { return allSeeAll(c); }, kClusterFormed));
    auto ownerOn = [&](size_t i, const std::string& zone) {
        auto body = c.node(i).get("/api/v1/zones/" + zone).body;
        auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        return o->has("owner") && !o->isNull("owner") ? o->getValue<std::string>("owner") : std::string();
    };
    REQUIRE(c.node(0).call("PUT", "/api/v1/zones/da.example?owner=directadmin:da1.example", zoneText("da.example", 1)).status == 201);
    REQUIRE(eventually([&] { return everywhere(c, "da.example", "192.0.2.2"); }, std::chrono::seconds(10)));
    for (size_t i = 0; i < c.size(); ++i) CHECK(ownerOn(i, "da.example") == "directadmin:da1.example");
    // Another node refuses a change from a principal that does not own it, as the first would.
    CHECK(c.node(2).call("PUT", "/api/v1/zones/da.example", zoneText("da.example", 2)).status == 409);
    // Handed over on one node, the zone is the new owner's everywhere.
    REQUIRE(c.node(1).call("PUT", "/api/v1/zones/da.example?owner=hosts", zoneText("da.example", 3)).status == 200);
    REQUIRE(eventually([&] { return everywhere(c, "da.example", "192.0.2.4"); }, std::chrono::seconds(10)));
    for (size_t i = 0; i < c.size(); ++i) CHECK(ownerOn(i, "da.example") == "hosts");
}

TEST_CASE("a killed node is suspected then failed everywhere, and catches up when it comes back", "[swim]") {
    SwimCluster c;
    c.startAll();
    REQUIRE(eventually([&] { return allSeeAll(c); }, kClusterFormed));

    const size_t victim = 2;
    // Zones it holds before it goes down: one is deleted and one changed meanwhile.
    for (const char* zone : {"gone.example", "moved.example"})
        REQUIRE(c.node(0).call("PUT", std::string("/api/v1/zones/") + zone, zoneText(zone, 5)).status == 201);
    REQUIRE(eventually([&] { return everywhere(c, "gone.example", "192.0.2.6") && everywhere(c, "moved.example", "192.0.2.6"); }));
    c.node(victim).kill9();
    std::vector<bool> suspected(c.size(), false);
    REQUIRE(eventually([&] {
        bool allFailed = true;
        for (size_t i = 0; i < c.size(); ++i) {
            if (i == victim) continue;
            std::string state = c.view(i)[c.id(victim)];
            if (state == "suspect") suspected[i] = true;
            allFailed = allFailed && state == "failed";
        }
        return allFailed;
    }, std::chrono::seconds(15), std::chrono::milliseconds(20)));
    for (size_t i = 0; i < c.size(); ++i)
        if (i != victim) CHECK(suspected[i]);

    // Zones pushed while it is down reach it after the restart.
    for (int z = 0; z < 5; ++z)
        REQUIRE(c.node(z % 2).call("PUT", "/api/v1/zones/down" + std::to_string(z) + ".example", zoneText("down" + std::to_string(z) + ".example", 7)).status == 201);
    REQUIRE(c.node(1).call("DELETE", "/api/v1/zones/gone.example").status == 200);
    REQUIRE(c.node(3).call("PUT", "/api/v1/zones/moved.example", zoneText("moved.example", 9)).status == 200);
    REQUIRE(c.zoneFile(victim, "gone.example").find("192.0.2.6") != std::string::npos); // still there while it is down
    c.node(victim).start();
    REQUIRE(eventually([&] { return allSeeAll(c); }, kClusterFormed));
    REQUIRE(eventually([&] {
        for (int z = 0; z < 5; ++z)
            if (c.zoneFile(victim, "down" + std::to_string(z) + ".example").find("192.0.2.8") == std::string::npos) return false;
        return c.zoneFile(victim, "gone.example").empty() && c.zoneFile(victim, "moved.example").find("192.0.2.10") != std::string::npos;
    }, std::chrono::seconds(15)));
    CHECK(c.stamp(victim, "moved.example") == c.stamp(3, "moved.example"));
}

TEST_CASE("a node stopped with SIGTERM leaves: the others mark it left, not failed", "[swim]") {
    SwimClusterOptions o;
    o.nodes = 3;
    SwimCluster c(o);
    c.startAll();
    REQUIRE(eventually([&] { return allSeeAll(c); }, kClusterFormed));
    REQUIRE(c.node(1).stop() == 0);
    REQUIRE(eventually([&] { return c.sees(0, {c.id(1)}, "left") && c.sees(2, {c.id(1)}, "left"); }, std::chrono::seconds(10)));
    // Long enough for a suspicion to have run out: it stays left.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(c.sees(0, {c.id(1)}, "left"));
    CHECK(c.sees(2, {c.id(1)}, "left"));
}

TEST_CASE("concurrent different pushes of one zone to two nodes converge on one state everywhere", "[swim]") {
    SwimCluster c;
    c.startAll();
    REQUIRE(eventually([&] { return allSeeAll(c); }, kClusterFormed));

    for (int round = 0; round < 3; ++round) {
        std::thread a([&] { c.node(0).call("PUT", "/api/v1/zones/race.example", zoneText("race.example", 10 + round, "a IN A 192.0.2.101\n")); });
        std::thread b([&] { c.node(4).call("PUT", "/api/v1/zones/race.example", zoneText("race.example", 20 + round, "b IN A 192.0.2.102\n")); });
        a.join();
        b.join();
    }
    bool converged = eventually([&] {
        std::string stamp = c.stamp(0, "race.example"), file = c.zoneFile(0, "race.example");
        if (stamp.empty() || file.empty()) return false;
        for (size_t i = 1; i < c.size(); ++i)
            if (c.stamp(i, "race.example") != stamp || c.zoneFile(i, "race.example") != file) return false;
        return true;
    }, std::chrono::seconds(15));
    if (!converged)
        for (size_t i = 0; i < c.size(); ++i) {
            std::string file = c.zoneFile(i, "race.example");
            UNSCOPED_INFO(c.id(i) << ": stamp " << c.stamp(i, "race.example") << ", file has "
                                  << (file.find("192.0.2.101") != std::string::npos ? "a" : "")
                                  << (file.find("192.0.2.102") != std::string::npos ? "b" : ""));
        }
    REQUIRE(converged);
    // The winner is the newest stamp, whichever node took it.
    std::string file = c.zoneFile(0, "race.example");
    CHECK((file.find("192.0.2.101") != std::string::npos) != (file.find("192.0.2.102") != std::string::npos));
    // Every node has its own node_id, so no stamps can tie.
    for (size_t i = 0; i < c.size(); ++i) CHECK(clusterOf(c.node(i))->getObject("statistics")->getArray("members_sharing_node_id")->size() == 0);
}

TEST_CASE("nodes that share a node_id are reported by the node that hears them", "[swim]") {
    SwimClusterOptions o;
    o.nodes = 3;
    o.sharedNodeId = true; // one identity on three nodes (a misconfiguration)
    SwimCluster c(o);
    c.startAll();
    // The others join through node 1 (their seed): it hears its own node_id from their addresses.
    std::set<std::string> others{"127.0.0.1:" + std::to_string(c.swimPort(1)), "127.0.0.1:" + std::to_string(c.swimPort(2))};
    auto sharing = [&] {
        std::set<std::string> out;
        auto list = clusterOf(c.node(0))->getObject("statistics")->getArray("members_sharing_node_id");
        for (size_t k = 0; k < list->size(); ++k) out.insert(list->getElement<std::string>(static_cast<unsigned>(k)));
        return out;
    };
    REQUIRE(eventually([&] { return sharing() == others; }, std::chrono::seconds(20)));
    CHECK(c.node(0).log().find("uses this node's node_id 'shared'") != std::string::npos);
    CHECK(c.node(0).log().find("give every node its own node_id") != std::string::npos);
    CHECK(clusterOf(c.node(0))->getValue<std::string>("node_id") == "shared");
}

TEST_CASE("a node with the wrong cluster key never joins and its packets are counted as forged", "[swim]") {
    SwimClusterOptions o;
    o.nodes = 2;
    SwimCluster c(o);
    size_t intruder = c.add("another-key-entirely-0123456789");
    c.startAll();
    REQUIRE(eventually([&] { return c.sees(0, {c.id(1)}, "alive") && c.sees(1, {c.id(0)}, "alive"); }, std::chrono::seconds(20)));
    REQUIRE(eventually([&] {
        return clusterOf(c.node(0))->getObject("statistics")->getObject("packets_dropped")->getValue<int>("forged") > 0;
    }));
    CHECK(c.node(0).metricSum("dadns_swim_packets_dropped_total{") > 0);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    CHECK(c.view(0).count(c.id(intruder)) == 0);
    CHECK(c.view(1).count(c.id(intruder)) == 0);
    REQUIRE(c.node(intruder).get("/api/v1/cluster").status == 200); // so an empty view means it knows nobody
    CHECK(c.view(intruder).empty());
    // A zone pushed to the cluster stays out of the intruder's backend.
    REQUIRE(c.node(0).call("PUT", "/api/v1/zones/secret.example", zoneText("secret.example", 1)).status == 201);
    REQUIRE(eventually([&] { return !c.zoneFile(1, "secret.example").empty(); }));
    CHECK(c.zoneFile(intruder, "secret.example").empty());
}

TEST_CASE("nodes without seeds find each other by broadcast", "[swim]") {
    SwimClusterOptions o;
    o.nodes = 3;
    o.broadcast = true;
    SwimCluster c(o);
    c.startAll();
    REQUIRE(eventually([&] { return allSeeAll(c); }, kClusterFormed));
    REQUIRE(c.node(1).call("PUT", "/api/v1/zones/bc.example", zoneText("bc.example", 3)).status == 201);
    REQUIRE(eventually([&] { return everywhere(c, "bc.example", "192.0.2.4"); }, std::chrono::seconds(10)));
}

TEST_CASE("replayed, stale and malformed packets are dropped and counted, and the node keeps answering", "[swim]") {
    SwimClusterOptions o;
    o.nodes = 1;
    SwimCluster c(o);
    c.startAll();
    dadns::swim::PacketAuth auth(o.clusterKey, std::chrono::seconds(30));
    Poco::Net::DatagramSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), false);
    socket.setReceiveTimeout(Poco::Timespan(1, 0));
    Poco::Net::SocketAddress node("127.0.0.1", static_cast<uint16_t>(c.swimPort(0)));
    auto ping = [&](uint32_t seq, int64_t at) { return auth.seal("prober", dadns::swim::encode(dadns::swim::Ping{seq, c.id(0)}), at); };
    auto acked = [&](uint32_t seq) {
        char buf[2048];
        Poco::Net::SocketAddress from;
        try {
            while (true) {
                int n = socket.receiveFrom(buf, sizeof buf, from);
                auto opened = auth.open(std::string(buf, static_cast<size_t>(n)), nowMs());
                if (opened.verdict != dadns::swim::Verdict::Ok) continue;
                for (auto& m : dadns::swim::decode(opened.payload))
                    if (auto* a = std::get_if<dadns::swim::Ack>(&m); a && a->seq == seq) return true;
            }
        } catch (const Poco::TimeoutException&) {
            return false;
        }
    };

    // A valid ping from someone with the key is answered (asked again while the node's socket
    // is still coming up).
    std::string first;
    uint32_t seq = 0;
    REQUIRE(eventually([&] {
        first = ping(++seq, nowMs());
        socket.sendTo(first.data(), static_cast<int>(first.size()), node);
        return acked(seq);
    }, std::chrono::seconds(20), std::chrono::milliseconds(0)));
    socket.sendTo(first.data(), static_cast<int>(first.size()), node);
    std::string stale = ping(++seq, nowMs() - 120'000);
    socket.sendTo(stale.data(), static_cast<int>(stale.size()), node);
    socket.sendTo("DS\x01garbage", 10, node);
    REQUIRE(eventually([&] { return dropped(c.node(0), "replayed") == 1 && dropped(c.node(0), "stale") == 1 && dropped(c.node(0), "malformed") == 1; }));
    CHECK_FALSE(acked(seq - 1));
    std::string next = ping(++seq, nowMs());
    socket.sendTo(next.data(), static_cast<int>(next.size()), node);
    CHECK(acked(seq));
}

TEST_CASE("node-to-node routes refuse calls without a valid cluster proof", "[swim]") {
    SwimClusterOptions o;
    o.nodes = 1;
    SwimCluster c(o);
    c.startAll();
    REQUIRE(c.node(0).call("PUT", "/api/v1/zones/private.example", zoneText("private.example", 1)).status == 201);
    HttpRequest req;
    req.path = "/api/v1/cluster/zones/private.example";
    auto anonymous = httpCall("127.0.0.1", c.node(0).port(), req);
    CHECK(anonymous.status == 401);
    CHECK(anonymous.body.find("private.example") == std::string::npos);
    // The operator's credentials are not the cluster key either.
    req.basicAuth = std::make_pair(std::string(Daemon::user), std::string(Daemon::password));
    CHECK(httpCall("127.0.0.1", c.node(0).port(), req).status == 401);
    req.headers["X-Dadns-Cluster"] = "node9 " + std::to_string(std::time(nullptr) * 1000) + " 42 00ff";
    auto forged = httpCall("127.0.0.1", c.node(0).port(), req);
    CHECK(forged.status == 401);
    CHECK(forged.body.find("forged") != std::string::npos);
    HttpRequest digest;
    digest.method = "POST";
    digest.path = "/api/v1/cluster/digest";
    digest.body = "{\"node\":\"x\",\"api_url\":\"http://127.0.0.1:1\",\"zones\":[]}";
    CHECK(httpCall("127.0.0.1", c.node(0).port(), digest).status == 401);
    // With the key, a body that is not a digest gets a clear 400.
    dadns::swim::PacketAuth auth(o.clusterKey, std::chrono::seconds(30));
    digest.body = "{\"node\":\"x\",\"api_url\":\"http://127.0.0.1:1\",\"zones\":[[1,2,3]]}";
    digest.headers["X-Dadns-Cluster"] = auth.httpProof("x", "POST", digest.path, digest.body, nowMs());
    auto refused = httpCall("127.0.0.1", c.node(0).port(), digest);
    CHECK(refused.status == 400);
    CHECK(refused.body.find("not a zone digest") != std::string::npos);
    // With the key, the zone comes back with the node's proof over the answer, bound to this request.
    req.headers["X-Dadns-Cluster"] = auth.httpProof("x", "GET", req.path, "", nowMs());
    auto answer = httpCall("127.0.0.1", c.node(0).port(), req);
    REQUIRE(answer.status == 200);
    CHECK(answer.body.find("private.example") != std::string::npos);
    std::string scope = dadns::swim::answerScope(200, req.headers["X-Dadns-Cluster"]);
    CHECK(auth.checkHttpProof(answer.headers["x-dadns-cluster"], scope, req.path, answer.body, nowMs(), nullptr) == dadns::swim::Verdict::Ok);
    CHECK(auth.checkHttpProof(answer.headers["x-dadns-cluster"], scope, req.path, answer.body + " ", nowMs(), nullptr) ==
          dadns::swim::Verdict::Forged);
    // The daemon keeps serving.
    CHECK(c.node(0).get("/api/v1/cluster").status == 200);
}
