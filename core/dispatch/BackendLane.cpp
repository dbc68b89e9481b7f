#include "core/dispatch/BackendLane.hpp"

#include "core/log/Logging.hpp"
#include "core/util/WallClock.hpp"
#include "core/zone/ZoneParser.hpp"

#include <Poco/TaskNotification.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <unordered_set>

namespace dadns {
namespace {

constexpr size_t kMaxParsedQueued = 10000; // zones whose parsed records a lane keeps

const char* resultLabel(const BackendResult& r) {
    return r.ok() ? "ok" : r.code == DADNS_ERR_PERMANENT ? "permanent" : "retryable";
}

} // namespace

BackendLane::BackendLane(std::shared_ptr<BackendInstance> backend, uint32_t parallelism, ZoneStore& store,
                         MetricsRegistry& metrics, const DispatchOptions& options, std::function<void()> onResult)
    : Poco::Task("lane:" + backend->name()), backend_(std::move(backend)), parallelism_(std::max<uint32_t>(parallelism, 1)),
      store_(store), metrics_(metrics), options_(options), onResult_(std::move(onResult)),
      retry_(options.retryBackoff, options.retryBackoffMax, options.maxAttempts) {
    if (options_.driftInterval.count() > 0) nextDriftMs_ = nowMs() + options_.driftInterval.count();
}

BackendLane::~BackendLane() = default;

void BackendLane::schedule(const std::string& zone, Item& item, int64_t dueMs) {
    due_.erase({item.dueMs, zone});
    item.dueMs = dueMs;
    if (!item.inFlight) due_.insert({dueMs, zone});
}

void BackendLane::enqueue(const std::string& zone, uint64_t version, bool deleted, std::shared_ptr<const sdk::Zone> parsed) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!batchOpen_) {
            batchOpen_ = true;
            batchStartMs_ = nowMs();
            batchOk_ = batchFailed_ = 0;
        }
        auto [it, inserted] = items_.try_emplace(zone);
        Item& item = it->second;
        if (!inserted && item.version > version) return; // an older notification
        if (inserted) item.sinceMs = nowMs();
        if (version > item.version) item.attempts = 0; // a new version starts a new retry count
        item.version = version;
        item.deleted = deleted;
        // Kept while the queue is short; a long backlog re-reads from the store to bound memory.
        item.parsed = items_.size() <= kMaxParsedQueued ? std::move(parsed) : nullptr;
        schedule(zone, item, 0);
    }
    wake_.notify_one();
}

void BackendLane::reloadPending(bool quiet, int64_t sinceMs) {
    auto pending = sinceMs < 0 ? store_.pending(backend_->name()) : store_.pendingSince(backend_->name(), sinceMs);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        int64_t now = nowMs();
        if (!pending.empty() && !batchOpen_ && !quiet) { // polls of a shared store are not batches of this lane
            batchOpen_ = true;
            batchStartMs_ = now;
            batchOk_ = batchFailed_ = 0;
        }
        for (const auto& p : pending) {
            auto [it, inserted] = items_.try_emplace(p.zone);
            Item& item = it->second;
            if (!inserted && item.version >= p.version) continue;
            item.version = p.version;
            item.deleted = p.deleted;
            item.attempts = p.attempts;
            item.parsed.reset();
            if (inserted) item.sinceMs = now;
            schedule(p.zone, item, p.nextAttemptMs);
        }
    }
    if (!pending.empty() && !quiet) logger("dispatch")->info("[{}] {} zone(s) pending from the store", backend_->name(), pending.size());
    wake_.notify_all();
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
    // This thread keeps house: breaker probes, drift scans, polls of a shared store, progress
    // notifications.
    Timers timers;
    int64_t now = nowMs();
    timers.nextPollMs = store_.shared() ? now + options_.pollInterval.count() : 0;
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
        probe = !up_ && nowMs() >= nextProbeMs_;
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
        if (houseKeepingStep_ == step) { // it works again
            houseKeepingStep_.clear();
            houseKeepingError_.clear();
            houseKeepingErrorAtMs_ = 0;
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
        again = houseKeepingError_ == error;
        houseKeepingStep_ = step;
        houseKeepingError_ = error;
        houseKeepingErrorAtMs_ = nowMs();
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
        if (!up_ || due_.empty()) {
            wake_.wait_for(lock, std::chrono::milliseconds(500));
            continue;
        }
        int64_t now = nowMs();
        auto first = due_.begin();
        if (first->first > now) {
            wake_.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(first->first - now, 500)));
            continue;
        }
        std::string zone = first->second;
        due_.erase(first);
        if (batchOpen_ && !batchAnnounced_) {
            batchAnnounced_ = true;
            logger("dispatch")->info("[{}] batch started: {} zone(s) queued", backend_->name(), items_.size());
        }
        Item& item = items_[zone];
        item.inFlight = true;
        ++inFlight_;
        Item snapshot = item;
        lock.unlock();
        work(zone, snapshot);
        lock.lock();
    }
}

