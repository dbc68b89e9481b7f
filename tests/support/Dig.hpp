// DNS queries with dig against a server on 127.0.0.1, for tests of any authoritative server.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace dadns::test {

// dig +short answers, sorted.
std::vector<std::string> digShort(int port, const std::string& name, const std::string& type);
// Every record of the zone by AXFR, as "owner ttl IN TYPE rdata" with single spaces; signed with
// the TSIG key tsig ("hmac-sha256:name:base64secret", dig's -y) unless it is empty. Empty when
// the server refuses the transfer. The transfer's own TSIG records are not zone records: left out.
std::set<std::string> digTransfer(int port, const std::string& zone, const std::string& tsig = "");

} // namespace dadns::test
