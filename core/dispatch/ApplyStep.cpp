#include "core/dispatch/ApplyStep.hpp"

#include "core/log/Logging.hpp"
#include "core/zone/ZoneParser.hpp"

#include <optional>

namespace dadns {
namespace {

ApplyKind kindOf(const BackendResult& r) {
    return r.ok() ? ApplyKind::Applied : r.retryable() ? ApplyKind::Retryable : ApplyKind::Permanent;
}

} // namespace

ApplyOutcome ApplyStep::run(const std::string& zone, const ZoneWork& work) {
    ApplyOutcome out;
    out.version = work.version;
    try {
        if (work.parsed && !work.deleted && work.parsed->version == work.version) {
            applyAndVerify(zone, *work.parsed, out);
            out.kind = kindOf(out.result);
            return out;
        }
        std::optional<ZoneState> state;
        try {
            state = store_.current(zone, !work.deleted);
            if (state && !state->deleted && state->zoneText.empty()) state = store_.current(zone, true); // a newer, undeleted version
        } catch (const std::exception& e) {
            out.storeError = true;
            out.kind = ApplyKind::Retryable;
            out.result = {DADNS_ERR_RETRYABLE, std::string("reading the zone from the store failed: ") + e.what()};
            return out;
        }
        if (!state) {
            out.kind = ApplyKind::NothingToDo;
            return out;
        }
        out.version = state->version; // the latest wins
        if (state->deleted) {
            out.result = backend_.remove(zone);
            out.verifiedCount = 0;
        } else {
            sdk::Zone desired = parseZoneText(state->zoneText, zone);
            desired.version = state->version;
            applyAndVerify(zone, desired, out);
        }
    } catch (const std::exception& e) {
        out.result = {DADNS_ERR_RETRYABLE, e.what()};
    }
    out.kind = kindOf(out.result);
    return out;
}

void ApplyStep::applyAndVerify(const std::string& zone, const sdk::Zone& desired, ApplyOutcome& out) {
    int64_t expected = 0;
    out.result = backend_.apply(desired, expected);
    if (!out.result.ok()) return;
    std::string warning = out.result.message;
    int64_t counted = 0;
    BackendResult counting = backend_.count(zone, counted);
    if (!counting.ok()) {
        out.result = counting;
        out.result.message = "count after apply failed: " + counting.message;
        return;
    }
    if (counted != expected) {
        logger("dispatch")->warn("[{}] {} v{}: backend counts {} record(s), expected {}; reconciling", backend_.name(), zone, out.version,
                                 counted, expected);
        BackendResult rec = backend_.reconcile(desired);
        if (rec.ok()) rec = backend_.count(zone, counted);
        if (!rec.ok()) {
            out.result = rec;
            return;
        }
        if (counted != expected) {
            countVerification("mismatch");
            out.result = {DADNS_ERR_RETRYABLE, "record count mismatch after reconcile: backend has " + std::to_string(counted) +
                                                   ", expected " + std::to_string(expected)};
            return;
        }
        out.repaired = true;
    }
    countVerification(out.repaired ? "repaired" : "ok");
    out.verifiedCount = counted;
    out.result.message = warning;
}

void ApplyStep::countVerification(const char* result) {
    metrics_.counterAdd("dadns_verifications_total", "Record count checks after apply, by backend and result.",
                        {{"backend", backend_.name()}, {"result", result}});
}

} // namespace dadns
