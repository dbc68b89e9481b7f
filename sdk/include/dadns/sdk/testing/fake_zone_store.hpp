// The zone map behind a FakeHost's read_zone and list_zones: what plugins submitted, answered
// the way the daemon's store answers (names lower case without the trailing dot, one version
// counter per zone, replication stamps ordered, an older stamp ignored, deletes kept as deleted
// states). It does not parse zone text: text is kept as given (so its record count is 0), and
// submitted records are rendered one per line as the daemon renders them.
// Not thread-safe on its own: the FakeHost serialises the calls.
#pragma once

#include <dadns/sdk/clock.hpp>
#include <dadns/sdk/host.hpp>
#include <dadns/sdk/stamp.hpp>
#include <dadns/sdk/testing/recorded_calls.hpp>
#include <dadns/sdk/types.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dadns::sdk::testing {

class FakeZoneStore {
public:
    struct Outcome {
        bool stored = false;   // false: ignored, an older replication stamp
        uint64_t version = 0;
        int32_t recordCount = 0;
    };

    // The daemon's zone name rules, in short: lower case, one trailing dot dropped, labels of
    // letters, digits, '-' and '_' (1-63 octets, no '-' at either end), 253 octets in all.
    // Throws PermanentError naming the problem.
    static std::string normalizeName(std::string_view given) {
        std::string name(given);
        for (char& c : name)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (name.size() > 1 && name.back() == '.') name.pop_back();
        auto refuse = [&](const std::string& why) { throw PermanentError("invalid name '" + printable(given) + "': " + why); };
        if (name.empty()) refuse("empty");
        if (name.size() > 253) refuse("longer than 253 octets");
        size_t start = 0;
        while (start <= name.size()) {
            size_t dot = std::min(name.find('.', start), name.size());
            std::string_view label(name.data() + start, dot - start);
            if (label.empty()) refuse("empty label");
            if (label.size() > 63) refuse("label longer than 63 octets");
            for (char c : label)
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
                    refuse("labels use letters, digits, '-' and '_'");
            if (label.front() == '-' || label.back() == '-') refuse("a label must not start or end with '-'");
            start = dot + 1;
        }
        return name;
    }

    // Stores change (its kind, zone, text or records, origin); throws PermanentError for what
    // the daemon refuses whatever its state: a bad name, an empty zone, a delete of a zone it
    // does not hold.
    Outcome submit(const Submission& change, const std::string& nodeId) {
        std::string name = normalizeName(change.zone);
        if (change.kind == DADNS_CHANGE_ZONE_TEXT && change.zoneText.empty()) throw PermanentError("the zone text of " + name + " is empty");
        if (change.kind == DADNS_CHANGE_RECORDS && change.records.empty()) throw PermanentError("a zone needs at least one record");
        auto current = zones_.find(name);
        bool held = current != zones_.end() && !current->second.deleted;
        if (change.kind == DADNS_CHANGE_DELETE && change.origin.stamp.empty() && !held) throw PermanentError("no such zone: " + name);
        if (current != zones_.end() && !change.origin.stamp.empty() && !stampNewer(change.origin.stamp, current->second.stamp))
            return Outcome{};
        ZoneInfo z;
        z.name = name;
        z.version = current == zones_.end() ? 1 : current->second.version + 1;
        z.deleted = change.kind == DADNS_CHANGE_DELETE;
        z.stamp = change.origin.stamp.empty() ? nextStamp(nodeId, current == zones_.end() ? "" : current->second.stamp) : change.origin.stamp;
        z.source = change.origin.source.empty() ? change.instance : change.origin.source;
        z.originHost = change.origin.host;
        z.originUser = change.origin.user;
        if (change.kind == DADNS_CHANGE_ZONE_TEXT) z.zoneText = change.zoneText;
        if (change.kind == DADNS_CHANGE_RECORDS) z.zoneText = render(name, change.records);
        zones_[name] = z;
        return Outcome{true, z.version, change.kind == DADNS_CHANGE_RECORDS ? static_cast<int32_t>(change.records.size()) : 0};
    }

    // Sets a zone's state directly (as if another source had stored it).
    void put(ZoneInfo zone) {
        zone.name = normalizeName(zone.name);
        if (zone.version == 0) zone.version = zones_.count(zone.name) ? zones_[zone.name].version + 1 : 1;
        zones_[zone.name] = std::move(zone);
    }

    // nullopt when unknown; throws PermanentError for an invalid name.
    std::optional<ZoneInfo> find(std::string_view name) const {
        auto it = zones_.find(normalizeName(name));
        if (it == zones_.end()) return std::nullopt;
        return it->second;
    }

    // Every zone in name order, deleted ones included.
    std::vector<ZoneInfo> all() const {
        std::vector<ZoneInfo> out;
        for (const auto& entry : zones_) out.push_back(entry.second);
        return out;
    }

    // Records as master file text: "$ORIGIN" first, the SOA first among one record per line.
    static std::string render(const std::string& zone, const std::vector<Record>& records) {
        std::string text = "$ORIGIN " + zone + ".\n";
        for (int pass = 0; pass < 2; ++pass)
            for (const auto& r : records) {
                if ((r.type == "SOA") != (pass == 0)) continue;
                text += r.owner + " " + std::to_string(r.ttl) + " IN " + r.type;
                for (const auto& field : r.rdata) text += " " + field;
                text += "\n";
            }
        return text;
    }

private:
    static std::string printable(std::string_view s) {
        std::string out;
        for (unsigned char c : s.substr(0, 80)) out += c >= 0x20 && c < 0x7f ? std::string(1, static_cast<char>(c)) : "\\" + std::to_string(c);
        return out;
    }

    // A hybrid logical clock reading after every stamp this store made and after `after`.
    std::string nextStamp(const std::string& nodeId, const std::string& after) {
        Stamp s{wallClockMs(), 0, nodeId};
        auto seen = Stamp::parse(after);
        if (seen && seen->ms > s.ms) s.ms = seen->ms;
        if (s.ms <= last_.ms) s = Stamp{last_.ms, last_.counter + 1, nodeId};
        if (seen && seen->ms == s.ms && s.counter <= seen->counter) s.counter = seen->counter + 1;
        last_ = s;
        return s.toString();
    }

    std::map<std::string, ZoneInfo> zones_;
    Stamp last_;
};

} // namespace dadns::sdk::testing
