// Polls a name server on 127.0.0.1 in process (one UDP query with ldns, no dig started), so a
// benchmark's poll adds well under a millisecond to what it measures.
#pragma once

#include <string>

struct ldns_struct_resolver;

namespace dadns::test {

class DnsPoller {
public:
    explicit DnsPoller(int port);
    ~DnsPoller();
    DnsPoller(const DnsPoller&) = delete;
    DnsPoller& operator=(const DnsPoller&) = delete;

    // Whether the server answers name's A query with exactly ip.
    bool answersA(const std::string& name, const std::string& ip);
    // Whether the server answers zone's SOA with NOERROR, the aa flag and an answer.
    bool authoritative(const std::string& zone);

private:
    ldns_struct_resolver* res_;
};

} // namespace dadns::test
