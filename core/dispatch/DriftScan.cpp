#include "core/dispatch/DriftScan.hpp"

#include "core/dispatch/ServedCheck.hpp"
#include "core/log/Logging.hpp"
#include "core/zone/ZoneParser.hpp"
#include "core/util/WallClock.hpp"

#include <unordered_set>

namespace dadns {
namespace {

constexpr const char* kRepairsHelp = "Drift found by scans and re-queued or removed, by backend and kind.";

// A content-verified backend's zone, applied at its current version: whether it still serves
// what was applied. Zones that are failing there, or that cannot be read now, are left alone
// (their own retries deal with them).
bool servedAsApplied(const ServedCheck& check, ZoneStore& store, const std::string& backend, const ZoneState& z, DriftReport& report) {
    auto state = store.backendState(backend, z.name);
    if (!state || state->appliedVersion != z.version || state->failedVersion == z.version) return true;
    try {
        auto text = store.current(z.name, true);
        if (!text || text->deleted || text->version != z.version) return true; // changed meanwhile: the lane has it
        sdk::Zone desired = parseZoneText(text->zoneText, z.name);
        int64_t expected = state->verifiedCount >= 0 ? state->verifiedCount : static_cast<int64_t>(desired.records.size());
        ServedVerdict v = check.servedNow(z.name, desired.records, expected);
        if (!v.result.ok()) return true;
        ++report.contentChecked;
        if (!v.matches) logger("dispatch")->warn("[{}] drift: {} v{}: backend {}", backend, z.name, z.version, v.difference);
        return v.matches;
    } catch (const std::exception& e) { // one zone that cannot be compared does not end the scan
        logger("dispatch")->warn("[{}] drift: {} v{}: comparing its content failed: {}", backend, z.name, z.version, e.what());
        return true;
    }
}

// Store zones that differ from what the backend holds: requeued, or counted as dead letters.
// Content is compared (on a content-verified backend) from policy.contentAfter on, within
// policy.contentBudget.
void compareWithStore(const ServedCheck& check, BackendInstance& backend, ZoneStore& store, const std::unordered_set<std::string>& present,
                      const DriftPolicy& policy, const DriftRequeue& requeue, DriftReport& report, std::unordered_set<std::string>& known) {
    bool content = check.method() == VerifyMethod::Content;
    auto contentUntil = std::chrono::steady_clock::now() + policy.contentBudget;
    bool budgetSpent = false;
    std::string lastCompared;
    ZoneListFilter filter;
    filter.limit = 1000;
    while (true) {
        auto page = store.list(filter);
        for (const auto& z : page) {
            if (!z.deleted) known.insert(z.name);
            bool there = present.count(z.name) != 0;
            bool changed = false;
            if (z.deleted != there) { // in step as far as presence goes: active and there, or deleted and gone
                bool compare = there && content && !budgetSpent && z.name > policy.contentAfter;
                if (compare && std::chrono::steady_clock::now() >= contentUntil) {
                    budgetSpent = true;
                    report.contentResumeAfter = lastCompared.empty() ? policy.contentAfter : lastCompared;
                    compare = false;
                }
                if (compare) lastCompared = z.name;
                changed = compare && !servedAsApplied(check, store, backend.name(), z, report);
                if (!changed) continue;
            }
            if (!requeue(z.name, z.version, z.deleted)) ++report.deadLettered;
            else if (changed) ++report.changed;
            else ++report.missing;
        }
        if (page.size() < filter.limit) return;
        filter.after = page.back().name;
    }
}

void removeUnknown(BackendInstance& backend, MetricsRegistry& metrics, const DriftPolicy& policy, bool force,
                   const std::vector<std::string>& unknown, size_t backendZones, DriftReport& report) {
    double limit = policy.maxDeleteFraction * static_cast<double>(backendZones);
    if (!force && static_cast<double>(unknown.size()) > limit) {
        report.refused = "removing " + std::to_string(unknown.size()) + " of " + std::to_string(backendZones) +
                         " zones exceeds dispatch.max_delete_fraction; run the scan with force to proceed";
        logger("dispatch")->error("[{}] drift: {}", backend.name(), report.refused);
        return;
    }
    for (const auto& z : unknown)
        if (backend.remove(z).ok()) ++report.removed;
    metrics.counterAdd("dadns_drift_repairs_total", kRepairsHelp, {{"backend", backend.name()}, {"kind", "removed"}},
                       static_cast<double>(report.removed));
}

} // namespace

DriftReport scanDrift(BackendInstance& backend, ZoneStore& store, MetricsRegistry& metrics, const DriftPolicy& policy, bool force,
                      const DriftRequeue& requeue) {
    const std::string& name = backend.name();
    DriftReport report;
    report.atMs = nowMs();
    std::vector<std::string> onBackend;
    BackendResult listed = backend.listZones(onBackend);
    if (!listed.ok()) {
        report.error = "list zones failed: " + listed.message;
        return report;
    }
    report.backendZones = onBackend.size();
    std::unordered_set<std::string> known;
    ServedCheck check(backend, std::chrono::milliseconds(0));
    compareWithStore(check, backend, store, std::unordered_set<std::string>(onBackend.begin(), onBackend.end()), policy, requeue, report,
                     known);
    std::vector<std::string> unknown;
    for (const auto& z : onBackend)
        if (!known.count(z) && !store.current(z, false)) unknown.push_back(z);
    report.unknownTotal = unknown.size();
    for (size_t i = 0; i < unknown.size() && i < 100; ++i) report.unknown.push_back(unknown[i]);
    if (report.missing) {
        metrics.counterAdd("dadns_drift_repairs_total", kRepairsHelp, {{"backend", name}, {"kind", "requeued"}},
                           static_cast<double>(report.missing));
        logger("dispatch")->warn("[{}] drift: {} zone(s) missing or stale on the backend; re-queued", name, report.missing);
    }
    if (report.changed) {
        metrics.counterAdd("dadns_drift_repairs_total", kRepairsHelp, {{"backend", name}, {"kind", "changed"}},
                           static_cast<double>(report.changed));
        logger("dispatch")->warn("[{}] drift: {} zone(s) served with other content than applied; re-queued", name, report.changed);
    }
    if (report.deadLettered)
        logger("dispatch")->info("[{}] drift: {} dead-lettered zone(s) differ on the backend; left for a change or a redrive", name,
                                 report.deadLettered);
    if (!unknown.empty()) {
        logger("dispatch")->warn("[{}] drift: {} zone(s) on the backend are unknown to the store (e.g. {})", name, unknown.size(),
                                 unknown.front());
        if (policy.removeUnknownZones) removeUnknown(backend, metrics, policy, force, unknown, onBackend.size(), report);
    }
    return report;
}

} // namespace dadns
