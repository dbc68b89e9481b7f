// One backend's lane: a long-lived Poco::Task that keeps one backend instance converging to
// the store's desired state, up to `parallelism` zones at once. The rules live in its parts:
//   ZoneQueue      which zones are due, latest version wins, dead letters parked;
//   ApplyStep      one apply (or remove) and its record-count verification;
//   OutcomePolicy  what an outcome means for the zone (done, retry, dead letter) and the breaker;
//   BatchProgress  the batch log lines and progress;
//   DriftScan      the backend's zones against the store.
// What remains here is threads and wiring: workers take due zones, the house-keeping thread
// probes a backend whose breaker is open, scans for drift, polls a shared store and publishes
// status. Store round trips happen outside the lane's lock, while the zone is still in
// flight, so no record of an older version can overtake a newer one's.
// With a shared store (several instances) a zone is claimed before it is applied, so one zone
// is applied to one backend by one instance at a time; claims are renewed while applies run.
#pragma once

#include "core/dispatch/ApplyStep.hpp"
#include "core/dispatch/BatchProgress.hpp"
#include "core/dispatch/DispatchOptions.hpp"
#include "core/dispatch/LaneStatus.hpp"
#include "core/dispatch/RateSeries.hpp"
#include "core/dispatch/RetryPolicy.hpp"
#include "core/dispatch/ZoneQueue.hpp"
#include "core/metrics/MetricsRegistry.hpp"
#include "core/plugin/BackendInstance.hpp"
#include "core/store/WorkClaims.hpp"
#include "core/store/ZoneStore.hpp"

#include <Poco/Task.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace dadns {

class BackendLane final : public Poco::Task {
public:
    BackendLane(std::shared_ptr<BackendInstance> backend, uint32_t parallelism, ZoneStore& store, MetricsRegistry& metrics,
                const DispatchOptions& options, std::function<void(const ZoneResult&)> onResult);
    ~BackendLane() override;

    void runTask() override;

    // A zone's desired state changed to version; parsed (optional) is that version's records.
    void enqueue(const std::string& zone, uint64_t version, bool deleted, std::shared_ptr<const sdk::Zone> parsed = nullptr);
    // Queues everything the store says this backend has not applied (start, redrive, and
    // polls of a shared store); with sinceMs >= 0 only what changed since then.
    void reloadPending(bool quiet = false, int64_t sinceMs = -1);
    // After the store cleared this backend's dead letters: un-park them and queue them again.
    // (zone: only its dead letter.)
    void redrive(const std::string& zone = "");
    // Lists the backend's zones and compares them with the store; see DriftScan.
    DriftReport scanDrift(bool force);

    LaneStatus snapshot() const;
    const std::string& backendName() const { return backend_->name(); }
    BackendInstance& backend() const { return *backend_; }

private:
    // A worker's loop, resumed when something escapes it: no exception ends a worker thread.
    void runWorker();
    void workerLoop();
    // One zone from claim to release; never throws. repair: a drift repair of an applied version.
    void work(const std::string& zone, const ZoneWork& work, bool repair);
    // Records the outcome in the store, then settles the zone, the breaker and the counts.
    void finish(const std::string& zone, const ZoneWork& work, const ApplyOutcome& outcome, double seconds);
    void recordOutcome(const std::string& zone, const ApplyOutcome& outcome, const ZoneDecision& decision);
    void logOutcome(const std::string& zone, const ApplyOutcome& outcome, const ZoneDecision& decision, double seconds);
    // A zone whose processing failed before any outcome goes back, due after the retry backoff.
    void putBack(const std::string& zone, const std::string& why);
    // Parks the store's dead letters (start).
    void loadDeadLetters();
    // Runs one house-keeping step; an exception is logged and kept as the lane's
    // houseKeepingError instead of ending the lane. Returns whether the step succeeded.
    bool guarded(const std::string& step, const std::function<void()>& fn);
    struct Timers;
    void keepHouse(Timers& timers);
    void stopWorkers(std::vector<std::thread>& workers);
    // Shared store: takes zone for this instance; false (and the zone dropped) when another has
    // it, or applied version already. A repair of an applied version is applied even so, and
    // waits (put back) while another instance holds the zone.
    bool claimOrDrop(const std::string& zone, uint64_t version, bool repair);
    // Shared store: extends this lane's claims while applies run, every third of the lease.
    void renewClaims();
    void probeHealth();
    void publish();
    void logBatchLine(const std::optional<std::string>& line) const;

    std::shared_ptr<BackendInstance> backend_;
    uint32_t parallelism_;
    ZoneStore& store_;
    WorkClaims* claims_; // a shared store's; null when this instance is the only one
    MetricsRegistry& metrics_;
    DispatchOptions options_;
    std::function<void(const ZoneResult&)> onResult_;
    ApplyStep apply_;
    RetryPolicy retry_;

    // The breaker and, while it is open, the health probes that close it.
    struct Health {
        BreakerState breaker;
        std::string downReason;
        int64_t nextProbeMs = 0;
        int probeFailures = 0;
    };
    // Outcomes since start, for status.
    struct Totals {
        uint64_t applied = 0, failed = 0, repaired = 0;
        std::string lastError;
        std::string lastPutBackReason; // logged once per distinct reason
    };
    // The last failed house-keeping step, until it succeeds again.
    struct HouseKeepingFailure {
        std::string step, error;
        int64_t atMs = 0;
    };

    mutable std::mutex mutex_; // guards everything below but the drift members
    std::condition_variable wake_;
    bool stopping_ = false;
    ZoneQueue queue_;
    BatchProgress batch_;
    Health health_;
    Totals totals_;
    RateSeries appliedRate_;
    HouseKeepingFailure houseKeeping_;

    std::mutex driftMutex_; // one scan at a time
    std::string contentCursor_; // guarded by driftMutex_: where the next scan's content comparison goes on
    DriftReport drift_;     // guarded by mutex_
    int64_t nextDriftMs_ = 0;
};

} // namespace dadns
