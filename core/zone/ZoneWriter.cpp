#include "core/zone/ZoneWriter.hpp"

namespace dadns {

std::string renderRecord(const sdk::Record& record) {
    std::string line;
    line.reserve(64);
    line += record.owner;
    line += ' ';
    line += std::to_string(record.ttl);
    line += " IN ";
    line += record.type;
    for (const auto& field : record.rdata) {
        line += ' ';
        line += field;
    }
    return line;
}

std::string renderZoneText(const sdk::Zone& zone) {
    std::string text = "$ORIGIN " + zone.name + ".\n";
    text.reserve(text.size() + zone.records.size() * 64);
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& r : zone.records) {
            if ((r.type == "SOA") != (pass == 0)) continue;
            text += renderRecord(r);
            text += '\n';
        }
    return text;
}

} // namespace dadns
