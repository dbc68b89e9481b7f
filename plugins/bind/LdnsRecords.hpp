// Records as ldns reads them (from a zone transfer or a zone file line), in the form the
// daemon's zone parser gives them, so what named serves compares with what was applied.
#pragma once

#include <dadns/sdk/types.hpp>

#include <ldns/ldns.h>

#include <string>

namespace dadns::bind {

// Owner absolute, lower case, with its trailing dot; type mnemonic (TYPE<n> for types ldns does
// not name); rdata fields in presentation form, one per ldns field.
sdk::Record recordFromLdns(const ldns_rr* rr);

// "REFUSED", "NOTAUTH", ...; the number for codes ldns does not name.
std::string rcodeName(ldns_pkt_rcode rcode);

} // namespace dadns::bind
