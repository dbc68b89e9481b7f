// The swim plugin's pieces that need no network: the wire format, packet and HTTP
// authentication, SWIM membership rules (suspicion, refutation, Lifeguard timeouts,
// dissemination limits), and its settings.
#include "GossipQueue.hpp"
#include "Membership.hpp"
#include "PacketAuth.hpp"
#include "SwimSettings.hpp"
#include "Wire.hpp"

#include <dadns/sdk/types.hpp>

#include <catch2/catch.hpp>

using namespace dadns::swim;

namespace {

const std::string kKey = "unit-test-cluster-key";

MemberUpdate alive(const std::string& id, uint32_t inc = 0) { return MemberUpdate{MemberState::Alive, inc, id, "127.0.0.1", 9000, "http://127.0.0.1:1", id}; }
MemberUpdate claim(MemberState s, const std::string& id, uint32_t inc, const std::string& from) {
    return MemberUpdate{s, inc, id, "127.0.0.1", 9000, "", from};
}

MembershipTiming timing() {
    MembershipTiming t;
    t.probeIntervalMs = 1000;
    t.suspicionMult = 4;
    t.suspicionMaxMult = 6;
    t.expectedConfirmations = 3;
    t.retransmitMult = 4;
    return t;
}

// The claims a membership has queued for gossip, decoded.
std::vector<MemberUpdate> queuedClaims(Membership& m) {
    std::vector<MemberUpdate> out;
    for (const auto& bytes : m.takeGossip(1 << 20))
        for (auto& msg : decode(bytes))
            if (auto* c = std::get_if<MemberUpdate>(&msg)) out.push_back(*c);
    return out;
}

} // namespace

TEST_CASE("every message survives encoding and decoding, several to a packet", "[swim]") {
    std::string payload = encode(Ping{7, "node2"}) + encode(Ack{7}) + encode(PingReq{9, "node3", "10.0.0.3", 8890}) +
                          encode(MemberUpdate{MemberState::Suspect, 4, "node4", "10.0.0.4", 8891, "http://10.0.0.4:2222", "node1"}) +
                          encode(ZoneUpdate{"example.com", "1763900000000.0001@node1"}) + encode(SyncMarker{true});
    auto messages = decode(payload);
    REQUIRE(messages.size() == 6);
    CHECK(std::get<Ping>(messages[0]).target == "node2");
    CHECK(std::get<Ack>(messages[1]).seq == 7);
    CHECK(std::get<PingReq>(messages[2]).port == 8890);
    const auto& m = std::get<MemberUpdate>(messages[3]);
    CHECK((m.state == MemberState::Suspect && m.incarnation == 4 && m.id == "node4" && m.apiUrl == "http://10.0.0.4:2222" && m.from == "node1"));
    CHECK(std::get<ZoneUpdate>(messages[4]).stamp == "1763900000000.0001@node1");
    CHECK(std::get<SyncMarker>(messages[5]).wantReply);
}

TEST_CASE("malformed payloads are refused and unknown message types skipped", "[swim]") {
    std::string ping = encode(Ping{1, "node2"});
    CHECK_THROWS_AS(decode(ping.substr(0, ping.size() - 1)), WireError);
    CHECK_THROWS_AS(decode(std::string("\x04\x00\x02\x09\x00", 5)), WireError); // member state 9
    std::string unknown = std::string("\x63\x00\x02zz", 5);
    CHECK(decode(unknown + ping).size() == 1);
    CHECK_THROWS_AS(encode(ZoneUpdate{std::string(300, 'a'), "x"}), WireError);
    // Claims must carry an address that can be sent to.
    CHECK_THROWS_AS(decode(encode(MemberUpdate{MemberState::Alive, 0, "n2", "../x", 8890, "", "n2"})), WireError);
    CHECK_THROWS_AS(decode(encode(MemberUpdate{MemberState::Alive, 0, "n2", "10.0.0.2", 0, "", "n2"})), WireError);
    CHECK_THROWS_AS(decode(encode(PingReq{1, "n2", "", 8890})), WireError);
}

