// The shipped swim.so in-process on the SDK's fake host, not started (no sockets): how it
// describes itself, and its node-to-node routes answering a peer from the host's zones.
#include "PacketAuth.hpp"
#include "PeerClient.hpp"
#include "ZoneDigest.hpp"

#include "support/TestSupport.hpp"

#include <dadns/sdk/clock.hpp>
#include <dadns/sdk/testing.hpp>

#include <catch2/catch.hpp>

using namespace dadns::sdk;
using namespace dadns::sdk::testing;
using namespace dadns::swim;

namespace {

const std::string kKey = "a-cluster-key-of-some-length";

// An instance created on a host whose API is at http://127.0.0.1:9999.
LoadedService createSwim(FakeHost& host, const PluginLibrary& plugin) {
    host.setApiUrl("http://127.0.0.1:9999");
    host.setNodeId("n1"); // the node's identity names it in the cluster
    return plugin.createService("swim", "{\"cluster_key\":\"" + kKey + "\",\"bind_address\":\"127.0.0.1\"}");
}

struct SwimUnderTest {
    FakeHost host;
    PluginLibrary plugin{host, dadns::test::pluginDir() + "/swim.so"};
    LoadedService service = createSwim(host, plugin);
};

// A call from peer "p1", carrying the cluster proof a peer sends.
HttpCall fromPeer(PacketAuth& peer, const std::string& method, const std::string& path, const std::string& body = "") {
    HttpCall call = HttpCall::make(method, path, body);
    call.header(kProofHeader, peer.httpProof("p1", method, path, body, wallClockMs()));
    return call;
}

} // namespace

TEST_CASE("swim in-process: describe and the cluster status name the node and the host's API URL", "[swim]") {
    SwimUnderTest s;
    CHECK(s.service.describe() == "{\"node_id\":\"n1\",\"alive_members\":1}");
    auto status = s.host.call(HttpCall::make("GET", "/api/v1/cluster"));
    CHECK(status.status == 200);
    CHECK(status.body.find("\"node_id\":\"n1\"") != std::string::npos);
    CHECK(status.body.find("\"api_url\":\"http://127.0.0.1:9999\"") != std::string::npos);
    CHECK(s.host.routes().size() == 4);
}

TEST_CASE("swim in-process: a peer pulls a zone from the host's store, with a signed answer", "[swim]") {
    SwimUnderTest s;
    PacketAuth peer(kKey, std::chrono::seconds(30));
    Host host = s.host.context("rest").host;
    host.submitZoneText("example.com", "$ORIGIN example.com.\nexample.com. 300 IN NS ns1.example.com.\n", Origin{"rest", "", "", ""});

    const std::string path = "/api/v1/cluster/zones/example.com";
    HttpCall pull = fromPeer(peer, "GET", path);
    auto reply = s.host.call(pull);
    CHECK(reply.status == 200);
    CHECK(reply.body.find("\"stamp\":\"" + s.host.zone("example.com")->stamp + "\"") != std::string::npos);
    CHECK(reply.body.find("IN NS ns1.example.com.") != std::string::npos);
    std::string sender;
    CHECK(peer.checkHttpProof(reply.header(kProofHeader), answerScope(200, pull.headers[0].second), path, reply.body, wallClockMs(), &sender) ==
          Verdict::Ok);
    CHECK(sender == "n1");

    CHECK(s.host.call(fromPeer(peer, "GET", "/api/v1/cluster/zones/absent.example")).status == 404);
    s.host.failNext(HostCall::ReadZone, DADNS_ERR_RETRYABLE, "store busy");
    CHECK(s.host.call(fromPeer(peer, "GET", path)).status == 503); // never 404: the peer would take it for gone
    auto forged = s.host.call(HttpCall::make("GET", path).header(kProofHeader, "nonsense"));
    CHECK(forged.status == 401);
    CHECK(s.host.counter("dadns_swim_http_refused_total") == 1);
}

TEST_CASE("swim in-process: a peer's digest is answered with the zones the host lists", "[swim]") {
    SwimUnderTest s;
    PacketAuth peer(kKey, std::chrono::seconds(30));
    Host host = s.host.context("rest").host;
    host.submitZoneText("example.com", "x", Origin{});
    DigestMessage ask{"p1", "http://127.0.0.1:1", "p1", bucketHashes({}, 1), false, {}};
    auto reply = s.host.call(fromPeer(peer, "POST", "/api/v1/cluster/digest", encodeDigest(ask)));
    REQUIRE(reply.status == 200);
    DigestMessage answer = decodeDigest(reply.body);
    CHECK(answer.node == "n1");
    CHECK(answer.stampNode == "n1"); // the host's node id: one identity
    CHECK(answer.zones == std::vector<DigestEntry>{DigestEntry{"example.com", s.host.zone("example.com")->stamp, false}});
}
