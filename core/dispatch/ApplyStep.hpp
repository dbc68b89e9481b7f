// One attempt to bring a backend to one zone: read the desired state (the intake's parsed
// records when they are of the version queued, else the store's latest), apply or remove it,
// then verify that the backend serves it (ServedCheck: by content, or by count), reconciling
// once on a difference. Never throws: every failure is in the outcome.
#pragma once

#include "core/dispatch/OutcomePolicy.hpp"
#include "core/dispatch/ServedCheck.hpp"
#include "core/dispatch/ZoneQueue.hpp"
#include "core/metrics/MetricsRegistry.hpp"
#include "core/plugin/BackendInstance.hpp"
#include "core/store/ZoneStore.hpp"

#include <chrono>
#include <string>

namespace dadns {

struct ApplyOutcome {
    ApplyKind kind = ApplyKind::Applied;
    BackendResult result;      // the backend's error, or its warning on success
    uint64_t version = 0;      // the version tried: the latest the store had
    int64_t verifiedCount = -1;
    bool repaired = false;     // served as desired only after reconcile
    bool storeError = false;   // the zone could not be read: nothing was tried on the backend
};

class ApplyStep {
public:
    // stopping: see ServedCheck.
    ApplyStep(BackendInstance& backend, ZoneStore& store, MetricsRegistry& metrics, std::chrono::milliseconds verifySettle,
              std::function<bool()> stopping = {})
        : backend_(backend), store_(store), metrics_(metrics), check_(backend, verifySettle, std::move(stopping)) {}

    ApplyOutcome run(const std::string& zone, const ZoneWork& work);
    VerifyMethod verifyMethod() const { return check_.method(); }

private:
    void applyAndVerify(const std::string& zone, const sdk::Zone& desired, ApplyOutcome& out); // throws
    void removeAndVerify(const std::string& zone, ApplyOutcome& out);
    void countVerification(const char* result);

    BackendInstance& backend_;
    ZoneStore& store_;
    MetricsRegistry& metrics_;
    ServedCheck check_;
};

} // namespace dadns
