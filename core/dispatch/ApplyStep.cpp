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
            removeAndVerify(zone, out);
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
    ServedVerdict v = check_.served(zone, desired.records, expected);
    if (!v.result.ok()) {
        out.result = {v.result.code, "verifying after apply failed: " + v.result.message};
        return;
    }
    if (!v.matches) {
        logger("dispatch")->warn("[{}] {} v{}: backend {}; reconciling", backend_.name(), zone, out.version, v.difference);
        BackendResult rec = backend_.reconcile(desired);
        if (rec.ok()) v = check_.served(zone, desired.records, expected);
        if (!rec.ok() || !v.result.ok()) {
            out.result = rec.ok() ? v.result : rec;
            return;
        }
        if (!v.matches) {
            countVerification("mismatch");
            out.result = {DADNS_ERR_RETRYABLE, "after reconcile the backend still " + v.difference};
            return;
        }
        out.repaired = true;
    }
    countVerification(out.repaired ? "repaired" : "ok");
    out.verifiedCount = v.count;
    out.result.message = warning;
}

void ApplyStep::removeAndVerify(const std::string& zone, ApplyOutcome& out) {
    out.result = backend_.remove(zone);
    if (!out.result.ok()) return;
    ServedVerdict v = check_.gone(zone);
    if (!v.result.ok()) {
        out.result = {v.result.code, "verifying after remove failed: " + v.result.message};
        return;
    }
    if (!v.matches) {
        countVerification("mismatch");
        out.result = {DADNS_ERR_RETRYABLE, "after remove the backend " + v.difference};
        return;
    }
    out.verifiedCount = 0;
}

void ApplyStep::countVerification(const char* result) {
    metrics_.counterAdd("dadns_verifications_total",
                        "Checks that a backend serves what was applied, by backend, method (content or count) and result.",
                        {{"backend", backend_.name()}, {"method", verifyMethodName(check_.method())}, {"result", result}});
}

} // namespace dadns