void BackendLane::work(const std::string& zone, const Item& snapshot) {
    bool claimed = false;
    try {
        if (store_.shared()) {
            if (!claimOrDrop(zone, snapshot)) return;
            claimed = true;
        }
        auto started = std::chrono::steady_clock::now();
        Outcome outcome = process(zone, snapshot);
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        // The store, not the backend, failed: no attempt counted, no breaker, no record.
        if (outcome.storeError) requeue(zone, outcome.result.message);
        else finish(zone, outcome, seconds);
    } catch (const std::exception& e) {
        requeue(zone, std::string("processing failed: ") + e.what());
    } catch (...) {
        requeue(zone, "processing failed: unknown error");
    }
    if (!claimed) return;
    try {
        store_.release(backend_->name(), zone, options_.holder);
    } catch (const std::exception& e) {
        logger("dispatch")->warn("[{}] {}: releasing the claim failed (it expires): {}", backend_->name(), zone, e.what());
    }
}

void BackendLane::requeue(const std::string& zone, const std::string& why) {
    int64_t delay = options_.retryBackoff.count();
    bool again = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        again = lastRequeueReason_ == why;
        lastRequeueReason_ = why;
        lastError_ = zone + ": " + why;
        auto it = items_.find(zone);
        if (it != items_.end() && it->second.inFlight) { // else finish() had settled it
            it->second.inFlight = false;
            --inFlight_;
            schedule(zone, it->second, nowMs() + delay);
        }
    }
    // Once per distinct reason: a store that is down for a while does not log every queued zone.
    logger("dispatch")->log(again ? spdlog::level::debug : spdlog::level::warn, "[{}] {}: {} (tried again in {} ms)", backend_->name(),
                            zone, why, delay);
    wake_.notify_one();
}

void BackendLane::renewClaims() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (inFlight_ == 0) return;
    }
    try {
        store_.renewClaims(backend_->name(), options_.holder, options_.lease.count());
    } catch (const std::exception& e) {
        logger("dispatch")->warn("[{}] renewing claims failed (they may expire during long applies): {}", backend_->name(), e.what());
    }
}

bool BackendLane::claimOrDrop(const std::string& zone, const Item& snapshot) {
    bool mine = false;
    try {
        mine = store_.claim(backend_->name(), zone, options_.holder, options_.lease.count());
        // Another instance may have applied this version and let go since this one queued it.
        if (mine) {
            auto state = store_.backendState(backend_->name(), zone);
            if (state && state->appliedVersion >= snapshot.version) {
                store_.release(backend_->name(), zone, options_.holder);
                mine = false;
            }
        }
    } catch (const std::exception& e) {
        logger("dispatch")->warn("[{}] {}: claiming it failed, tried again at the next poll: {}", backend_->name(), zone, e.what());
    }
    if (mine) return true;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        --inFlight_;
        auto it = items_.find(zone);
        if (it != items_.end()) {
            it->second.inFlight = false;
            if (it->second.version > snapshot.version) schedule(zone, it->second, 0); // a newer version came meanwhile
            else items_.erase(it); // another instance has it; the poll brings it back if that one fails
        }
        if (batchOpen_ && idle()) {
            batchOpen_ = false;
            batchAnnounced_ = false;
        }
    }
    wake_.notify_one();
    return false;
}

