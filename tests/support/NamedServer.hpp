// A real named on 127.0.0.1 (tests/servers/named.sh) and dig queries against it.
#pragma once

#include "support/TestSupport.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dadns::test {

class NamedServer {
public:
    NamedServer();
    ~NamedServer();

    // Before start(): statements for named.conf's options block in place of the default
    // "notify no;", and statements added to named.conf (tests/servers/named.sh's OPTIONS and
    // CONFIG), e.g. to make it a primary that notifies, or a secondary.
    void setOptions(std::string statements) { options_ = std::move(statements); }
    void setExtraConfig(std::string statements) { extraConfig_ = std::move(statements); }

    // start() after stop() is a restart on the same ports with the same rndc key.
    void start();
    void stop();

    int port() const { return port_; }
    int controlPort() const { return controlPort_; }
    const std::string& dir() const { return dir_.path(); }
    // The include file named reads and dadns's bind backend writes.
    std::string includeFile() const { return dir_.file("dadns.zones.conf"); }
    std::string rndcConfFile() const { return dir_.file("rndc.conf"); }
    std::string rndcCommand() const { return "rndc -c " + rndcConfFile(); }
    std::string logFile() const { return dir_.file("named.log"); }

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
    std::string options_;
    std::string extraConfig_;
};

} // namespace dadns::test