TEST_CASE("sealed packets open only with the key, once, and while fresh", "[swim]") {
    PacketAuth auth(kKey, std::chrono::seconds(30));
    const int64_t now = 1'763'900'000'000;
    std::string packet = auth.seal("node1", encode(Ack{3}), now);
    CHECK(packet.size() <= kMaxSealOverhead + encode(Ack{3}).size());

    auto opened = auth.open(packet, now + 10);
    REQUIRE(opened.verdict == Verdict::Ok);
    CHECK(opened.sender == "node1");
    CHECK(std::get<Ack>(decode(opened.payload)[0]).seq == 3);
    CHECK(auth.open(packet, now + 20).verdict == Verdict::Replayed);

    std::string tampered = auth.seal("node1", encode(Ack{4}), now);
    tampered[tampered.size() - 40] ^= 1;
    CHECK(auth.open(tampered, now).verdict == Verdict::Forged);
    PacketAuth other("some-other-cluster-key", std::chrono::seconds(30));
    CHECK(other.open(auth.seal("node1", "", now), now).verdict == Verdict::Forged);
    CHECK(auth.open(auth.seal("node1", "", now - 31'000), now).verdict == Verdict::Stale);
    CHECK(auth.open(auth.seal("node1", "", now + 31'000), now).verdict == Verdict::Stale);
    CHECK(auth.open("DS", now).verdict == Verdict::Malformed);
    CHECK(auth.open(std::string(60, '\0'), now).verdict == Verdict::Malformed);
}

TEST_CASE("HTTP proofs bind sender, method, path and body", "[swim]") {
    PacketAuth auth(kKey, std::chrono::seconds(30));
    const int64_t now = 1'763'900'000'000;
    std::string proof = auth.httpProof("node2", "GET", "/api/v1/cluster/zones/a.example", "", now);
    std::string sender;
    CHECK(auth.checkHttpProof(proof, "GET", "/api/v1/cluster/zones/b.example", "", now, &sender) == Verdict::Forged);
    CHECK(auth.checkHttpProof(proof, "GET", "/api/v1/cluster/zones/a.example", "", now, &sender) == Verdict::Ok);
    CHECK(sender == "node2");
    CHECK(auth.checkHttpProof(proof, "GET", "/api/v1/cluster/zones/a.example", "", now, &sender) == Verdict::Replayed);
    std::string posted = auth.httpProof("node2", "POST", "/api/v1/cluster/digest", "{}", now);
    CHECK(auth.checkHttpProof(posted, "POST", "/api/v1/cluster/digest", "{\"x\":1}", now, nullptr) == Verdict::Forged);
    CHECK(auth.checkHttpProof("", "GET", "/", "", now, nullptr) == Verdict::Malformed);
    CHECK(auth.checkHttpProof("node2 abc 1 00", "GET", "/", "", now, nullptr) == Verdict::Malformed);
}

TEST_CASE("a suspicion about this node is refuted with a higher incarnation", "[swim]") {
    Membership m(alive("self"), timing());
    queuedClaims(m);
    m.apply(claim(MemberState::Suspect, "self", 0, "node2"), 1000);
    CHECK(m.self().incarnation == 1);
    auto claims = queuedClaims(m);
    REQUIRE(claims.size() == 1);
    CHECK((claims[0].id == "self" && claims[0].state == MemberState::Alive && claims[0].incarnation == 1));
    // A restarted node learns it was declared failed at incarnation 5 and comes back above it.
    m.apply(claim(MemberState::Dead, "self", 5, "node2"), 2000);
    CHECK(m.self().incarnation == 6);
    // Stale news about an earlier incarnation needs no answer.
    m.apply(claim(MemberState::Suspect, "self", 2, "node3"), 3000);
    CHECK(m.self().incarnation == 6);
}

TEST_CASE("incarnation numbers decide which claim about a member wins", "[swim]") {
    Membership m(alive("self"), timing());
    auto t = m.apply(alive("node2", 3), 0);
    REQUIRE(t.size() == 1);
    CHECK(t[0].isNew);
    m.apply(claim(MemberState::Suspect, "node2", 2, "node3"), 10); // older: ignored
    CHECK(m.find("node2")->state == MemberState::Alive);
    m.apply(claim(MemberState::Suspect, "node2", 3, "node3"), 20);
    CHECK(m.find("node2")->state == MemberState::Suspect);
    m.apply(alive("node2", 3), 30); // same incarnation does not clear a suspicion
    CHECK(m.find("node2")->state == MemberState::Suspect);
    m.apply(alive("node2", 4), 40); // the member's refutation does
    CHECK(m.find("node2")->state == MemberState::Alive);
    m.apply(claim(MemberState::Dead, "node2", 4, "node3"), 50);
    CHECK(m.find("node2")->state == MemberState::Dead);
    m.apply(claim(MemberState::Suspect, "node2", 9, "node3"), 60); // gone stays gone
    CHECK(m.find("node2")->state == MemberState::Dead);
    m.apply(alive("node2", 4), 70);
    CHECK(m.find("node2")->state == MemberState::Dead);
    m.apply(alive("node2", 5), 80); // back with a higher incarnation
    CHECK(m.find("node2")->state == MemberState::Alive);
    // Unknown nodes are not learnt from news of their end.
    m.apply(claim(MemberState::Dead, "node7", 0, "node3"), 90);
    CHECK(m.find("node7") == nullptr);
}

TEST_CASE("suspicion timeouts follow Lifeguard: long alone, shorter with confirmations", "[swim]") {
    Membership m(alive("self"), timing());
    for (int i = 2; i <= 5; ++i) m.apply(alive("node" + std::to_string(i)), 0);
    // 5 members: minimum 4 x max(1, log10 5) x 1 s = 4 s, maximum 6 x that.
    CHECK(m.suspicionTimeoutMs(0) == 24000);
    CHECK(m.suspicionTimeoutMs(3) == 4000);
    CHECK(m.suspicionTimeoutMs(1) < 24000);
    CHECK(m.suspicionTimeoutMs(1) > m.suspicionTimeoutMs(2));

    m.suspect("node2", 1000);
    CHECK(m.expireSuspicions(1000 + 23999).empty());
    auto failed = m.expireSuspicions(1000 + 24000);
    REQUIRE(failed.size() == 1);
    CHECK((failed[0].id == "node2" && failed[0].to == MemberState::Dead));

    m.suspect("node3", 50000);
    for (const char* from : {"node4", "node5", "nodeX"}) m.apply(claim(MemberState::Suspect, "node3", 0, from), 50100);
    CHECK(m.expireSuspicions(50000 + 3999).empty());
    CHECK(m.expireSuspicions(50000 + 4000).size() == 1);
}

TEST_CASE("updates are retransmitted a limited number of times that grows with log n", "[swim]") {
    Membership m(alive("self"), timing());
    CHECK(m.retransmitLimit() == 4); // n = 1: 4 x ceil(log10 2)
    for (int i = 2; i <= 25; ++i) m.apply(alive("node" + std::to_string(i)), 0);
    CHECK(m.retransmitLimit() == 8); // n = 25: 4 x ceil(log10 26)
    queuedClaims(m);
    m.queueZone(ZoneUpdate{"z.example", "1.0001@self"});
    int sent = 0;
    while (!m.takeGossip(1400).empty()) ++sent;
    CHECK(sent == 8);

    GossipQueue q;
    q.push("a", std::string(600, 'a'));
    q.push("b", std::string(600, 'b'));
    q.push("c", std::string(600, 'c'));
    size_t bytes = 0;
    for (const auto& g : q.take(1300, 3)) bytes += g.size();
    CHECK(bytes == 1200); // what fits; the rest waits
    q.push("a", "newer a");
    auto next = q.take(1300, 3);
    CHECK(std::find(next.begin(), next.end(), "newer a") != next.end());
}

TEST_CASE("probes go round-robin over live members, and members stay once each", "[swim]") {
    Membership m(alive("self"), timing());
    for (int i = 2; i <= 4; ++i) m.apply(alive("node" + std::to_string(i)), 0);
    m.apply(claim(MemberState::Left, "node4", 0, "node4"), 0);
    std::map<std::string, int> probed;
    for (int i = 0; i < 6; ++i) probed[m.nextProbeTarget()->id]++;
    CHECK(probed == std::map<std::string, int>{{"node2", 3}, {"node3", 3}});
    CHECK(m.randomPeers(10, "node2", false).size() == 1);
    CHECK(m.count(MemberState::Alive) == 3);
    CHECK(m.count(MemberState::Left) == 1);
    m.reap(1000, 5000);
    CHECK(m.find("node4") != nullptr);
    m.reap(6000, 5000); // left longer than the retention: forgotten
    CHECK(m.find("node4") == nullptr);
    CHECK(m.find("node2") != nullptr);
}

TEST_CASE("swim settings name the bad key", "[swim]") {
    using dadns::sdk::PermanentError;
    CHECK_THROWS_WITH(readSwimSettings("{}", "n1"), Catch::Contains("swim: cluster_key: is required"));
    const std::string key = "\"cluster_key\":\"0123456789abcdef\"";
    auto s = readSwimSettings("{" + key + ",\"node_id\":\"n1\",\"seeds\":[\"10.0.0.1\",\"10.0.0.2:9999\"],\"broadcast\":\"10.0.0.255\"}", "n1");
    CHECK(s.nodeId == "n1");
    REQUIRE(s.seeds.size() == 2);
    CHECK((s.seeds[0].port == 8890 && s.seeds[1].port == 9999));
    CHECK((s.broadcast && s.broadcastAddress == "10.0.0.255"));
    // The node has one identity: the host's node_id names it in the cluster.
    CHECK(readSwimSettings("{" + key + "}", "dns2").nodeId == "dns2");
    CHECK_THROWS_WITH(readSwimSettings("{" + key + ",\"node_id\":\"n2\"}", "n1"), Catch::Contains("'n2' is not this node's node_id 'n1'"));
    CHECK_THROWS_WITH(readSwimSettings("{" + key + ",\"node_id\":\"../x\"}", "n1"), Catch::Contains("node_id"));
    CHECK_THROWS_WITH(readSwimSettings("{" + key + "}", "a b"), Catch::Contains("the node's node_id (top level)"));
    CHECK_THROWS_WITH(readSwimSettings("{" + key + ",\"swim_port\":70000}", "n1"), Catch::Contains("swim_port"));
    CHECK_THROWS_WITH(readSwimSettings("{" + key + ",\"probe_interval\":\"100ms\",\"probe_timeout\":\"200ms\"}", "n1"), Catch::Contains("probe_timeout"));
    CHECK_THROWS_WITH(readSwimSettings("{" + key + ",\"seeds\":[\"10.0.0.1:0\"]}", "n1"), Catch::Contains("seed"));
    CHECK_THROWS_WITH(readSwimSettings("{" + key + ",\"bind_address\":\"not-an-ip\"}", "n1"), Catch::Contains("bind_address"));
    CHECK_THROWS_WITH(readSwimSettings("{" + key + ",\"broadcast\":5}", "n1"), Catch::Contains("broadcast"));
    CHECK_THROWS_WITH(readSwimSettings("{" + key + ",\"probe_intervall\":\"1s\"}", "n1", "cluster"), Catch::Contains("cluster: probe_intervall: unknown setting (did you mean 'probe_interval'?)"));
}
