// The files the bind backend owns: one zone file per zone and the include file named reads.
#pragma once

#include <dadns/sdk/types.hpp>

#include <set>
#include <string>
#include <vector>

namespace dadns::bind {

// Zone names arrive validated by the host; this is a second line of defence, because they
// become file names: lower-case LDH/underscore labels, no "..", no '/', no leading '.'.
bool safeZoneName(const std::string& zone);

// A zone's file: <zonesDir>/<zone>.db. A name too long for one file name (over 200 octets:
// with ".db" and sdk::writeFileAtomically's temp suffix it would pass the 255-octet limit) is split
// at a label boundary into a directory "<leading labels>." holding "<other labels>.db", so
// every valid DNS name has a file and the zone name reads back from the path.
std::string zoneFilePath(const std::string& zonesDir, const std::string& zone);

// Where zone files live: zonesDir and its split-name directories.
std::vector<std::string> zoneFileDirectories(const std::string& zonesDir);

// The zones that have a file under zonesDir, in either form.
std::set<std::string> zonesOnDisk(const std::string& zonesDir);

// Master file text for named (sdk::masterFileText), marked as written by dadns.
std::string renderZoneFile(const sdk::Zone& zone);

// Removes what writes cut short by a crash leave in dir: temp files of sdk::writeFileAtomically
// (sdk::removeTempFiles, for names starting with prefix when given) and named-checkconf inputs
// (.dadns-check-*). Only safe while nothing writes there (at start); returns how many.
size_t removeLeftovers(const std::string& dir, const std::string& prefix = "");

// Records in a zone file dadns wrote (lines that are not blank, comments or $ directives).
int64_t countRecords(const std::string& path);

// The include file: one `zone "<name>" { type master; file "<path>"; };` per zone, sorted.
std::string renderInclude(const std::set<std::string>& zones, const std::string& zonesDir);
std::set<std::string> readInclude(const std::string& path);

} // namespace dadns::bind
