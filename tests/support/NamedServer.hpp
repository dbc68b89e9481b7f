// A real named on 127.0.0.1 (tests/servers/named.sh) and dig queries against it.
#pragma once

#include "support/TestSupport.hpp"

#include <set>
#include <string>
#include <vector>

namespace dadns::test {

class NamedServer {
public:
    NamedServer();
    ~NamedServer();

    void start();
    void stop();

    int port() const { return port_; }
    const std::string& dir() const { return dir_.path(); }
    // The include file named reads and dadns's bind backend writes.
    std::string includeFile() const { return dir_.file("dadns.zones.conf"); }
    std::string rndcCommand() const { return "rndc -c " + dir_.file("rndc.conf"); }

    // dig +short answers, sorted.
    std::vector<std::string> query(const std::string& name, const std::string& type) const;
    // Every record of the zone by AXFR, as "owner ttl IN TYPE rdata" with single spaces.
    std::set<std::string> transfer(const std::string& zone) const;
    // Whether named answers the zone's SOA authoritatively (the aa flag).
    bool authoritative(const std::string& zone) const;
    // "number of zones" from rndc status, or -1.
    int zoneCount() const;

private:
    TempDir dir_;
    int port_;
    int controlPort_;
    bool running_ = false;
};

} // namespace dadns::test
