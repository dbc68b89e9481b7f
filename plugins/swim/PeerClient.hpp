// HTTP calls to another node's API, carrying the cluster-key proof (X-Dadns-Cluster) that the
// peer's cluster routes check instead of the operator's credentials.
#pragma once

#include "PacketAuth.hpp"

#include <chrono>
#include <string>

namespace dadns::swim {

constexpr const char* kProofHeader = "X-Dadns-Cluster";

struct PeerReply {
    int status = 0;
    std::string body;
};

class PeerClient {
public:
    PeerClient(PacketAuth& auth, std::string selfId, std::chrono::milliseconds timeout)
        : auth_(auth), selfId_(std::move(selfId)), timeout_(timeout) {}
    // Throws sdk::RetryableError when the peer cannot be reached.
    PeerReply call(const std::string& apiUrl, const std::string& method, const std::string& path, const std::string& body = "") const;

private:
    PacketAuth& auth_;
    std::string selfId_;
    std::chrono::milliseconds timeout_;
};

} // namespace dadns::swim
