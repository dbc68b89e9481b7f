// What named serves for a zone, read back by a zone transfer (AXFR over TCP, RFC 5936): the
// bind backend's servedRecords, so the daemon verifies named's answers, not dadns's files.
//
// Needs named to allow transfers to this host (allow-transfer); a refused transfer reads as
// "not served".
#pragma once

#include "ServerAddress.hpp"

#include <dadns/sdk/types.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace dadns::bind {

class NamedAxfr {
public:
    // timeout bounds connecting and each wait for named's next message.
    NamedAxfr(ServerAddress server, std::chrono::milliseconds timeout) : server_(std::move(server)), timeout_(timeout) {}

    // The zone's records in transfer order without the closing SOA; nullopt when named does not
    // serve the zone (REFUSED, NOTAUTH, NOTIMP, SERVFAIL for a zone that did not load, or an
    // answer without the zone's SOA), and then *why says how named answered.
    // Throws sdk::RetryableError when named cannot be reached, does not answer in time, or the
    // transfer breaks off.
    std::optional<std::vector<sdk::Record>> transfer(const std::string& zone, std::string* why = nullptr) const;

    const ServerAddress& server() const { return server_; }

private:
    ServerAddress server_;
    std::chrono::milliseconds timeout_;
};

} // namespace dadns::bind
