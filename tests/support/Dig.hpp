// DNS queries with dig against a server on 127.0.0.1, for tests of any authoritative server.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace dadns::test {

// dig +short answers, sorted.
std::vector<std::string> digShort(int port, const std::string& name, const std::string& type);
// Every record of the zone by AXFR, as "owner ttl IN TYPE rdata" with single spaces.
std::set<std::string> digTransfer(int port, const std::string& zone);

} // namespace dadns::test
