// Records -> canonical master file text (what the store keeps and the bind backend writes).
#pragma once

#include <dadns/sdk/types.hpp>

#include <string>

namespace dadns {

// One record per line, absolute owners, explicit TTL and class, "$ORIGIN <zone>." first, SOA
// first among records. parseZoneText(renderZoneText(z), z.name) gives back z's records.
std::string renderZoneText(const sdk::Zone& zone);

// One record as a master file line without the newline: "www.example.com. 300 IN A 192.0.2.1".
std::string renderRecord(const sdk::Record& record);

} // namespace dadns
