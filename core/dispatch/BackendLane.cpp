#include "core/dispatch/BackendLane.hpp"

#include "core/dispatch/DriftScan.hpp"
#include "core/log/Logging.hpp"
#include "core/util/WallClock.hpp"

#include <Poco/TaskNotification.h>

#include <algorithm>
#include <chrono>

namespace dadns {
namespace {

const char* resultLabel(ApplyKind kind) {
    switch (kind) {
    case ApplyKind::Applied: return "ok";
    case ApplyKind::NothingToDo: return "skipped";
    case ApplyKind::Retryable: return "retryable";
    case ApplyKind::Permanent: return "permanent";
    }
    return "unknown";
}

} // namespace

BackendLane::BackendLane(std::shared_ptr<BackendInstance> backend, uint32_t parallelism, ZoneStore& store,
                         MetricsRegistry& metrics, const DispatchOptions& options, std::function<void(const ZoneResult&)> onResult)
    : Poco::Task("lane:" + backend->name()), backend_(std::move(backend)), parallelism_(std::max<uint32_t>(parallelism, 1)),
      store_(store), claims_(store.workClaims()), metrics_(metrics), options_(options), onResult_(std::move(onResult)), apply_(*backend_, store_, metrics_, options_.verifySettle, [this] { return isCancelled(); }),
      retry_(options.retryBackoff, options.retryBackoffMax, options.maxAttempts) {
    if (options_.driftInterval.count() > 0) nextDriftMs_ = nowMs() + options_.driftInterval.count();
}

BackendLane::~BackendLane() = default;

void BackendLane::enqueue(const std::string& zone, uint64_t version, bool deleted, std::shared_ptr<const sdk::Zone> parsed) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        int64_t now = nowMs();
        if (queue_.offer(zone, ZoneWork{version, deleted, 0, 0, std::move(parsed)}, now)) batch_.opened(now);
    }
    wake_.notify_one();
}

void BackendLane::reloadPending(bool quiet, int64_t sinceMs) {
    auto pending = sinceMs < 0 || !claims_ ? store_.pending(backend_->name()) : claims_->pendingSince(backend_->name(), sinceMs);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        int64_t now = nowMs();
        for (const auto& p : pending)
            if (queue_.offer(p.zone, ZoneWork{p.version, p.deleted, p.attempts, p.nextAttemptMs, nullptr}, now))
                batch_.opened(now, quiet); // polls of a shared store are not batches of this lane
    }
    if (!pending.empty() && !quiet) logger("dispatch")->info("[{}] {} zone(s) pending from the store", backend_->name(), pending.size());
    wake_.notify_all();
}

void BackendLane::loadDeadLetters() {
    auto dead = store_.deadLetters(backend_->name());
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& d : dead) queue_.park(d.zone, d.failedVersion);
}

void BackendLane::redrive(const std::string& zone) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        queue_.redrive(zone);
    }
    reloadPending();
}

// When the house-keeping thread's periodic steps run next (0: never).
struct BackendLane::Timers {
    int64_t nextPollMs = 0, nextRenewMs = 0, lastPollMs = 0, nextFullPollMs = 0;
};

void BackendLane::runTask() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = false; // the dispatcher may run a lane again after it ended
    }
    // Not guarded: a lane that cannot read its work does not start; the dispatcher shows it down
    // with the reason and starts it again.
    loadDeadLetters();
    reloadPending();
    std::vector<std::thread> workers;
    // However runTask ends, the workers are stopped and joined (a joinable std::thread destroyed
    // by an exception would terminate the process).
    struct Joiner {
        BackendLane& lane;
        std::vector<std::thread>& workers;
        ~Joiner() { lane.stopWorkers(workers); }
    } joiner{*this, workers};
    for (uint32_t i = 0; i < parallelism_; ++i) workers.emplace_back([this] { runWorker(); });
    Timers timers;
    int64_t now = nowMs();
    timers.nextPollMs = claims_ ? now + options_.pollInterval.count() : 0;
    timers.nextRenewMs = timers.nextPollMs ? now + options_.lease.count() / 3 : 0;
    timers.lastPollMs = now;
    timers.nextFullPollMs = now + options_.lease.count();
    while (!sleep(250)) keepHouse(timers);
    stopWorkers(workers);
    guarded("publish", [this] { publish(); });
}

