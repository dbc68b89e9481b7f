#include "LdnsRecords.hpp"

#include <dadns/sdk/ldns_text.hpp>


namespace dadns::bind {

sdk::Record recordFromLdns(const ldns_rr* rr) {
    sdk::Record record;
    record.owner = sdk::ldnsOwned(ldns_rdf2str(ldns_rr_owner(rr)));
    for (char& c : record.owner)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    record.type = sdk::ldnsOwned(ldns_rr_type2str(ldns_rr_get_type(rr)));
    record.rrClass = static_cast<uint16_t>(ldns_rr_get_class(rr));
    record.ttl = ldns_rr_ttl(rr);
    size_t n = ldns_rr_rd_count(rr);
    record.rdata.reserve(n);
    for (size_t i = 0; i < n; ++i) record.rdata.push_back(sdk::ldnsFieldText(ldns_rr_rdf(rr, i)));
    return record;
}

std::string rcodeName(ldns_pkt_rcode rcode) {
    ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, static_cast<int>(rcode));
    return entry && entry->name ? entry->name : "rcode " + std::to_string(static_cast<int>(rcode));
}

} // namespace dadns::bind
