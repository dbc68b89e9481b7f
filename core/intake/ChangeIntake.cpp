#include "core/intake/ChangeIntake.hpp"

#include "core/util/Errors.hpp"
#include "core/util/WallClock.hpp"
#include "core/zone/ZoneName.hpp"
#include "core/zone/ZoneParser.hpp"
#include "core/zone/ZoneRules.hpp"

#include <dadns/sdk/master_file.hpp>

#include <algorithm>

namespace dadns {
namespace {

constexpr const char* kEventsHelp = "Changes received, by source and kind.";

// Validates records given as data (not text) the same way zone text is: owners through the
// one name validator, then the rendered text through the parser.
sdk::Zone zoneFromRecords(const std::string& zone, const std::vector<sdk::Record>& records) {
    sdk::Zone z;
    z.name = zone;
    z.records.reserve(records.size());
    for (const auto& r : records) {
        sdk::Record rec = r;
        rec.owner = normalizeOwnerName(r.owner, zone);
        std::transform(rec.type.begin(), rec.type.end(), rec.type.begin(), [](unsigned char c) { return std::toupper(c); });
        if (rec.type.empty()) throw InvalidInput("record of " + rec.owner + " has no type");
        z.records.push_back(std::move(rec));
    }
    return parseZoneText(sdk::masterFileText(z), zone);
}

bool matches(const sdk::Record& matcher, const sdk::Record& record) {
    if (matcher.owner != record.owner) return false;
    if (!matcher.type.empty() && matcher.type != record.type) return false;
    return matcher.rdata.empty() || matcher.rdata == record.rdata;
}

} // namespace

ChangeIntake::ChangeIntake(ZoneStore& store, MetricsRegistry& metrics) : store_(store), metrics_(metrics) {}

void ChangeIntake::addListener(ChangeListener listener) {
    std::lock_guard<std::mutex> lock(listenersMutex_);
    listeners_.push_back(std::move(listener));
}

std::mutex& ChangeIntake::zoneLock(const std::string& zone) { return editLocks_[std::hash<std::string>{}(zone) % 64]; }

ChangeOutcome ChangeIntake::submit(const ChangeRequest& request) {
    ZoneSubmission s;
    s.name = normalizeZoneName(request.zone);
    s.origin = request.origin;
    s.stamp = request.stamp;
    const char* kind = "zone";
    std::shared_ptr<sdk::Zone> parsed;
    switch (request.kind) {
    case ChangeRequest::Kind::ZoneText: {
        parsed = std::make_shared<sdk::Zone>(parseZoneText(request.zoneText, s.name));
        s.zoneText = sdk::masterFileText(*parsed);
        s.recordCount = static_cast<int64_t>(recordCount(*parsed));
        break;
    }
    case ChangeRequest::Kind::Records: {
        parsed = std::make_shared<sdk::Zone>(zoneFromRecords(s.name, request.records));
        if (parsed->records.empty()) throw InvalidInput("a zone needs at least one record");
        s.zoneText = sdk::masterFileText(*parsed);
        s.recordCount = static_cast<int64_t>(recordCount(*parsed));
        kind = "records";
        break;
    }
    case ChangeRequest::Kind::Delete: {
        auto current = store_.current(s.name, false);
        if (request.stamp.empty() && (!current || current->deleted)) throw NotFound("no such zone: " + s.name);
        s.deleted = true;
        kind = "delete";
        break;
    }
    }
    metrics_.counterAdd("dadns_events_received_total", kEventsHelp,
                        {{"source", s.origin.source.empty() ? "unknown" : s.origin.source}, {"kind", kind}});
    // Serialised with record-level edits of the same zone, so neither overwrites the other.
    std::lock_guard<std::mutex> lock(zoneLock(s.name));
    ownership_.check(store_, s.name, s.origin, s.stamp);
    return store(std::move(s), std::move(parsed), request.options);
}

std::string ChangeIntake::heldBecause(const ZoneSubmission& submission, bool reserveDelete, int64_t atMs) {
    if (submission.deleted) return safety_->checkDelete(principalOf(submission.origin), atMs, reserveDelete);
    auto before = store_.activeRecordCount(submission.name);
    return before ? safety_->shrinkRefusal(*before, submission.recordCount) : "";
}

ChangeOutcome ChangeIntake::store(ZoneSubmission submission, std::shared_ptr<sdk::Zone> parsed, const ChangeOptions& options) {
    if (parsed) checkZoneRules(*parsed); // every path ends here: no source stores a zone named could not load
    if (parsed) soaSerial_.apply(store_, submission, *parsed); // zones.soa_serial (local changes; under the zone's lock)
    bool local = submission.stamp.empty(); // a replicated change was checked where it was made
    bool checked = local && !options.force;
    int64_t checkedAtMs = nowMs();
    std::string held = checked ? heldBecause(submission, !options.dryRun, checkedAtMs) : "";
    if (options.dryRun) {
        ChangeOutcome plan;
        plan.zone = submission.name;
        plan.recordCount = submission.recordCount;
        plan.dryRun = true;
        plan.planned = std::move(parsed);
        plan.held = held;
        return plan;
    }
    if (!held.empty()) {
        metrics_.counterAdd("dadns_changes_held_total", "Changes the safety limits (zones.safety) held, by source and kind.",
                            {{"source", submission.origin.source.empty() ? "unknown" : submission.origin.source},
                             {"kind", submission.deleted ? "delete_burst" : "remove_share"}});
        throw ChangeHeld(held);
    }
    // A delete counted towards the limit that is not stored after all is taken back.
    bool reserved = checked && submission.deleted;
    SubmitOutcome stored;
    try {
        stored = store_.submit(submission);
    } catch (...) {
        if (reserved) safety_->releaseDelete(principalOf(submission.origin), checkedAtMs);
        throw;
    }
    if (reserved && !stored.stored) safety_->releaseDelete(principalOf(submission.origin), checkedAtMs);
    ChangeOutcome out;
    out.zone = submission.name;
    out.stored = stored.stored;
    out.created = stored.created;
    out.version = stored.version;
    out.recordCount = submission.recordCount;
    out.stamp = stored.stamp;
    if (stored.stored) {
        if (parsed) parsed->version = stored.version;
        ZoneChange change{out.zone, out.version, out.stamp, submission.deleted, std::move(parsed), submission.origin.source};
        std::vector<ChangeListener> listeners;
        {
            std::lock_guard<std::mutex> lock(listenersMutex_);
            listeners = listeners_;
        }
        for (auto& l : listeners) l(change);
    }
    return out;
}

ChangeOutcome ChangeIntake::addRecords(const std::string& zone, const std::vector<sdk::Record>& records, const ZoneOrigin& origin,
                                       const ChangeOptions& options) {
    std::string name = normalizeZoneName(zone);
    std::lock_guard<std::mutex> lock(zoneLock(name));
    auto current = store_.current(name, true);
    if (!current || current->deleted) throw NotFound("no such zone: " + name);
    ownership_.check(name, current, origin);
    sdk::Zone z = parseZoneText(current->zoneText, name);
    sdk::Zone added = zoneFromRecords(name, records);
    for (auto& r : added.records)
        if (std::find(z.records.begin(), z.records.end(), r) == z.records.end()) z.records.push_back(std::move(r));
    ZoneSubmission s;
    s.name = name;
    s.zoneText = sdk::masterFileText(z);
    s.recordCount = static_cast<int64_t>(recordCount(z));
    s.origin = origin;
    metrics_.counterAdd("dadns_events_received_total", kEventsHelp, {{"source", origin.source}, {"kind", "record_add"}});
    return store(std::move(s), std::make_shared<sdk::Zone>(std::move(z)), options);
}

ChangeOutcome ChangeIntake::removeRecords(const std::string& zone, const std::vector<sdk::Record>& matchers, const ZoneOrigin& origin,
                                          const ChangeOptions& options) {
    std::string name = normalizeZoneName(zone);
    std::lock_guard<std::mutex> lock(zoneLock(name));
    auto current = store_.current(name, true);
    if (!current || current->deleted) throw NotFound("no such zone: " + name);
    ownership_.check(name, current, origin);
    sdk::Zone z = parseZoneText(current->zoneText, name);
    std::vector<sdk::Record> normalized;
    for (const auto& m : matchers) {
        sdk::Record n = m;
        n.owner = normalizeOwnerName(m.owner, name);
        std::transform(n.type.begin(), n.type.end(), n.type.begin(), [](unsigned char c) { return std::toupper(c); });
        normalized.push_back(std::move(n));
    }
    size_t before = z.records.size();
    z.records.erase(std::remove_if(z.records.begin(), z.records.end(),
                                   [&](const sdk::Record& r) {
                                       return std::any_of(normalized.begin(), normalized.end(), [&](const auto& m) { return matches(m, r); });
                                   }),
                    z.records.end());
    if (z.records.size() == before) throw NotFound("no matching record in " + name);
    if (z.records.empty()) throw InvalidInput("removing these records would leave the zone empty; delete the zone instead");
    ZoneSubmission s;
    s.name = name;
    s.zoneText = sdk::masterFileText(z);
    s.recordCount = static_cast<int64_t>(recordCount(z));
    s.origin = origin;
    metrics_.counterAdd("dadns_events_received_total", kEventsHelp, {{"source", origin.source}, {"kind", "record_remove"}});
    return store(std::move(s), std::make_shared<sdk::Zone>(std::move(z)), options);
}

} // namespace dadns