void BackendLane::keepHouse(Timers& t) {
    if (t.nextPollMs && nowMs() >= t.nextPollMs) {
        // Polls look at what changed since the last successful one (minus a margin for the
        // instances' clocks); once per lease a full poll also finds zones whose claims expired.
        constexpr int64_t kClockMarginMs = 5000;
        int64_t started = nowMs();
        bool full = started >= t.nextFullPollMs;
        if (guarded("store poll", [&] { reloadPending(true, full ? -1 : t.lastPollMs - kClockMarginMs); })) {
            if (full) t.nextFullPollMs = started + options_.lease.count();
            t.lastPollMs = started;
        }
        t.nextPollMs = nowMs() + options_.pollInterval.count();
    }
    if (t.nextRenewMs && nowMs() >= t.nextRenewMs) {
        guarded("claim renewal", [this] { renewClaims(); });
        t.nextRenewMs = nowMs() + options_.lease.count() / 3;
    }
    bool probe = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        probe = health_.breaker.open && nowMs() >= health_.nextProbeMs;
    }
    if (probe) guarded("health probe", [this] { probeHealth(); });
    if (nextDriftMs_ && nowMs() >= nextDriftMs_) {
        guarded("drift scan", [this] { scanDrift(false); });
        nextDriftMs_ = nowMs() + options_.driftInterval.count();
    }
    guarded("publish", [this] { publish(); });
}

bool BackendLane::guarded(const std::string& step, const std::function<void()>& fn) {
    std::string error;
    try {
        fn();
        std::lock_guard<std::mutex> lock(mutex_);
        if (houseKeeping_.step == step) { // it works again
            houseKeeping_.step.clear();
            houseKeeping_.error.clear();
            houseKeeping_.atMs = 0;
        }
        return true;
    } catch (const std::exception& e) {
        error = step + " failed: " + e.what();
    } catch (...) {
        error = step + " failed: unknown error";
    }
    bool again = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        again = houseKeeping_.error == error;
        houseKeeping_.step = step;
        houseKeeping_.error = error;
        houseKeeping_.atMs = nowMs();
    }
    // Once per distinct error: a store that stays down does not flood the log.
    if (again) logger("dispatch")->debug("[{}] {}", backend_->name(), error);
    else logger("dispatch")->error("[{}] {} (the lane goes on)", backend_->name(), error);
    return false;
}

void BackendLane::stopWorkers(std::vector<std::thread>& workers) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers)
        if (w.joinable()) w.join();
    workers.clear();
}

void BackendLane::runWorker() {
    while (!guarded("worker", [this] { workerLoop(); })) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void BackendLane::workerLoop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        int64_t now = nowMs();
        auto taken = health_.breaker.open ? std::nullopt : queue_.takeDue(now);
        if (!taken) {
            auto due = health_.breaker.open ? std::nullopt : queue_.nextDueMs();
            wake_.wait_for(lock, std::chrono::milliseconds(due ? std::clamp<int64_t>(*due - now, 1, 500) : 500));
            continue;
        }
        auto announced = batch_.started(queue_.size());
        lock.unlock();
        logBatchLine(announced);
        work(taken->first, taken->second.work, taken->second.repair);
        lock.lock();
    }
}

void BackendLane::work(const std::string& zone, const ZoneWork& queued, bool repair) {
    bool claimed = false;
    try {
        if (claims_) {
            if (!claimOrDrop(zone, queued.version, repair)) return;
            claimed = true;
        }
        auto started = std::chrono::steady_clock::now();
        ApplyOutcome outcome = apply_.run(zone, queued);
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        // The store, not the backend, failed: no attempt counted, no breaker, no record.
        if (outcome.storeError) putBack(zone, outcome.result.message);
        else finish(zone, queued, outcome, seconds);
    } catch (const std::exception& e) {
        putBack(zone, std::string("processing failed: ") + e.what());
    } catch (...) {
        putBack(zone, "processing failed: unknown error");
    }
    if (!claimed) return;
    try {
        claims_->release(backend_->name(), zone, options_.holder);
    } catch (const std::exception& e) {
        logger("dispatch")->warn("[{}] {}: releasing the claim failed (it expires): {}", backend_->name(), zone, e.what());
    }
}

