// Applies the store's desired state to every enabled backend: one BackendLane per backend
// instance, run by a Poco::TaskManager, so a slow or failing backend never holds another back.
// Lanes publish their status through TaskManager notifications; status reads those. A lane
// whose task ends while the dispatcher runs (an exception escaped it) is shown down with the
// reason and started again after a backoff.
#pragma once

#include "core/dispatch/BackendLane.hpp"
#include "core/dispatch/DispatchOptions.hpp"
#include "core/intake/ChangeIntake.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/TaskManager.h>
#include <Poco/TaskNotification.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dadns {

// Where one backend stands with one zone version, for callers that wait (?wait=SECONDS).
struct BackendOutcome {
    std::string backend;
    // "applied"; "dead" (a dead letter: a permanent error, or retries used up); "retrying"
    // (failed, tried again at nextAttemptMs); "pending" (not tried yet).
    std::string state;
    uint64_t appliedVersion = 0;
    int attempts = 0;          // retrying: failed attempts so far
    int64_t nextAttemptMs = 0; // retrying: wall-clock ms of the next attempt
    std::string error;
    std::string warning;       // the backend's note on a successful apply
    bool settled() const { return state == "applied" || state == "dead"; }
};

struct ServedNow {
    std::string backend;
    VerifyMethod method = VerifyMethod::Count;
    BackendResult result;                               // the read failed when not ok
    std::optional<std::vector<sdk::Record>> records;    // nullopt: not served (or count-verified)
};

class Dispatcher {
public:
    Dispatcher(ZoneStore& store, MetricsRegistry& metrics, DispatchOptions options);
    ~Dispatcher();

    void addBackend(std::shared_ptr<BackendInstance> backend, uint32_t parallelism);
    // Called on a lane's thread each time a backend finished a zone; must not block. Set
    // before start().
    void setResultListener(std::function<void(const ZoneResult&)> listener) { resultListener_ = std::move(listener); }
    void start();
    // Cancels the lanes; zones in flight finish (their backends' calls are not interrupted).
    void stop();

    // A zone's desired state changed (from the intake).
    void notify(const ZoneChange& change);

    // Waits until every backend applied version or dead-lettered it, or timeout: a backend
    // that retries is waited for. changedAtMs (wall-clock ms, taken before the change was
    // submitted) keeps failures of earlier changes out.
    std::vector<BackendOutcome> waitFor(const std::string& zone, uint64_t version, int64_t changedAtMs,
                                        std::chrono::milliseconds timeout);

    // The latest status each lane published.
    std::vector<LaneStatus> lanes() const;
    bool hasBackend(const std::string& name) const;
    // Clears the backend's dead letters and queues them again; returns how many.
    // (zone: only that zone's dead letter.)
    size_t redrive(const std::string& backend, const std::string& zone = "");
    DriftReport scanDrift(const std::string& backend, bool force);
    // What the backend's plugin says of its own state (ABI 1.4 describe): a JSON object, "{}"
    // when it says nothing or there is no such backend.
    std::string details(const std::string& backend) const;
    // What each backend serves for the zone now (ABI 1.3 served_records); records stay empty
    // for a backend verified by count, which cannot say, and for one that is down (result says
    // so). With no lanes of its own (--role=ingest), the shared store's backends, by count.
    // For plans and diffs.
    std::vector<ServedNow> servedNow(const std::string& zone) const;

private:
    void onLaneStatus(const Poco::AutoPtr<Poco::TaskCustomNotification<LaneStatus>>& n);
    void onTaskFailed(const Poco::AutoPtr<Poco::TaskFailedNotification>& n);
    void onTaskFinished(const Poco::AutoPtr<Poco::TaskFinishedNotification>& n);
    // The restarter thread: starts lanes whose restart is due, until stop().
    void restartLanes();
    BackendLane* find(const std::string& name) const;
    // Wakes waitFor's callers: something they wait on may have changed.
    void wakeWaiters();
    // One backend's state for a waiter (see BackendOutcome).
    BackendOutcome outcomeOf(const std::string& backend, const std::string& zone, uint64_t version, int64_t changedAtMs);

    ZoneStore& store_;
    MetricsRegistry& metrics_;
    DispatchOptions options_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::TaskManager> tasks_;
    std::vector<Poco::AutoPtr<BackendLane>> lanes_;
    bool started_ = false;
    std::function<void(const ZoneResult&)> resultListener_;

    mutable std::mutex statusMutex_;
    std::map<std::string, LaneStatus> published_;

    // Lanes that ended unexpectedly: why, when to start them again, and how many times in a row.
    struct Restart {
        std::string reason;
        std::chrono::steady_clock::time_point due{}, startedAt{};
        int count = 0;
        bool pending = false;
    };
    std::mutex restartMutex_;
    std::condition_variable restartWake_;
    std::map<std::string, Restart> restarts_;
    bool stopping_ = false; // guarded by restartMutex_: lanes ending now end on purpose
    std::thread restarter_;
    RetryPolicy restartDelay_;

    std::mutex waitMutex_;
    std::condition_variable waitChanged_; // a lane finished a zone
    uint64_t waitGeneration_ = 0;         // counts those, under waitMutex_: a waiter that looked
                                          // before a finish still sees it (no lost wake-up)
};

} // namespace dadns