BackendLane::Outcome BackendLane::process(const std::string& zone, const Item& item) {
    Outcome out;
    out.version = item.version;
    try {
        if (item.parsed && !item.deleted && item.parsed->version == item.version) {
            applyAndVerify(zone, *item.parsed, out);
            return out;
        }
        std::optional<ZoneState> state;
        try {
            state = store_.current(zone, !item.deleted);
            if (state && !state->deleted && state->zoneText.empty()) state = store_.current(zone, true); // a newer, undeleted version
        } catch (const std::exception& e) {
            out.storeError = true;
            out.result = {DADNS_ERR_RETRYABLE, std::string("reading the zone from the store failed: ") + e.what()};
            return out;
        }
        if (!state) {
            out.nothingToDo = true;
            return out;
        }
        out.version = state->version; // the latest wins
        if (state->deleted) {
            out.result = backend_->remove(zone);
            out.verifiedCount = 0;
            return out;
        }
        sdk::Zone desired = parseZoneText(state->zoneText, zone);
        desired.version = state->version;
        applyAndVerify(zone, desired, out);
    } catch (const std::exception& e) {
        out.result = {DADNS_ERR_RETRYABLE, e.what()};
    }
    return out;
}

void BackendLane::applyAndVerify(const std::string& zone, const sdk::Zone& desired, Outcome& out) {
    int64_t expected = 0;
    out.result = backend_->apply(desired, expected);
    if (!out.result.ok()) return;
    std::string warning = out.result.message;
    int64_t counted = 0;
    BackendResult counting = backend_->count(zone, counted);
    if (!counting.ok()) {
        out.result = counting;
        out.result.message = "count after apply failed: " + counting.message;
        return;
    }
    if (counted != expected) {
        logger("dispatch")->warn("[{}] {} v{}: backend counts {} record(s), expected {}; reconciling", backend_->name(), zone,
                                 out.version, counted, expected);
        BackendResult rec = backend_->reconcile(desired);
        if (rec.ok()) rec = backend_->count(zone, counted);
        if (!rec.ok()) {
            out.result = rec;
            return;
        }
        if (counted != expected) {
            metrics_.counterAdd("dadns_verifications_total", "Record count checks after apply, by backend and result.",
                                {{"backend", backend_->name()}, {"result", "mismatch"}});
            out.result = {DADNS_ERR_RETRYABLE, "record count mismatch after reconcile: backend has " + std::to_string(counted) +
                                                   ", expected " + std::to_string(expected)};
            return;
        }
        out.repaired = true;
    }
    metrics_.counterAdd("dadns_verifications_total", "Record count checks after apply, by backend and result.",
                        {{"backend", backend_->name()}, {"result", out.repaired ? "repaired" : "ok"}});
    out.verifiedCount = counted;
    out.result.message = warning;
}

