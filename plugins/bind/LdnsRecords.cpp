#include "LdnsRecords.hpp"

#include <cstdlib>

namespace dadns::bind {

namespace {

std::string owned(char* s) {
    std::string out = s ? s : "";
    free(s);
    return out;
}

// ldns writes a '"' inside a domain name as it is, and that would open a quoted string when
// the text is read again: the daemon's parser writes it as \034, and so does this.
std::string fieldText(const ldns_rdf* rdf) {
    std::string text = owned(ldns_rdf2str(rdf));
    if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME || text.find('"') == std::string::npos) return text;
    std::string out;
    for (char c : text) out += c == '"' ? std::string("\\034") : std::string(1, c);
    return out;
}

} // namespace

sdk::Record recordFromLdns(const ldns_rr* rr) {
    sdk::Record record;
    record.owner = owned(ldns_rdf2str(ldns_rr_owner(rr)));
    for (char& c : record.owner)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    record.type = owned(ldns_rr_type2str(ldns_rr_get_type(rr)));
    record.rrClass = static_cast<uint16_t>(ldns_rr_get_class(rr));
    record.ttl = ldns_rr_ttl(rr);
    size_t n = ldns_rr_rd_count(rr);
    record.rdata.reserve(n);
    for (size_t i = 0; i < n; ++i) record.rdata.push_back(fieldText(ldns_rr_rdf(rr, i)));
    return record;
}

std::string rcodeName(ldns_pkt_rcode rcode) {
    ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, static_cast<int>(rcode));
    return entry && entry->name ? entry->name : "rcode " + std::to_string(static_cast<int>(rcode));
}

} // namespace dadns::bind