void BackendLane::finish(const std::string& zone, const ZoneWork& queued, const ApplyOutcome& outcome, double seconds) {
    const std::string& name = backend_->name();
    metrics_.counterAdd("dadns_applies_total", "Backend applies, by backend and result.", {{"backend", name}, {"result", resultLabel(outcome.kind)}});
    metrics_.histogramObserve("dadns_apply_duration_seconds", "Time to apply and verify one zone, by backend.", {{"backend", name}}, seconds);
    // Attempts count per version: a newer version read from the store starts afresh.
    int attemptsBefore = outcome.version == queued.version ? queued.attempts : 0;
    ZoneDecision decision = decideZone(outcome.kind, attemptsBefore, retry_);
    recordOutcome(zone, outcome, decision);

    std::optional<std::string> batchLine;
    bool opened = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        int64_t now = nowMs();
        queue_.settle(zone, outcome.version, decision, now);
        bool wasOpen = health_.breaker.open;
        health_.breaker = breakerAfter(health_.breaker, outcome.kind, options_.breakerFailures);
        if (health_.breaker.open && !wasOpen) {
            opened = true;
            health_.downReason = outcome.result.message;
            health_.probeFailures = 0;
            health_.nextProbeMs = now + options_.retryBackoff.count();
        }
        if (outcome.kind == ApplyKind::Applied) {
            ++totals_.applied;
            appliedRate_.add(now);
            if (outcome.repaired) ++totals_.repaired;
            totals_.lastPutBackReason.clear(); // the next put-back is news again
            batch_.succeeded();
        } else if (outcome.kind != ApplyKind::NothingToDo) {
            ++totals_.failed;
            totals_.lastError = zone + ": " + outcome.result.message;
            if (decision.next == ZoneDecision::Next::DeadLetter) batch_.failed();
        }
        batchLine = batch_.closeIfIdle(queue_.empty(), now);
    }

    logOutcome(zone, outcome, decision, seconds);
    if (opened)
        logger("dispatch")->error("[{}] marked down after {} consecutive retryable failures: {}", name, options_.breakerFailures,
                                  outcome.result.message);
    logBatchLine(batchLine);
    wake_.notify_one();
    if (!onResult_) return;
    const char* state = outcome.kind == ApplyKind::NothingToDo                ? nullptr
                        : outcome.kind == ApplyKind::Applied                  ? "applied"
                        : decision.next == ZoneDecision::Next::DeadLetter     ? "dead"
                                                                              : "retrying";
    onResult_(ZoneResult{name, zone, outcome.version, state, outcome.result.message});
}

void BackendLane::logOutcome(const std::string& zone, const ApplyOutcome& outcome, const ZoneDecision& decision, double seconds) {
    const std::string& name = backend_->name();
    auto log = logger("dispatch");
    switch (decision.next) {
    case ZoneDecision::Next::Done:
        if (outcome.kind == ApplyKind::Applied) {
            if (!outcome.result.message.empty()) log->warn("[{}] {} v{}: {}", name, zone, outcome.version, outcome.result.message);
            log->debug("[{}] {} v{} applied in {:.1f} ms ({} records verified)", name, zone, outcome.version, seconds * 1000,
                       outcome.verifiedCount);
        }
        break;
    case ZoneDecision::Next::RetryLater:
        log->warn("[{}] {} v{}: {} (attempt {}/{}, retry in {} ms)", name, zone, outcome.version, outcome.result.message, decision.attempts,
                  retry_.maxAttempts(), decision.retryIn.count());
        break;
    case ZoneDecision::Next::DeadLetter:
        metrics_.counterAdd("dadns_dead_letters_total", "Zones given up on (dead letters), by backend.", {{"backend", name}});
        log->error("[{}] {} v{}: {} ({} attempt(s)); dead letter until redriven or changed", name, zone, outcome.version,
                   outcome.result.message, decision.attempts);
        break;
    }
}

void BackendLane::recordOutcome(const std::string& zone, const ApplyOutcome& outcome, const ZoneDecision& decision) {
    const std::string& name = backend_->name();
    try {
        if (outcome.kind == ApplyKind::Applied)
            store_.recordApplied(name, zone, outcome.version, outcome.verifiedCount, outcome.result.message);
        else if (decision.next == ZoneDecision::Next::RetryLater)
            store_.recordFailure(name, zone, outcome.version, decision.attempts, nowMs() + decision.retryIn.count(), outcome.result.message, false);
        else if (decision.next == ZoneDecision::Next::DeadLetter)
            store_.recordFailure(name, zone, outcome.version, decision.attempts, 0, outcome.result.message, true);
    } catch (const std::exception& e) {
        // The lane goes on from its own queue; after a restart the zone is simply tried again.
        logger("dispatch")->error("[{}] {} v{}: recording the outcome in the store failed: {}", name, zone, outcome.version, e.what());
    }
}

void BackendLane::putBack(const std::string& zone, const std::string& why) {
    int64_t delay = options_.retryBackoff.count();
    bool again = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        again = totals_.lastPutBackReason == why;
        totals_.lastPutBackReason = why;
        totals_.lastError = zone + ": " + why;
        queue_.putBack(zone, nowMs() + delay);
    }
    // Once per distinct reason: a store that is down for a while does not log every queued zone.
    logger("dispatch")->log(again ? spdlog::level::debug : spdlog::level::warn, "[{}] {}: {} (tried again in {} ms)", backend_->name(),
                            zone, why, delay);
    wake_.notify_one();
}

void BackendLane::renewClaims() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (queue_.inFlight() == 0) return;
    }
    try {
        claims_->renewClaims(backend_->name(), options_.holder, options_.lease.count());
    } catch (const std::exception& e) {
        logger("dispatch")->warn("[{}] renewing claims failed (they may expire during long applies): {}", backend_->name(), e.what());
    }
}

