#include "support/DnsPoller.hpp"

#include <ldns/ldns.h>

#include <cstdlib>

namespace dadns::test {

namespace {
// One query; null when there was no answer. ldns marks a name server that did not answer as
// unreachable for good (and then sends nothing), so that verdict is reset first: a server
// stalled for a moment (named reconfiguring) is back a moment later.
ldns_pkt* query(ldns_resolver* res, const std::string& name, ldns_rr_type type) {
    ldns_resolver_set_nameserver_rtt(res, 0, LDNS_RESOLV_RTT_MIN);
    ldns_rdf* dname = ldns_dname_new_frm_str(name.c_str());
    if (!dname) return nullptr;
    ldns_pkt* p = ldns_resolver_query(res, dname, type, LDNS_RR_CLASS_IN, 0);
    ldns_rdf_deep_free(dname);
    return p;
}
} // namespace

DnsPoller::DnsPoller(int port) : res_(ldns_resolver_new()) {
    ldns_rdf* ns = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "127.0.0.1");
    ldns_resolver_push_nameserver(res_, ns);
    ldns_rdf_deep_free(ns);
    ldns_resolver_set_port(res_, static_cast<uint16_t>(port));
    ldns_resolver_set_recursive(res_, false);
    ldns_resolver_set_retry(res_, 1);
    ldns_resolver_set_timeout(res_, timeval{1, 0});
}

DnsPoller::~DnsPoller() { ldns_resolver_deep_free(res_); }

bool DnsPoller::answersA(const std::string& name, const std::string& ip) {
    ldns_pkt* p = query(res_, name, LDNS_RR_TYPE_A);
    if (!p) return false;
    ldns_rr_list* answers = ldns_pkt_rr_list_by_type(p, LDNS_RR_TYPE_A, LDNS_SECTION_ANSWER);
    bool match = false;
    if (answers && ldns_rr_list_rr_count(answers) == 1) {
        char* text = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(answers, 0), 0));
        match = text && ip == text;
        std::free(text);
    }
    ldns_rr_list_deep_free(answers);
    ldns_pkt_free(p);
    return match;
}

bool DnsPoller::authoritative(const std::string& zone) {
    ldns_pkt* p = query(res_, zone, LDNS_RR_TYPE_SOA);
    bool ok = p && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_aa(p) && ldns_pkt_ancount(p) > 0;
    if (p) ldns_pkt_free(p);
    return ok;
}

} // namespace dadns::test