void BackendLane::finish(const std::string& zone, const Outcome& outcome, double seconds) {
    const std::string& name = backend_->name();
    auto log = logger("dispatch");
    std::string label = outcome.nothingToDo ? "skipped" : resultLabel(outcome.result);
    metrics_.counterAdd("dadns_applies_total", "Backend applies, by backend and result.", {{"backend", name}, {"result", label}});
    metrics_.histogramObserve("dadns_apply_duration_seconds", "Time to apply and verify one zone, by backend.", {{"backend", name}}, seconds);
    bool batchDone = false;
    double batchElapsed = 0;
    uint64_t batchOk = 0, batchTotal = 0;
    // Recorded before the lane's lock (a round trip on a shared store) but while the zone is
    // still in flight, so no later version's record can be overtaken by this one.
    if (!outcome.nothingToDo && outcome.result.ok()) {
        try {
            store_.recordApplied(name, zone, outcome.version, outcome.verifiedCount, outcome.result.message);
        } catch (const std::exception& e) {
            log->error("[{}] {} v{} applied, but recording it failed (it will be applied again): {}", name, zone, outcome.version, e.what());
        }
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        --inFlight_;
        auto it = items_.find(zone);
        Item& item = it->second;
        item.inFlight = false;
        bool newer = item.version > outcome.version;
        if (outcome.nothingToDo || outcome.result.ok()) {
            if (!outcome.nothingToDo) {
                ++applied_;
                ++batchOk_;
                if (outcome.repaired) ++repaired_;
                if (!outcome.result.message.empty()) log->warn("[{}] {} v{}: {}", name, zone, outcome.version, outcome.result.message);
                log->debug("[{}] {} v{} applied in {:.1f} ms ({} records verified)", name, zone, outcome.version, seconds * 1000,
                           outcome.verifiedCount);
            }
            consecutiveFailures_ = 0;
            lastRequeueReason_.clear(); // the next requeue is news again
            if (newer) {
                item.attempts = 0;
                schedule(zone, item, 0);
            } else {
                items_.erase(it);
            }
        } else {
            ++failed_;
            ++consecutiveFailures_;
            lastError_ = zone + ": " + outcome.result.message;
            if (newer) {
                item.attempts = 0; // the failed version is superseded
                schedule(zone, item, 0);
            } else {
                ++item.attempts;
                bool dead = outcome.result.code == DADNS_ERR_PERMANENT || retry_.exhausted(item.attempts);
                if (dead) {
                    recordFailure(zone, outcome.version, item.attempts, 0, outcome.result.message, true);
                    ++deadLetters_;
                    ++batchFailed_;
                    metrics_.counterAdd("dadns_dead_letters_total", "Zones given up on (dead letters), by backend.", {{"backend", name}});
                    log->error("[{}] {} v{}: {} ({} attempt(s)); dead letter until redriven or changed", name, zone, outcome.version,
                               outcome.result.message, item.attempts);
                    items_.erase(it);
                } else {
                    int64_t due = nowMs() + retry_.delayAfter(item.attempts).count();
                    recordFailure(zone, outcome.version, item.attempts, due, outcome.result.message, false);
                    log->warn("[{}] {} v{}: {} (attempt {}/{}, retry in {} ms)", name, zone, outcome.version, outcome.result.message,
                              item.attempts, retry_.maxAttempts(), due - nowMs());
                    schedule(zone, item, due);
                }
            }
            if (up_ && consecutiveFailures_ >= options_.breakerFailures) {
                up_ = false;
                downReason_ = outcome.result.message;
                probeFailures_ = 0;
                nextProbeMs_ = nowMs() + options_.retryBackoff.count();
                log->error("[{}] marked down after {} consecutive failures: {}", name, consecutiveFailures_, downReason_);
            }
        }
        if (batchOpen_ && idle()) {
            batchOpen_ = false;
            batchAnnounced_ = false;
            batchDone = true;
            batchElapsed = static_cast<double>(nowMs() - batchStartMs_) / 1000.0;
            batchOk = batchOk_;
            batchTotal = batchOk_ + batchFailed_;
        }
    }
    if (batchDone && batchTotal > 0)
        log->info("[{}] batch complete: {}/{} zone(s) succeeded in {:.2f}s ({:.1f} zones/s)", name, batchOk, batchTotal, batchElapsed,
                  static_cast<double>(batchTotal) / std::max(batchElapsed, 0.001));
    wake_.notify_one();
    if (onResult_) onResult_();
}

void BackendLane::recordFailure(const std::string& zone, uint64_t version, int attempts, int64_t dueMs, const std::string& error,
                                bool dead) {
    try {
        store_.recordFailure(backend_->name(), zone, version, attempts, dueMs, error, dead);
    } catch (const std::exception& e) {
        logger("dispatch")->error("[{}] {} v{}: recording the failure failed (the lane still retries it): {}", backend_->name(), zone,
                                  version, e.what());
    }
}

void BackendLane::probeHealth() {
    BackendResult r = backend_->health();
    std::lock_guard<std::mutex> lock(mutex_);
    if (r.ok()) {
        up_ = true;
        consecutiveFailures_ = 0;
        downReason_.clear();
        logger("dispatch")->info("[{}] health check passed; backend is up again", backend_->name());
        wake_.notify_all();
        return;
    }
    ++probeFailures_;
    downReason_ = r.message;
    nextProbeMs_ = nowMs() + retry_.delayAfter(probeFailures_ + 1).count();
}

