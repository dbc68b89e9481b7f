// How both SQL stores read a zone version: the columns they select and the row they map to a
// ZoneState. The tables are the same in SQLite and PostgreSQL; only the DDL differs.
#pragma once

#include "core/store/ZoneStore.hpp"

#include <Poco/Tuple.h>
#include <Poco/Types.h>

#include <string>

namespace dadns {

using ZoneStateRow = Poco::Tuple<std::string, Poco::Int64, int, std::string, Poco::Int64, std::string, std::string, std::string,
                                 std::string, Poco::Int64>;

// A version with its text (zone_history), or a head without it (zones).
inline const char* const kZoneStateColumns =
    "name, version, deleted, zone_text, record_count, stamp, source, origin_host, origin_user, updated_at_ms";
inline const char* const kZoneHeadColumns =
    "name, version, deleted, '' AS zone_text, record_count, stamp, source, origin_host, origin_user, updated_at_ms";
// The current version with its text: zones z joined to zone_history h.
inline const char* const kCurrentWithTextColumns = "h.name, h.version, h.deleted, h.zone_text, h.record_count, h.stamp, h.source,"
                                                   " h.origin_host, h.origin_user, h.updated_at_ms";

inline ZoneState toZoneState(const ZoneStateRow& r) {
    ZoneState s;
    s.name = r.get<0>();
    s.version = static_cast<uint64_t>(r.get<1>());
    s.deleted = r.get<2>() != 0;
    s.zoneText = r.get<3>();
    s.recordCount = r.get<4>();
    s.stamp = r.get<5>();
    s.origin = {r.get<6>(), r.get<7>(), r.get<8>()};
    s.updatedAtMs = r.get<9>();
    return s;
}

} // namespace dadns
