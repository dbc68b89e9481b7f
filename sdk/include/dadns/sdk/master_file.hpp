// Records as RFC 1035 master file text: what named loads, what the daemon's store keeps, and
// what a backend that speaks zone files writes.
//
// A line is "<owner> <ttl> <class> <type> <rdata fields...>": the absolute owner, an explicit
// TTL and class, the rdata fields as they are (Record holds them in presentation form).
// parse(masterFileText(zone)) gives back zone's records.
//
// Error contract: a record that cannot be one line throws PermanentError (an empty owner or
// type, white space in them, a line break or NUL anywhere): records from the daemon never do;
// the check keeps a hand-made record from adding lines of its own.
// Thread-safety: pure functions.
#pragma once

#include <dadns/sdk/types.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dadns::sdk {

// "IN", "CH", "HS", or RFC 3597's "CLASS<n>" for the others.
inline std::string rrClassMnemonic(uint16_t rrClass) {
    switch (rrClass) {
    case 1: return "IN";
    case 3: return "CH";
    case 4: return "HS";
    default: return "CLASS" + std::to_string(rrClass);
    }
}

namespace detail {

// An owner or type is one token: not empty, no space, tab, line break or NUL. A field may hold
// spaces (a quoted TXT string) but no line break or NUL.
inline void checkMasterFileToken(const Record& record, const std::string& text, const char* what, bool isField) {
    const char* breaks = isField ? "\n\r" : " \t\n\r";
    bool bad = (!isField && text.empty()) || text.find_first_of(breaks) != std::string::npos || text.find('\0') != std::string::npos;
    if (bad)
        throw PermanentError("record '" + record.owner + " " + record.type + "' cannot be written to a master file: its " + what +
                             (text.empty() ? " is empty" : isField ? " holds a line break or NUL" : " holds white space, a line break or NUL"));
}

} // namespace detail

// Appends record as one master file line, with the newline.
inline void appendMasterFileLine(std::string& out, const Record& record) {
    detail::checkMasterFileToken(record, record.owner, "owner", false);
    detail::checkMasterFileToken(record, record.type, "type", false);
    out += record.owner;
    out += ' ';
    out += std::to_string(record.ttl);
    out += ' ';
    out += rrClassMnemonic(record.rrClass);
    out += ' ';
    out += record.type;
    for (const auto& field : record.rdata) {
        detail::checkMasterFileToken(record, field, "rdata", true);
        out += ' ';
        out += field;
    }
    out += '\n';
}

// One record as a master file line without the newline: "www.example.com. 300 IN A 192.0.2.1".
inline std::string masterFileLine(const Record& record) {
    std::string line;
    line.reserve(64);
    appendMasterFileLine(line, record);
    line.pop_back();
    return line;
}

// A whole zone: "$ORIGIN <zone>." and then one line per record, the SOA first (where named and
// readers of the file expect it), the others in their order.
// The fields of one line of presentation text (a record line, or the rdata of one record):
// split at white space, a quoted string (with \-escapes) one field with its quotes, an escaped
// character (\" or "a\ b") part of its field. masterFileText's lines read back field by field.
inline std::vector<std::string> presentationFields(std::string_view text) {
    std::vector<std::string> out;
    std::string field;
    bool inField = false, quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (!quoted && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            if (inField) out.push_back(std::move(field));
            field.clear();
            inField = false;
            continue;
        }
        inField = true;
        field.push_back(c);
        if (c == '\\' && i + 1 < text.size()) field.push_back(text[++i]); // an escaped character, a quote too
        else if (c == '"') quoted = !quoted;
    }
    if (inField) out.push_back(std::move(field));
    return out;
}

inline std::string masterFileText(const Zone& zone) {
    std::string text = "$ORIGIN " + zone.fqdn() + "\n";
    text.reserve(text.size() + zone.records.size() * 64);
    for (const auto& r : zone.records)
        if (r.type == "SOA") appendMasterFileLine(text, r);
    for (const auto& r : zone.records)
        if (r.type != "SOA") appendMasterFileLine(text, r);
    return text;
}

} // namespace dadns::sdk
