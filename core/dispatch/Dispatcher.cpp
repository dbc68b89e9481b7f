#include "core/dispatch/Dispatcher.hpp"

#include "core/log/Logging.hpp"

#include <Poco/NObserver.h>

#include <algorithm>
#include <optional>

namespace dadns {

Dispatcher::Dispatcher(ZoneStore& store, MetricsRegistry& metrics, DispatchOptions options)
    : store_(store), metrics_(metrics), options_(options),
      restartDelay_(options.retryBackoff, std::min<std::chrono::milliseconds>(options.retryBackoffMax, std::chrono::seconds(30)), 0) {
    // Progress the lanes record becomes readable on the store's writer thread: waiters look then.
    store_.setProgressListener([this] { wakeWaiters(); });
    metrics_.addCollector([this](MetricsRegistry& m) {
        for (const auto& lane : lanes()) {
            Labels l{{"backend", lane.backend}};
            m.gaugeSet("dadns_queue_depth", "Zones waiting to be applied, by backend.", l, static_cast<double>(lane.queued));
            m.gaugeSet("dadns_oldest_pending_seconds", "Age of the oldest change not yet applied, by backend.", l,
                       static_cast<double>(lane.oldestPendingMs) / 1000.0);
            m.gaugeSet("dadns_backend_up", "1 when the backend takes writes, 0 while marked down.", l, lane.up ? 1 : 0);
        }
    });
}

Dispatcher::~Dispatcher() {
    stop();
    store_.setProgressListener(nullptr);
}

void Dispatcher::addBackend(std::shared_ptr<BackendInstance> backend, uint32_t parallelism) {
    std::string name = backend->name();
    auto lane = Poco::AutoPtr<BackendLane>(new BackendLane(
        std::move(backend), parallelism, store_, metrics_, options_, [this](const ZoneResult& result) {
            wakeWaiters();
            if (result.state && resultListener_) resultListener_(result);
        }));
    lanes_.push_back(lane);
    std::lock_guard<std::mutex> lock(statusMutex_);
    published_[name] = lanes_.back()->snapshot();
}

void Dispatcher::start() {
    if (started_ || lanes_.empty()) return;
    started_ = true;
    pool_ = std::make_unique<Poco::ThreadPool>(static_cast<int>(lanes_.size()), static_cast<int>(lanes_.size()) + 1);
    tasks_ = std::make_unique<Poco::TaskManager>(*pool_);
    tasks_->addObserver(Poco::NObserver<Dispatcher, Poco::TaskCustomNotification<LaneStatus>>(*this, &Dispatcher::onLaneStatus));
    tasks_->addObserver(Poco::NObserver<Dispatcher, Poco::TaskFailedNotification>(*this, &Dispatcher::onTaskFailed));
    tasks_->addObserver(Poco::NObserver<Dispatcher, Poco::TaskFinishedNotification>(*this, &Dispatcher::onTaskFinished));
    {
        std::lock_guard<std::mutex> lock(restartMutex_);
        stopping_ = false;
        for (auto& lane : lanes_) restarts_[lane->backendName()].startedAt = std::chrono::steady_clock::now();
    }
    for (auto& lane : lanes_) {
        lane->duplicate(); // the TaskManager takes its own reference
        tasks_->start(lane.get());
    }
    restarter_ = std::thread([this] { restartLanes(); });
}

void Dispatcher::stop() {
    if (!started_) return;
    started_ = false;
    {
        std::lock_guard<std::mutex> lock(restartMutex_);
        stopping_ = true;
    }
    restartWake_.notify_all();
    restarter_.join();
    tasks_->cancelAll();
    tasks_->joinAll(); // the lanes finish what they have in flight
    try {
        if (WorkClaims* claims = store_.workClaims(); claims)
            if (size_t released = claims->releaseAll(options_.holder))
                logger("dispatch")->info("released {} claim(s) of {}", released, options_.holder);
    } catch (const std::exception& e) {
        logger("dispatch")->warn("releasing the claims of {} failed (they expire): {}", options_.holder, e.what());
    }
    tasks_->removeObserver(Poco::NObserver<Dispatcher, Poco::TaskCustomNotification<LaneStatus>>(*this, &Dispatcher::onLaneStatus));
    tasks_->removeObserver(Poco::NObserver<Dispatcher, Poco::TaskFailedNotification>(*this, &Dispatcher::onTaskFailed));
    tasks_->removeObserver(Poco::NObserver<Dispatcher, Poco::TaskFinishedNotification>(*this, &Dispatcher::onTaskFinished));
    wakeWaiters();
}

void Dispatcher::notify(const ZoneChange& change) {
    for (auto& lane : lanes_) lane->enqueue(change.zone, change.version, change.deleted, change.parsed);
    if (!lanes_.empty()) logger("dispatch")->debug("{} v{} queued for {} backend(s)", change.zone, change.version, lanes_.size());
}

void Dispatcher::onLaneStatus(const Poco::AutoPtr<Poco::TaskCustomNotification<LaneStatus>>& n) {
    std::lock_guard<std::mutex> lock(statusMutex_);
    published_[n->custom().backend] = n->custom();
}

void Dispatcher::onTaskFailed(const Poco::AutoPtr<Poco::TaskFailedNotification>& n) {
    logger("dispatch")->critical("lane {} stopped: {}", n->task()->name(), n->reason().displayText());
    auto* lane = dynamic_cast<BackendLane*>(n->task());
    if (!lane) return;
    std::lock_guard<std::mutex> lock(restartMutex_);
    restarts_[lane->backendName()].reason = n->reason().displayText();
}

// Posted once the TaskManager let go of the task, so it can be started again.
void Dispatcher::onTaskFinished(const Poco::AutoPtr<Poco::TaskFinishedNotification>& n) {
    auto* lane = dynamic_cast<BackendLane*>(n->task());
    if (!lane) return;
    const std::string& name = lane->backendName();
    std::string why;
    std::chrono::milliseconds delay{0};
    {
        std::lock_guard<std::mutex> lock(restartMutex_);
        if (stopping_) return;
        Restart& r = restarts_[name];
        auto now = std::chrono::steady_clock::now();
        if (now - r.startedAt > std::chrono::minutes(1)) r.count = 0; // it ran a while: not a crash loop
        delay = restartDelay_.delayAfter(++r.count);
        why = "lane stopped: " + (r.reason.empty() ? std::string("its task ended") : r.reason) + "; restarting";
        r.reason.clear();
        r.due = now + delay;
        r.pending = true;
    }
    {
        std::lock_guard<std::mutex> lock(statusMutex_);
        LaneStatus& st = published_[name];
        st.up = false;
        st.downReason = why;
    }
    logger("dispatch")->error("[{}] {} in {} ms", name, why, delay.count());
    restartWake_.notify_all();
}

// Decides under restartMutex_ which lanes are due, starts them after letting go of it: starting
// a task takes the task's lock, and a task posting a notification holds that lock while
// onTaskFailed takes restartMutex_ (the reverse order would deadlock).
void Dispatcher::restartLanes() {
    std::unique_lock<std::mutex> lock(restartMutex_);
    while (!stopping_) {
        auto now = std::chrono::steady_clock::now();
        auto next = now + std::chrono::seconds(1);
        std::vector<std::string> due;
        for (auto& [name, r] : restarts_) {
            if (!r.pending) continue;
            if (r.due > now) {
                next = std::min(next, r.due);
                continue;
            }
            r.pending = false; // before it runs: a lane that ends at once is pending again
            r.startedAt = now;
            due.push_back(name);
        }
        std::vector<std::pair<std::string, std::string>> failed;
        lock.unlock();
        for (const auto& name : due) {
            try {
                BackendLane* lane = find(name);
                lane->reset();
                lane->duplicate(); // the TaskManager takes its own reference (and drops it if start throws)
                tasks_->start(lane);
                logger("dispatch")->warn("[{}] lane started again", name);
            } catch (const std::exception& e) {
                failed.emplace_back(name, e.what());
            }
        }
        lock.lock();
        for (const auto& [name, why] : failed) {
            Restart& r = restarts_[name];
            r.pending = true;
            r.due = now + std::chrono::seconds(1);
            next = std::min(next, r.due);
            logger("dispatch")->error("[{}] starting the lane again failed (tried again): {}", name, why);
        }
        restartWake_.wait_until(lock, next);
    }
}

std::vector<LaneStatus> Dispatcher::lanes() const {
    std::lock_guard<std::mutex> lock(statusMutex_);
    std::vector<LaneStatus> out;
    for (const auto& [name, status] : published_) out.push_back(status);
    return out;
}

bool Dispatcher::hasBackend(const std::string& name) const { return find(name) != nullptr; }

std::vector<ServedNow> Dispatcher::servedNow(const std::string& zone) const {
    std::vector<ServedNow> out;
    for (const auto& lane : lanes_) {
        ServedNow s;
        s.backend = lane->backendName();
        if (lane->backend().reportsServedRecords()) {
            s.method = VerifyMethod::Content;
            LaneStatus status = lane->snapshot();
            // A backend that is down would only make the caller wait for its timeouts.
            if (!status.up) s.result = {DADNS_ERR_RETRYABLE, "the backend is down: " + status.downReason};
            else s.result = lane->backend().servedRecords(zone, s.records);
        }
        out.push_back(std::move(s));
    }
    // An instance without lanes of its own (--role=ingest) knows the others' backends only by
    // the progress they record: by the versions they applied.
    if (lanes_.empty() && store_.workClaims())
        for (const auto& name : store_.workClaims()->backendNames()) out.push_back(ServedNow{name, VerifyMethod::Count, {}, std::nullopt});
    return out;
}

BackendLane* Dispatcher::find(const std::string& name) const {
    for (const auto& lane : lanes_)
        if (lane->backendName() == name) return const_cast<BackendLane*>(lane.get());
    return nullptr;
}

size_t Dispatcher::redrive(const std::string& backend, const std::string& zone) {
    BackendLane* lane = find(backend);
    if (!lane) return 0;
    size_t n = store_.redrive(backend, zone);
    if (n == 0 && !zone.empty()) return 0; // not a dead letter here: nothing to queue again
    lane->redrive(zone);
    if (zone.empty()) logger("dispatch")->info("[{}] redrive: {} dead-lettered zone(s) queued again", backend, n);
    else if (n) logger("dispatch")->info("[{}] redrive: {} queued again", backend, zone);
    return n;
}

std::string Dispatcher::details(const std::string& backend) const {
    BackendLane* lane = find(backend);
    return lane ? lane->backend().describe() : "{}";
}

DriftReport Dispatcher::scanDrift(const std::string& backend, bool force) {
    BackendLane* lane = find(backend);
    if (!lane) return {};
    return lane->scanDrift(force);
}

BackendOutcome Dispatcher::outcomeOf(const std::string& backend, const std::string& zone, uint64_t version, int64_t changedAtMs) {
    BackendOutcome o;
    o.backend = backend;
    o.state = "pending";
    std::optional<BackendZoneState> st;
    try {
        st = store_.backendState(backend, zone);
    } catch (const std::exception& e) { // not known yet: the change is stored either way
        o.error = std::string("the store could not be read: ") + e.what();
        return o;
    }
    if (!st) return o;
    o.appliedVersion = st->appliedVersion;
    bool failedNow = st->failedVersion >= version && st->updatedAtMs >= changedAtMs;
    if (st->appliedVersion >= version) {
        o.state = "applied";
        o.warning = st->warning;
    } else if (failedNow && st->deadLetter) {
        o.state = "dead";
        o.error = st->lastError;
        o.attempts = st->attempts;
    } else if (failedNow && st->attempts > 0) {
        o.state = "retrying";
        o.error = st->lastError;
        o.attempts = st->attempts;
        o.nextAttemptMs = st->nextAttemptMs;
    }
    return o;
}

std::vector<BackendOutcome> Dispatcher::waitFor(const std::string& zone, uint64_t version, int64_t changedAtMs,
                                                std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    // An instance without backends of its own (--role=ingest) waits on the ones the dispatch
    // instances record progress for.
    std::vector<std::string> backends;
    for (const auto& lane : lanes_) backends.push_back(lane->backendName());
    if (backends.empty() && store_.workClaims()) backends = store_.workClaims()->backendNames();
    std::vector<BackendOutcome> out;
    while (true) {
        uint64_t seen;
        {
            std::lock_guard<std::mutex> lock(waitMutex_);
            seen = waitGeneration_;
        }
        out.clear();
        bool settled = true;
        for (const auto& backend : backends) {
            out.push_back(outcomeOf(backend, zone, version, changedAtMs));
            settled = settled && out.back().settled();
        }
        if (settled || std::chrono::steady_clock::now() >= deadline) return out;
        // Lanes wake this when they finish a zone; the timeout covers progress recorded by
        // other instances of a shared store.
        std::unique_lock<std::mutex> lock(waitMutex_);
        waitChanged_.wait_for(lock, std::chrono::milliseconds(50), [&] { return waitGeneration_ != seen; });
    }
}

void Dispatcher::wakeWaiters() {
    {
        std::lock_guard<std::mutex> lock(waitMutex_);
        ++waitGeneration_;
    }
    waitChanged_.notify_all();
}

} // namespace dadns
