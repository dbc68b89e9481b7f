// A node takes a peer's answer only when it carries a proof with the cluster key bound to the
// request it answers: an impostor on the peer's address (no proof, another key, or an answer
// recorded for an earlier request) is refused. The peer here is a loopback HTTP server that
// answers as a node would, with or without a valid proof.
#include "PacketAuth.hpp"
#include "PeerClient.hpp"

#include <dadns/sdk/clock.hpp>
#include <dadns/sdk/types.hpp>

#include <catch2/catch.hpp>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <mutex>

using namespace dadns::swim;

namespace {

const std::string kKey = "unit-test-cluster-key";

// How the fake peer signs its answers.
struct PeerBehaviour {
    std::mutex mutex;
    std::string signingKey = kKey; // empty: no proof at all
    bool replayFirstProof = false; // answer every request with the proof of the first one
    std::string firstProof;
};

class Answer : public Poco::Net::HTTPRequestHandler {
public:
    explicit Answer(PeerBehaviour& b) : b_(b) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        std::string ignored;
        Poco::StreamCopier::copyToString(req.stream(), ignored);
        std::string body = R"({"name":"a.example"})";
        std::lock_guard<std::mutex> lock(b_.mutex);
        if (!b_.signingKey.empty()) {
            PacketAuth auth(b_.signingKey, std::chrono::seconds(30));
            std::string answered = req.get(kProofHeader, "");
            if (b_.firstProof.empty()) b_.firstProof = answered;
            if (b_.replayFirstProof) answered = b_.firstProof;
            resp.set(kProofHeader, auth.httpProof("peer", answerScope(200, answered), req.getURI(), body, dadns::sdk::wallClockMs()));
        }
        resp.setContentType("application/json");
        resp.sendBuffer(body.data(), body.size());
    }

private:
    PeerBehaviour& b_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(PeerBehaviour& b) : b_(b) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Answer(b_); }

private:
    PeerBehaviour& b_;
};

} // namespace

TEST_CASE("a peer's answer is taken only with a valid proof bound to the request", "[swim]") {
    PeerBehaviour behaviour;
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    Poco::Net::HTTPServer server(new Factory(behaviour), socket, new Poco::Net::HTTPServerParams);
    server.start();
    std::string url = "http://127.0.0.1:" + std::to_string(socket.address().port());
    PacketAuth auth(kKey, std::chrono::seconds(30));
    PeerClient client(auth, "self", std::chrono::seconds(5));

    PeerReply ok = client.call(url, "GET", "/api/v1/cluster/zones/a.example");
    CHECK(ok.status == 200);
    CHECK(ok.body == R"({"name":"a.example"})");

    auto refusal = [&](const std::string& why) {
        try {
            client.call(url, "GET", "/api/v1/cluster/zones/a.example");
            FAIL("answer taken");
        } catch (const dadns::sdk::RetryableError& e) {
            CHECK(std::string(e.what()).find("answer refused, its cluster proof is " + why) != std::string::npos);
        }
    };
    {
        std::lock_guard<std::mutex> lock(behaviour.mutex);
        behaviour.replayFirstProof = true; // signed with the key, but for the first request
    }
    refusal("forged");
    {
        std::lock_guard<std::mutex> lock(behaviour.mutex);
        behaviour.signingKey = "another-key-entirely-0123";
        behaviour.replayFirstProof = false;
    }
    refusal("forged");
    {
        std::lock_guard<std::mutex> lock(behaviour.mutex);
        behaviour.signingKey.clear();
    }
    refusal("malformed");
    server.stop();
}
