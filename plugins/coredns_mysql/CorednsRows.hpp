// A zone as the rows of the CoreDNS mysql plugin's table: owner relative to the zone (apex ""),
// type, TTL and the per-type JSON content with the plugin's key names; and the rows read back
// as records (what verification compares).
//
// Two things CoreDNS makes up itself when it answers are kept in the content beside the
// plugin's keys, in keys it ignores, so rows read back give the records they were written
// from: the SOA's serial ("serial"; CoreDNS answers with the current time) and how a TXT
// record's text is split into strings ("lengths", only when not every 255 bytes; CoreDNS
// serves the text split every 255 bytes). Rows read back say what they hold; quirks of
// CoreDNS's answers beyond those two (a TTL of 0 answered as 360, no answer for an empty TXT
// text) are not modelled.
#pragma once

#include <dadns/sdk/types.hpp>

#include <cstdint>
#include <optional>
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

// The record a row of the zone stands for, as the daemon holds records: absolute lower-case
// owner, the rdata fields in the presentation form the daemon's zone parser gives (names as
// written, TXT strings and the CAA value quoted and escaped). nullopt for a row CoreDNS does
// not answer with: a type it does not serve, content that is not its type's JSON object with
// the type's keys, a TTL out of range.
std::optional<sdk::Record> toRecord(const Row& row, const std::string& zoneName);

// The records of a zone's rows, in their order, rows toRecord refuses left out.
std::vector<sdk::Record> toRecords(const std::vector<Row>& rows, const std::string& zoneName);

} // namespace dadns::coredns