bool BackendLane::claimOrDrop(const std::string& zone, uint64_t version, bool repair) {
    bool mine = false;
    try {
        mine = claims_->claim(backend_->name(), zone, options_.holder, options_.lease.count());
        // Another instance may have applied this version and let go since this one queued it.
        if (mine && !repair) {
            auto state = store_.backendState(backend_->name(), zone);
            if (state && state->appliedVersion >= version) {
                claims_->release(backend_->name(), zone, options_.holder);
                mine = false;
            }
        }
    } catch (const std::exception& e) {
        logger("dispatch")->warn("[{}] {}: claiming it failed, tried again at the next poll: {}", backend_->name(), zone, e.what());
    }
    if (mine) return true;
    std::optional<std::string> batchLine;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        // No poll brings a repair back (the store says its version is applied): it waits for the
        // claim to be let go, e.g. by the instance that has just applied the zone.
        if (repair) queue_.putBack(zone, nowMs() + options_.retryBackoff.count());
        else queue_.drop(zone, version); // another instance has it; the poll brings it back if that one fails
        batchLine = batch_.closeIfIdle(queue_.empty(), nowMs());
    }
    logBatchLine(batchLine);
    wake_.notify_one();
    return false;
}

void BackendLane::probeHealth() {
    BackendResult r = backend_->health();
    std::lock_guard<std::mutex> lock(mutex_);
    if (r.ok()) {
        health_.breaker = BreakerState{};
        health_.downReason.clear();
        logger("dispatch")->info("[{}] health check passed; backend is up again", backend_->name());
        wake_.notify_all();
        return;
    }
    ++health_.probeFailures;
    health_.downReason = r.message;
    health_.nextProbeMs = nowMs() + retry_.delayAfter(health_.probeFailures + 1).count();
}

DriftReport BackendLane::scanDrift(bool force) {
    std::lock_guard<std::mutex> scanning(driftMutex_);
    DriftPolicy policy;
    policy.removeUnknownZones = options_.removeUnknownZones;
    policy.maxDeleteFraction = options_.maxDeleteFraction;
    // Within the claims' lease: the house-keeping thread renews them between scans.
    policy.contentBudget = std::min<std::chrono::milliseconds>(std::chrono::seconds(10), options_.lease / 3);
    policy.contentAfter = contentCursor_;
    bool queued = false;
    DriftReport report = dadns::scanDrift(*backend_, store_, metrics_, policy, force, [&](const std::string& zone, uint64_t version, bool deleted) {
        std::lock_guard<std::mutex> lock(mutex_);
        int64_t now = nowMs();
        if (!queue_.repair(zone, ZoneWork{version, deleted, 0, 0, nullptr}, now)) return false; // a dead letter
        batch_.opened(now);
        queued = true;
        return true;
    });
    if (queued) wake_.notify_all();
    contentCursor_ = report.contentResumeAfter;
    std::lock_guard<std::mutex> lock(mutex_);
    drift_ = report;
    return report;
}

LaneStatus BackendLane::snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    LaneStatus s;
    s.backend = backend_->name();
    s.plugin = backend_->pluginName();
    s.up = !health_.breaker.open;
    s.downReason = health_.downReason;
    s.parallelism = parallelism_;
    s.verification = verifyMethodName(apply_.verifyMethod());
    s.queued = queue_.size();
    s.inFlight = queue_.inFlight();
    s.retrying = queue_.retrying();
    int64_t now = nowMs();
    s.oldestPendingMs = now - queue_.oldestSinceMs().value_or(now);
    s.applied = totals_.applied;
    s.failed = totals_.failed;
    s.repaired = totals_.repaired;
    s.deadLetters = queue_.deadLetters();
    s.consecutiveFailures = health_.breaker.consecutiveFailures;
    s.lastError = totals_.lastError;
    s.houseKeepingError = houseKeeping_.error;
    s.houseKeepingErrorAtMs = houseKeeping_.atMs;
    s.progress = batch_.progress(queue_.size());
    s.appliesPerSecond = appliedRate_.perSecond(now);
    s.rateSlotSeconds = static_cast<double>(appliedRate_.slotMs()) / 1000.0;
    s.drift = drift_;
    return s;
}

void BackendLane::publish() {
    // Progress travels inside the status notification: Task::setProgress would take the task's
    // lock and then the TaskManager's, the reverse of TaskManager::start's order.
    postNotification(new Poco::TaskCustomNotification<LaneStatus>(this, snapshot()));
}

void BackendLane::logBatchLine(const std::optional<std::string>& line) const {
    if (line) logger("dispatch")->info("[{}] {}", backend_->name(), *line);
}

} // namespace dadns
