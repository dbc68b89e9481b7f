// What named serves for a zone, read back by a zone transfer (AXFR over TCP, RFC 5936): the
// bind backend's servedRecords, so the daemon verifies named's answers, not dadns's files.
//
// Needs named to allow transfers to this host (allow-transfer), or to the key the transfers are
// signed with (TSIG, RFC 8945: every answer's signature is then checked); a refused transfer
// reads as "not served".
#pragma once

#include "RndcConfig.hpp"
#include "ServerAddress.hpp"

#include <dadns/sdk/types.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace dadns::bind {

class NamedAxfr {
public:
    // timeout bounds connecting and each wait for named's next message; with a key, queries are
    // signed with it and answers must be (every message: named signs each). Throws
    // std::invalid_argument for a key whose algorithm cannot sign here (hmac-sha224, -sha384).
    NamedAxfr(ServerAddress server, std::chrono::milliseconds timeout, std::optional<RndcKey> key = std::nullopt);

    // The zone's records in transfer order without the closing SOA; nullopt when named does not
    // serve the zone (REFUSED, NOTAUTH, NOTIMP, SERVFAIL for a zone that did not load, or an
    // answer without the zone's SOA), and then *why says how named answered.
    // Throws sdk::RetryableError when named cannot be reached, does not answer in time, the
    // transfer breaks off, or (with a key) named refuses the key (BADKEY, BADSIG, BADTIME) or an
    // answer's signature is missing or wrong.
    std::optional<std::vector<sdk::Record>> transfer(const std::string& zone, std::string* why = nullptr) const;

    const ServerAddress& server() const { return server_; }

private:
    ServerAddress server_;
    std::chrono::milliseconds timeout_;
    // The key as ldns's TSIG functions take it: the name, the algorithm's domain name and the
    // secret in base64; empty name: no TSIG.
    std::string keyName_, keyAlgorithm_, keySecret_;
};

} // namespace dadns::bind
