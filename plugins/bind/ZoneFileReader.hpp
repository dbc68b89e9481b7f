// Reads back a zone file dadns wrote (sdk::masterFileText: "$ORIGIN", then one record per line,
// "<owner> <ttl> <class> <type> <rdata fields...>"), as the daemon's parser gives records: the
// bind backend's servedRecords when it has no `server` to ask named itself.
#pragma once

#include <dadns/sdk/types.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dadns::bind {

// One record line. A line ldns cannot read (one edited by hand) still gives a record, split at
// white space outside quotes, so it shows as a difference instead of vanishing.
sdk::Record parseZoneFileLine(const std::string& line);

// Every record of the file (blank, comment and $ lines skipped); nullopt when there is no file.
// Throws sdk::RetryableError when the file exists but cannot be read.
std::optional<std::vector<sdk::Record>> readZoneFile(const std::string& path);

} // namespace dadns::bind
