// A real PowerDNS Authoritative server on 127.0.0.1 (tests/servers/pdns.sh): gsqlite3, API on.
#pragma once

#include "support/TestSupport.hpp"

#include <set>
#include <string>
#include <vector>

namespace dadns::test {

class PdnsServer {
public:
    explicit PdnsServer(std::string apiKey = "test-api-key");
    ~PdnsServer();

    // Seconds its packet and query caches keep answers (cache-ttl, query-cache-ttl,
    // negquery-cache-ttl); 0, the default, turns them off. Takes effect at the next start.
    void setCacheTtl(int seconds) { cacheTtl_ = seconds; }
    // Starts (again, on the same ports and database, after stop).
    void start();
    void stop();

    int dnsPort() const { return dnsPort_; }
    int pid() const;
    std::string apiUrl() const { return "http://127.0.0.1:" + std::to_string(apiPort_) + "/api/v1"; }
    const std::string& apiKey() const { return apiKey_; }

    // dig +short answers, sorted; and the zone by AXFR.
    std::vector<std::string> query(const std::string& name, const std::string& type) const;
    std::set<std::string> transfer(const std::string& zone) const;
    // A call to the server's API, path under /api/v1/servers/localhost.
    HttpResponse api(const std::string& method, const std::string& path, const std::string& body = "") const;

private:
    TempDir dir_;
    int dnsPort_, apiPort_;
    std::string apiKey_;
    int cacheTtl_ = 0;
    bool running_ = false;
};

} // namespace dadns::test
