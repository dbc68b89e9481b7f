// Presentation text of what ldns holds, written the one way the daemon's zone parser writes it,
// so records read by a plugin (a zone transfer, a zone file) and records the daemon parsed spell
// alike. Include it only when you link ldns (pkg-config ldns); dadns/sdk.hpp does not.
// Thread-safety: pure functions.
#pragma once

#include <ldns/ldns.h>

#include <cstdlib>
#include <string>

namespace dadns::sdk {

// Takes a string ldns allocated (NULL reads as "") and frees it.
inline std::string ldnsOwned(char* s) {
    std::string out = s ? s : "";
    std::free(s);
    return out;
}

// One rdata field in presentation form. ldns writes a '"' inside a domain name as it is, and
// that would open a quoted string when the text is read again: it is written as \034.
inline std::string ldnsFieldText(const ldns_rdf* rdf) {
    std::string text = ldnsOwned(ldns_rdf2str(rdf));
    if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME || text.find('"') == std::string::npos) return text;
    std::string out;
    for (char c : text) out += c == '"' ? std::string("\\034") : std::string(1, c);
    return out;
}

} // namespace dadns::sdk
