// A zone as the rows of the CoreDNS mysql plugin's table: owner relative to the zone (apex ""),
// type, TTL and the per-type JSON content with the plugin's key names.
#pragma once

#include <dadns/sdk/types.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace dadns::coredns {

struct Row {
    std::string name;
    std::string type;
    int64_t ttl = 0;
    std::string content;

    bool operator<(const Row& o) const { return std::tie(name, type, ttl, content) < std::tie(o.name, o.type, o.ttl, o.content); }
    bool operator==(const Row& o) const { return std::tie(name, type, ttl, content) == std::tie(o.name, o.type, o.ttl, o.content); }
};

struct ZoneRows {
    std::vector<Row> rows;          // sorted, without duplicates
    std::set<std::string> skipped;  // types the plugin cannot serve, left out
    size_t skippedRecords = 0;
};

// The types the CoreDNS mysql plugin answers.
bool servedType(const std::string& type);

// Throws PermanentError for a record whose rdata does not fit its type.
ZoneRows toRows(const sdk::Zone& zone);

// The JSON content of one record of a served type.
std::string contentJson(const sdk::Record& record);

} // namespace dadns::coredns
