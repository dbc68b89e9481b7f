// One backend's lane: a long-lived Poco::Task that keeps one backend instance converging to
// the store's desired state. Its work is every zone whose current version is newer than the
// version the backend applied; a zone is in flight at most once; the latest version wins;
// up to `parallelism` zones at once. Failures retry with backoff, then dead-letter; after
// breaker_failures consecutive failures the backend is marked down and probed with health().
// With a shared store (several instances), the lane also polls the store for work and claims
// each zone before applying it, so one zone is applied to one backend by one instance at a time;
// claims are renewed while applies run, so an apply longer than the lease keeps its zone.
#pragma once

#include "core/dispatch/DispatchOptions.hpp"
#include "core/dispatch/LaneStatus.hpp"
#include "core/dispatch/RetryPolicy.hpp"
#include "core/metrics/MetricsRegistry.hpp"
#include "core/plugin/BackendInstance.hpp"
#include "core/store/ZoneStore.hpp"

#include <Poco/Task.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

namespace dadns {

class BackendLane final : public Poco::Task {
public:
    BackendLane(std::shared_ptr<BackendInstance> backend, uint32_t parallelism, ZoneStore& store, MetricsRegistry& metrics,
                const DispatchOptions& options, std::function<void()> onResult);
    ~BackendLane() override;

    void runTask() override;

    // A zone's desired state changed to version; parsed (optional) is that version's records.
    void enqueue(const std::string& zone, uint64_t version, bool deleted, std::shared_ptr<const sdk::Zone> parsed = nullptr);
    // Queues everything the store says this backend has not applied (start, redrive, and
    // polls of a shared store); with sinceMs >= 0 only what changed since then.
    void reloadPending(bool quiet = false, int64_t sinceMs = -1);
    // Lists the backend's zones and compares them with the store; see DriftReport.
    DriftReport scanDrift(bool force);

    LaneStatus snapshot() const;
    const std::string& backendName() const { return backend_->name(); }

private:
    struct Item {
        uint64_t version = 0;
        bool deleted = false;
        int attempts = 0;          // failed attempts at this version
        int64_t dueMs = 0;
        int64_t sinceMs = 0;       // when the oldest unapplied change arrived
        bool inFlight = false;
        std::shared_ptr<const sdk::Zone> parsed; // this version's records, when the intake gave them
    };
    struct Outcome {
        BackendResult result;
        uint64_t version = 0;
        int64_t verifiedCount = -1;
        bool repaired = false;
        bool nothingToDo = false;
        bool storeError = false;   // the zone could not be read: nothing was tried on the backend
    };

    void workerLoop();
    // A worker's loop, resumed when something escapes it: no exception ends a worker thread.
    void runWorker();
    // One zone from claim to release; never throws (see requeue).
    void work(const std::string& zone, const Item& snapshot);
    // A zone whose processing threw goes back to the queue, due after the retry backoff.
    void requeue(const std::string& zone, const std::string& why);
    // Runs one house-keeping step; an exception is logged and kept as the lane's
    // houseKeepingError instead of ending the lane. Returns whether the step succeeded.
    bool guarded(const std::string& step, const std::function<void()>& fn);
    // The periodic steps of runTask's loop, each guarded.
    struct Timers;
    void keepHouse(Timers& timers);
    // Stops and joins the workers (runTask's end, however it ends).
    void stopWorkers(std::vector<std::thread>& workers);
    // Shared store: takes zone for this instance; false (and the item dropped) when another has it.
    bool claimOrDrop(const std::string& zone, const Item& snapshot);
    // Shared store: extends this lane's claims while applies run, every third of the lease.
    void renewClaims();
    Outcome process(const std::string& zone, const Item& item);
    void applyAndVerify(const std::string& zone, const sdk::Zone& desired, Outcome& out); // throws
    void finish(const std::string& zone, const Outcome& outcome, double seconds);
    // store_.recordFailure, logged instead of thrown (mutex held: finish must complete).
    void recordFailure(const std::string& zone, uint64_t version, int attempts, int64_t dueMs, const std::string& error, bool dead);
    void schedule(const std::string& zone, Item& item, int64_t dueMs); // mutex held
    void probeHealth();
    void publish();
    bool idle() const { return items_.empty(); } // mutex held

    std::shared_ptr<BackendInstance> backend_;
    uint32_t parallelism_;
    ZoneStore& store_;
    MetricsRegistry& metrics_;
    DispatchOptions options_;
    std::function<void()> onResult_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::unordered_map<std::string, Item> items_;
    std::set<std::pair<int64_t, std::string>> due_; // (dueMs, zone) of items not in flight
    size_t inFlight_ = 0;
    RetryPolicy retry_;
    bool stopping_ = false;
    bool up_ = true;
    std::string downReason_;
    int consecutiveFailures_ = 0;
    int64_t nextProbeMs_ = 0;
    int probeFailures_ = 0;
    std::string lastError_;
    std::string lastRequeueReason_;
    std::string houseKeepingStep_, houseKeepingError_;
    int64_t houseKeepingErrorAtMs_ = 0;
    uint64_t applied_ = 0, failed_ = 0, repaired_ = 0, deadLetters_ = 0;
    // The current batch: from the first zone queued on an idle lane until the lane is idle.
    bool batchOpen_ = false;
    bool batchAnnounced_ = false;
    int64_t batchStartMs_ = 0;
    uint64_t batchOk_ = 0, batchFailed_ = 0;
    std::mutex driftMutex_;
    DriftReport drift_;
    int64_t nextDriftMs_ = 0;
};

} // namespace dadns
