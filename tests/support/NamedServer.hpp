// A real named on 127.0.0.1 (tests/servers/named.sh) and dig queries against it.
#pragma once

#include "support/TestSupport.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dadns::test {

// A TSIG key, for named.conf (NamedServer::addKey) and for dig.
struct TsigKey {
    std::string name;
    std::string algorithm = "hmac-sha256";
    std::string secret; // base64

    // A key with 32 random bytes of secret.
    static TsigKey random(const std::string& name);
    // key "name" { algorithm hmac-sha256; secret "..."; };
    std::string statement() const;
    // "hmac-sha256:name:secret", dig's -y.
    std::string digArgument() const;
};

class NamedServer {
public:
    NamedServer();
    ~NamedServer();

    // Before start(): statements for named.conf's options block in place of the default
    // "notify no;", and statements added to named.conf (tests/servers/named.sh's OPTIONS and
    // CONFIG), e.g. to make it a primary that notifies, or a secondary. An allow-transfer
    // statement in the options replaces the default "allow-transfer { 127.0.0.1; };".
    void setOptions(std::string statements) { options_ = std::move(statements); }
    void setExtraConfig(std::string statements) { extraConfig_ = std::move(statements); }
    // Before start(): a TSIG key named.conf defines (before the extra config), for options and
    // zones that name it (allow-transfer { key "name"; }; primaries { ... key "name"; };).
    void addKey(const TsigKey& key) { keys_.push_back(key); }
    // Before start(): how long start() waits for rndc to answer (default 10 s); a named with
    // very many zones takes longer.
    void setStartWaitSeconds(int seconds) { startWaitSeconds_ = seconds; }

    // start() after stop() is a restart on the same ports with the same rndc key.
    void start();
    void stop();

    int port() const { return port_; }
    int controlPort() const { return controlPort_; }
    const std::string& dir() const { return dir_.path(); }
    // The include file named reads and dadns's bind backend writes.
    std::string includeFile() const { return dir_.file("dadns.zones.conf"); }
    // The rndc.conf for named's control channel (server, port, key), as rndc -c reads it.
    std::string rndcConf() const { return dir_.file("rndc.conf"); }
    std::string rndcCommand() const { return "rndc -c " + rndcConf(); }
    // named's process id (from its pid file), or -1 when it is not running.
    int pid() const;
    std::string logFile() const { return dir_.file("named.log"); }
    // named's log so far ("" before it wrote one).
    std::string log() const;

    // Runs rndc with these arguments against this named, e.g. {"reload", "example.com"} or
    // {"trace", "3"} (the log then has debug messages up to that level).
    CommandResult rndc(const std::vector<std::string>& args) const;

    // dig +short answers, sorted.
    std::vector<std::string> query(const std::string& name, const std::string& type) const;
    // Every record of the zone by AXFR, as "owner ttl IN TYPE rdata" with single spaces.
    std::set<std::string> transfer(const std::string& zone) const;
    // The same, signed with key (empty when named refuses the transfer).
    std::set<std::string> transfer(const std::string& zone, const TsigKey& key) const;
    // The answer's status ("NOERROR", "REFUSED", "SERVFAIL", ..., "(no answer)") and aa flag.
    struct Reply {
        std::string status;
        bool authoritative = false;
    };
    Reply reply(const std::string& name, const std::string& type) const;
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
    std::vector<TsigKey> keys_;
    int startWaitSeconds_ = 0; // 0: named.sh's default
};

} // namespace dadns::test
