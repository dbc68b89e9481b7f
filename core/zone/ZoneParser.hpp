// RFC 1035 master file text -> records, with ldns.
#pragma once

#include <dadns/sdk/types.hpp>

#include <string>
#include <string_view>

namespace dadns {

using Record = sdk::Record;
using Zone = sdk::Zone;

// Parses zone text for the zone named zoneName (canonical, see normalizeZoneName); the zone's
// origin is the default $ORIGIN. Handles $ORIGIN, $TTL, relative and '@' owners, parentheses
// across lines, quoted TXT with spaces, semicolons and escapes, CRLF line ends. Refuses
// $INCLUDE. Owners come out absolute, lower case, with the trailing dot, and must lie inside
// the zone; rdata fields in presentation form. Throws ZoneParseError(line, reason).
Zone parseZoneText(std::string_view text, const std::string& zoneName);

// The record count as DaDNS counts it: one per record, SOA included.
inline size_t recordCount(const Zone& zone) { return zone.records.size(); }

} // namespace dadns
