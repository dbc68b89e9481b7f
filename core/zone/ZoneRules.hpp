// The rules a zone must meet before it is stored, whatever its source: what named would refuse
// to load (RFC 1035, 1034 3.6.2, 2181 5.2), so the stored state is always one every backend
// can serve and never differs from what the backends hold.
#pragma once

#include <dadns/sdk/types.hpp>

namespace dadns {

// Throws InvalidInput naming the first rule broken ("example.com: ..."):
// - exactly one SOA, at the apex;
// - at least one NS at the apex;
// - a CNAME owner holds one CNAME and no other data (RRSIG and NSEC excepted, RFC 4035 2.5);
// - the records of one RRset (owner, type) share one TTL (RFC 2181 5.2).
// Record data limits (RDATA length, name lengths) are the parser's, which sees the wire form.
void checkZoneRules(const sdk::Zone& zone);

} // namespace dadns