DriftReport BackendLane::scanDrift(bool force) {
    std::lock_guard<std::mutex> scanning(driftMutex_);
    const std::string& name = backend_->name();
    DriftReport report;
    report.atMs = nowMs();
    std::vector<std::string> onBackend;
    BackendResult listed = backend_->listZones(onBackend);
    if (!listed.ok()) {
        report.error = "list zones failed: " + listed.message;
    } else {
        report.backendZones = onBackend.size();
        std::unordered_set<std::string> present(onBackend.begin(), onBackend.end());
        std::unordered_set<std::string> known;
        ZoneListFilter filter;
        filter.limit = 1000;
        while (true) {
            auto page = store_.list(filter);
            for (const auto& z : page) {
                if (!z.deleted) known.insert(z.name);
                bool there = present.count(z.name) != 0;
                if (z.deleted == there) { // missing an active zone, or still holding a deleted one
                    ++report.missing;
                    enqueue(z.name, z.version, z.deleted);
                }
            }
            if (page.size() < filter.limit) break;
            filter.after = page.back().name;
        }
        std::vector<std::string> unknown;
        for (const auto& z : onBackend) {
            if (known.count(z)) continue;
            auto state = store_.current(z, false);
            if (!state) unknown.push_back(z);
        }
        report.unknownTotal = unknown.size();
        for (size_t i = 0; i < unknown.size() && i < 100; ++i) report.unknown.push_back(unknown[i]);
        if (report.missing)
            metrics_.counterAdd("dadns_drift_repairs_total", "Drift found by scans and re-queued or removed, by backend and kind.",
                                {{"backend", name}, {"kind", "requeued"}}, static_cast<double>(report.missing));
        if (!unknown.empty()) {
            logger("dispatch")->warn("[{}] drift: {} zone(s) on the backend are unknown to the store (e.g. {})", name, unknown.size(),
                                     unknown.front());
            if (options_.removeUnknownZones) {
                double limit = options_.maxDeleteFraction * static_cast<double>(onBackend.size());
                if (!force && static_cast<double>(unknown.size()) > limit) {
                    report.refused = "removing " + std::to_string(unknown.size()) + " of " + std::to_string(onBackend.size()) +
                                     " zones exceeds dispatch.max_delete_fraction; run the scan with force to proceed";
                    logger("dispatch")->error("[{}] drift: {}", name, report.refused);
                } else {
                    for (const auto& z : unknown)
                        if (backend_->remove(z).ok()) ++report.removed;
                    metrics_.counterAdd("dadns_drift_repairs_total", "Drift found by scans and re-queued or removed, by backend and kind.",
                                        {{"backend", name}, {"kind", "removed"}}, static_cast<double>(report.removed));
                }
            }
        }
        if (report.missing)
            logger("dispatch")->warn("[{}] drift: {} zone(s) missing or stale on the backend; re-queued", name, report.missing);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    drift_ = report;
    return report;
}

LaneStatus BackendLane::snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    LaneStatus s;
    s.backend = backend_->name();
    s.plugin = backend_->pluginName();
    s.up = up_;
    s.downReason = downReason_;
    s.parallelism = parallelism_;
    s.queued = items_.size();
    s.inFlight = inFlight_;
    int64_t now = nowMs();
    int64_t oldest = now;
    for (const auto& [zone, item] : items_) {
        if (item.attempts > 0 && !item.inFlight) ++s.retrying;
        oldest = std::min(oldest, item.sinceMs);
    }
    s.oldestPendingMs = items_.empty() ? 0 : now - oldest;
    s.applied = applied_;
    s.failed = failed_;
    s.repaired = repaired_;
    s.deadLetters = deadLetters_;
    s.consecutiveFailures = consecutiveFailures_;
    s.lastError = lastError_;
    s.houseKeepingError = houseKeepingError_;
    s.houseKeepingErrorAtMs = houseKeepingErrorAtMs_;
    uint64_t done = batchOk_ + batchFailed_;
    s.progress = batchOpen_ ? static_cast<double>(done) / static_cast<double>(done + items_.size()) : 1.0;
    s.drift = drift_;
    return s;
}

void BackendLane::publish() {
    // Progress travels inside the status notification: Task::setProgress would take the task's
    // lock and then the TaskManager's, the reverse of TaskManager::start's order.
    postNotification(new Poco::TaskCustomNotification<LaneStatus>(this, snapshot()));
}

} // namespace dadns
