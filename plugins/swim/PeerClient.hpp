// HTTP calls to another node's API, carrying the cluster-key proof (X-Dadns-Cluster) that the
// peer's cluster routes check instead of the operator's credentials. The peer's answer carries a
// proof too, bound to its status and to the request's proof, so nobody on the path can alter a
// zone on its way or replay an old answer.
#pragma once

#include "PacketAuth.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace dadns::swim {

constexpr const char* kProofHeader = "X-Dadns-Cluster";

// What an answer's proof covers besides path and body (in place of a request's method).
inline std::string answerScope(int status, std::string_view requestProof) {
    return "answer " + std::to_string(status) + " " + std::string(requestProof);
}

struct PeerReply {
    int status = 0;
    std::string body;
};

class PeerClient {
public:
    PeerClient(PacketAuth& auth, std::string selfId, std::chrono::milliseconds timeout)
        : auth_(auth), selfId_(std::move(selfId)), timeout_(timeout) {}
    // Throws sdk::RetryableError when the peer cannot be reached or its answer (other than a 401
    // refusing our proof) does not carry a valid proof.
    PeerReply call(const std::string& apiUrl, const std::string& method, const std::string& path, const std::string& body = "") const;

private:
    PacketAuth& auth_;
    std::string selfId_;
    std::chrono::milliseconds timeout_;
};

} // namespace dadns::swim
