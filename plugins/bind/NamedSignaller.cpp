#include "NamedSignaller.hpp"

#include <algorithm>

namespace dadns::bind {

namespace {
using Clock = std::chrono::steady_clock;
constexpr size_t kReloadAllAbove = 64;    // processes only: more changed zones than this, one `rndc reload`
constexpr size_t kOffersPerBatch = 1000;  // a reconcile's slice: new changes wait behind at most this many round trips

// "boot time: ..." from `status` output; "" when absent.
std::string bootTimeOf(const std::string& status) {
    auto at = status.find("boot time:");
    if (at == std::string::npos) return "";
    return status.substr(at, status.find('\n', at) - at);
}
} // namespace

NamedSignaller::NamedSignaller(Options options, Zones zones) : options_(std::move(options)), zones_(std::move(zones)) {
    thread_ = std::thread([this] { loop(); });
}

NamedSignaller::~NamedSignaller() {
    waitIdle(std::chrono::seconds(5)); // let the last lists and signals go out
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        stopRequested_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

NamedSignaller::Ticket NamedSignaller::enqueue(const std::string& zone) {
    wake_.notify_all();
    if (!options_.control) return nullptr; // nothing to wait for: named is not signalled
    auto ticket = std::make_shared<Signal>();
    ticket->zone = zone;
    tickets_.push_back(ticket);
    return ticket;
}

NamedSignaller::Ticket NamedSignaller::zoneAdded(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    listsDirty_ = true;
    if (options_.membership == Membership::Include) {
        reconfig_ = true;
        if (removed_.count(zone)) reloads_.insert(zone); // named may still hold its old content
    } else if (deletes_.erase(zone)) {
        reloads_.insert(zone); // its delzone never went out: named holds the old content
    } else {
        adds_.insert(zone);
    }
    return enqueue(zone);
}

NamedSignaller::Ticket NamedSignaller::zoneRemoved(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    listsDirty_ = true;
    reloads_.erase(zone);
    if (options_.membership == Membership::Include) {
        reconfig_ = true;
        removed_.insert(zone);
    } else {
        adds_.erase(zone);
        deletes_.insert(zone);
    }
    return enqueue(zone);
}

NamedSignaller::Ticket NamedSignaller::zoneChanged(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    // After the batch's reconfig or addzone, if any: a zone added meanwhile is known by then.
    if (!adds_.count(zone)) reloads_.insert(zone);
    return enqueue(zone);
}

void NamedSignaller::listsChanged(bool reconfig) {
    std::lock_guard<std::mutex> lock(mutex_);
    listsDirty_ = true;
    reconfig_ = reconfig_ || (reconfig && options_.membership == Membership::Include);
    wake_.notify_all();
}

void NamedSignaller::listsChangedAt(Clock::time_point when) {
    std::lock_guard<std::mutex> lock(mutex_);
    listsDue_ = std::min(listsDue_, when);
    wake_.notify_all();
}

void NamedSignaller::changeComing() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++coming_;
}

void NamedSignaller::changeArrived() {
    std::lock_guard<std::mutex> lock(mutex_);
    --coming_;
    wake_.notify_all();
}

NamedSignaller::Ticket NamedSignaller::removalPending(const std::string& zone) {
    if (options_.membership == Membership::AddZone) return zoneRemoved(zone);
    std::lock_guard<std::mutex> lock(mutex_);
    if (!removed_.count(zone)) return nullptr;
    listsDirty_ = reconfig_ = true; // owed already unless a batch carries it now: asking twice costs one reconfig
    return enqueue(zone);
}

std::string NamedSignaller::waitSignalled(const Ticket& ticket, std::chrono::milliseconds timeout) {
    if (!ticket) return "";
    std::unique_lock<std::mutex> lock(mutex_);
    if (!wake_.wait_for(lock, timeout, [&] { return ticket->done; }))
        return "named was not told within " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s";
    return ticket->error;
}

std::string NamedSignaller::lastError() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lastError_;
}

bool NamedSignaller::waitIdle(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return wake_.wait_for(lock, timeout, [&] { return !busy_ && !hasWork(); });
}

size_t NamedSignaller::reconcilePending() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return offers_.size();
}

NamedSignaller::View NamedSignaller::view() const {
    std::lock_guard<std::mutex> lock(mutex_);
    View v;
    v.namedBoot = namedBoot_;
    v.lastError = lastError_;
    v.waiting = adds_.size() + deletes_.size() + reloads_.size();
    const Reconcile& r = reconciling_;
    v.reconcile.running = r.running;
    v.reconcile.zones = r.zones;
    v.reconcile.offered = r.running ? r.zones - std::min(r.zones, offers_.size()) : r.zones;
    v.reconcile.added = r.added;
    if (r.zones > 0 || r.running)
        v.reconcile.ms = std::chrono::duration_cast<std::chrono::milliseconds>((r.running ? Clock::now() : r.ended) - r.began).count();
    return v;
}

bool NamedSignaller::hasWork() const {
    return listsDirty_ || reconfig_ || reconcile_ || !adds_.empty() || !deletes_.empty() || !reloads_.empty() || !offers_.empty() ||
           !tickets_.empty();
}

NamedSignaller::Batch NamedSignaller::takeBatch() {
    Batch batch;
    batch.lists = listsDirty_;
    batch.reconfig = reconfig_;
    batch.adds.swap(adds_);
    batch.deletes.swap(deletes_);
    batch.reloads.swap(reloads_);
    batch.removedBefore = removed_;
    batch.tickets.swap(tickets_);
    size_t offers = std::min(offers_.size(), kOffersPerBatch);
    batch.offers.assign(offers_.begin(), offers_.begin() + static_cast<std::ptrdiff_t>(offers));
    offers_.erase(offers_.begin(), offers_.begin() + static_cast<std::ptrdiff_t>(offers));
    listsDirty_ = reconfig_ = false;
    busy_ = true;
    return batch;
}

// AddZone: delzone, addzone and a reconcile's offers. A zone named has already answers
// "exists": an earlier add whose answer was lost, or a static zone; it gets the file written
// since by a reload.
void NamedSignaller::sendZoneCommands(const Batch& batch, std::set<std::string>& reloads, Outcome& outcome) {
    for (const auto& zone : batch.deletes) {
        if (!namedZoneIsOurs(zone, outcome)) continue; // gone already, or not dadns's to delete
        ControlAnswer answer = run({"delzone", zone}, outcome);
        if (answer.ok() || answerSaysNoSuchZone(answer)) continue;
        outcome.failed[zone] = answer.error;
        if (!zones_.wanted(zone)) outcome.retryDeletes.insert(zone);
    }
    for (const auto& zone : batch.adds) {
        ControlAnswer answer = run({"addzone", zone, zones_.addzoneConfig(zone)}, outcome);
        if (answer.ok()) continue;
        if (answerSaysZoneExists(answer) && namedZoneIsOurs(zone, outcome)) {
            reloads.insert(zone);
            continue;
        }
        if (answerSaysZoneExists(answer) && outcome.unreachable.empty())
            answer.error = "named has the zone from elsewhere (its own configuration, not a file dadns writes)";
        outcome.failed[zone] = answer.error;
        if (zones_.wanted(zone)) outcome.retryAdds.insert(zone);
    }
    for (const auto& zone : batch.offers) {
        if (!zones_.wanted(zone)) continue; // removed since the reconcile began
        ControlAnswer answer = run({"addzone", zone, zones_.addzoneConfig(zone)}, outcome);
        if (answer.ok()) ++outcome.offersAdded;
        if (answer.ok() || answerSaysZoneExists(answer)) continue;
        if (outcome.error.empty() && outcome.unreachable.empty()) outcome.error = "reconcile: " + answer.error;
        outcome.retryOffers.insert(zone);
    }
}

bool NamedSignaller::namedZoneIsOurs(const std::string& zone, Outcome& outcome) {
    ControlAnswer answer = run({"showzone", zone}, outcome);
    if (answerSaysNoSuchZone(answer)) return false;
    if (!answer.ok()) return true; // cannot tell: the command that follows fails alike, and is retried
    return answer.text.find("file \"" + zones_.zoneFile(zone) + "\"") != std::string::npos;
}

// AddZone: the zone commands go first, so the lists written next (a catalog) name only zones
// named has. Include: the lists, then one reconfig.
void NamedSignaller::sendMembership(const Batch& batch, std::set<std::string>& reloads, Outcome& outcome) {
    bool addZone = options_.membership == Membership::AddZone && options_.control;
    if (addZone) sendZoneCommands(batch, reloads, outcome);
    if (batch.lists) {
        auto notInNamed = [&] {
            std::set<std::string> out = outcome.retryAdds;
            out.insert(outcome.retryOffers.begin(), outcome.retryOffers.end());
            if (addZone) {
                std::lock_guard<std::mutex> lock(mutex_);
                out.insert(adds_.begin(), adds_.end());
            }
            return out;
        };
        try {
            for (auto& zone : zones_.writeLists(notInNamed)) reloads.insert(zone);
        } catch (const std::exception& e) {
            outcome.error = std::string("cannot write the zone lists: ") + e.what();
            outcome.listsFailed = true;
        }
    }
    if (addZone) { // a static zone's removal is done only once the include no longer lists it
        outcome.failedAll = outcome.listsFailed;
        return;
    }
    if (!options_.control) return;
    std::string error;
    if (batch.reconfig && outcome.error.empty()) {
        ControlAnswer answer = run({"reconfig"}, outcome);
        outcome.reconfigDone = answer.ok();
        error = answer.error;
    } else {
        outcome.reconfigDone = !batch.reconfig;
    }
    if (outcome.error.empty()) outcome.error = error;
    outcome.failedAll = !outcome.error.empty();
}

ControlAnswer NamedSignaller::run(const std::vector<std::string>& args, Outcome& outcome) {
    if (outcome.unreachable.empty() && stopRequested_) outcome.unreachable = "the bind backend is stopping";
    if (!outcome.unreachable.empty()) {
        ControlAnswer skipped;
        skipped.error = outcome.unreachable;
        return skipped;
    }
    ControlAnswer answer = run(args);
    if (answer.status == ControlAnswer::Status::Unreachable) {
        outcome.unreachable = answer.error;
        if (outcome.error.empty()) outcome.error = answer.error;
    }
    return answer;
}

// A batch that threw before it was settled: everything in it is retried.
NamedSignaller::Outcome NamedSignaller::failedBatch(const Batch& batch, const std::string& why) const {
    Outcome outcome;
    outcome.error = why;
    outcome.failedAll = true;
    outcome.listsFailed = batch.lists;
    outcome.reconfigDone = !batch.reconfig;
    outcome.retryAdds = batch.adds;
    outcome.retryDeletes = batch.deletes;
    outcome.retryReloads = batch.reloads;
    outcome.retryOffers.insert(batch.offers.begin(), batch.offers.end());
    return outcome;
}

void NamedSignaller::sendReloads(const std::set<std::string>& zones, Outcome& outcome) {
    auto fail = [&](const std::string& zone, const std::string& why) {
        outcome.failed[zone] = why;
        if (zones_.wanted(zone)) outcome.retryReloads.insert(zone); // a zone removed since is not retried
    };
    if (!options_.commandsAreCheap && zones.size() > kReloadAllAbove) {
        ControlAnswer answer = run({"reload"}, outcome);
        if (!answer.ok())
            for (const auto& zone : zones) fail(zone, answer.error);
        return;
    }
    for (const auto& zone : zones) { // one zone's failure does not hold back the others
        ControlAnswer answer = run({"reload", zone}, outcome);
        if (answer.ok()) continue;
        if (!answerSaysNoSuchZone(answer)) {
            fail(zone, answer.error);
        } else if (options_.membership == Membership::Include) {
            // named restarted with an older include, or a reconfig was lost
            if (zones_.wanted(zone)) outcome.namedLacksZone = true;
            fail(zone, answer.error);
        } else {
            outcome.failed[zone] = answer.error; // named lost it (restarted without its added zones): add it again
            if (zones_.wanted(zone)) outcome.retryAdds.insert(zone);
        }
    }
}

NamedSignaller::Outcome NamedSignaller::send(const Batch& batch) {
    Outcome outcome;
    std::set<std::string> reloads = batch.reloads;
    sendMembership(batch, reloads, outcome);
    if (!options_.control) return outcome;
    if (outcome.failedAll) {
        for (const auto& zone : reloads) {
            outcome.failed[zone] = outcome.error;
            if (zones_.wanted(zone)) outcome.retryReloads.insert(zone);
        }
    } else {
        sendReloads(reloads, outcome);
    }
    if (outcome.error.empty() && !outcome.failed.empty()) outcome.error = outcome.failed.begin()->second;
    return outcome;
}

// With the lock held: answers the batch's tickets and keeps what failed for a retry. Returns
// whether anything is retried.
bool NamedSignaller::settle(const Batch& batch, const Outcome& outcome, std::chrono::milliseconds& backoff) {
    busy_ = false;
    if (batch.reconfig && outcome.reconfigDone)
        for (const auto& zone : batch.removedBefore) removed_.erase(zone); // named has dropped them, or they were reloaded
    for (const auto& ticket : batch.tickets) {
        auto failed = outcome.failed.find(ticket->zone);
        ticket->error = outcome.failedAll ? outcome.error : failed != outcome.failed.end() ? failed->second : "";
        ticket->done = true;
    }
    bool retry = outcome.listsFailed || !outcome.reconfigDone || outcome.namedLacksZone || !outcome.retryReloads.empty() ||
                 !outcome.retryAdds.empty() || !outcome.retryDeletes.empty() || !outcome.retryOffers.empty();
    if (!outcome.error.empty() && !retry) zones_.log(outcome.error + " (the zone was removed since; not retried)");
    if (!retry) {
        backoff = std::chrono::milliseconds(0);
        lastError_.clear();
        return false;
    }
    // Keep what did not go out (unless a newer change of the zone decides it); try again after a
    // growing delay. A zone named does not know in Include mode needs a reconfig.
    // Zones whose addzone failed were left out of the lists: write them again once they are in.
    listsDirty_ = listsDirty_ || outcome.listsFailed || !outcome.retryAdds.empty();
    reconfig_ = reconfig_ || !outcome.reconfigDone || outcome.namedLacksZone;
    for (const auto& zone : outcome.retryReloads)
        if (!deletes_.count(zone) && !removed_.count(zone)) reloads_.insert(zone); // not when removed since
    for (const auto& zone : outcome.retryAdds)
        if (!deletes_.count(zone)) adds_.insert(zone);
    for (const auto& zone : outcome.retryDeletes)
        if (!adds_.count(zone) && !reloads_.count(zone)) deletes_.insert(zone);
    offers_.insert(offers_.begin(), outcome.retryOffers.begin(), outcome.retryOffers.end());
    backoff = std::min<std::chrono::milliseconds>(std::max<std::chrono::milliseconds>(backoff * 2, std::chrono::milliseconds(250)),
                                                  std::chrono::seconds(10));
    if (outcome.error != lastError_) zones_.log(outcome.error);
    lastError_ = outcome.error;
    return true;
}

// With the lock held (released while named answers): asks named's status. In AddZone mode a new
// boot time (named restarted, or the first answer since dadns started) starts a reconcile. A
// named that does not answer shows in lastError even while nothing changes.
void NamedSignaller::checkNamed(std::unique_lock<std::mutex>& lock) {
    busy_ = true; // not idle while named is asked
    lock.unlock();
    ControlAnswer answer;
    try {
        answer = run({"status"});
    } catch (const std::exception& e) {
        answer.error = e.what();
    } catch (...) {
        answer.error = "asking named's status failed: an unknown exception";
    }
    lock.lock();
    busy_ = false;
    if (!answer.ok()) {
        if (answer.error != lastError_) zones_.log("cannot ask named for its status: " + answer.error);
        lastError_ = answer.error;
        return;
    }
    if (!hasWork()) lastError_.clear();
    std::string boot = bootTimeOf(answer.text);
    if (boot == namedBoot_) return;
    bool restarted = !namedBoot_.empty();
    namedBoot_ = boot;
    if (options_.membership != Membership::AddZone) return; // named reads the include at its start
    if (restarted) zones_.log("named restarted (" + boot + "): offering it every zone again");
    reconcile_ = true;
}

// With the lock held: one line when a reconcile is done, with what named lacked.
void NamedSignaller::noteReconcile(const Outcome& outcome) {
    if (!reconciling_.running) return;
    reconciling_.added += outcome.offersAdded;
    if (!offers_.empty()) return;
    reconciling_.running = false;
    reconciling_.ended = Clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(reconciling_.ended - reconciling_.began).count();
    if (zones_.info)
        zones_.info("reconcile: offered named " + std::to_string(reconciling_.zones) + " zone(s) in " + std::to_string(ms) + " ms; " +
                    std::to_string(reconciling_.added) + " of them it did not have");
}

void NamedSignaller::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    std::chrono::milliseconds backoff(0);
    Clock::time_point lastBatch, nextCheck = Clock::now();
    // Over a channel, also a keepalive: named drops a control connection idle for 30 s, logging
    // an error each time.
    bool checks = options_.control && options_.commandsAreCheap;
    while (true) {
        Clock::time_point wakeAt = std::min(checks ? nextCheck : Clock::time_point::max(), listsDue_);
        if (wakeAt == Clock::time_point::max()) wake_.wait(lock, [&] { return stopping_ || hasWork(); });
        else wake_.wait_until(lock, wakeAt, [&] { return stopping_ || hasWork() || listsDue_ < wakeAt; });
        if (Clock::now() >= listsDue_) {
            listsDirty_ = true;
            listsDue_ = Clock::time_point::max();
        }
        if (stopping_) { // a reconcile is not finished on the way out: the next start runs one
            reconcile_ = false;
            offers_.clear();
            if (!hasWork()) break;
        }
        if (checks && Clock::now() >= nextCheck) {
            checkNamed(lock);
            nextCheck = Clock::now() + options_.checkInterval;
            continue;
        }
        if (reconcile_) {
            reconcile_ = false;
            busy_ = true;
            lock.unlock();
            std::vector<std::string> all;
            try {
                all = zones_.all();
            } catch (const std::exception& e) {
                zones_.log(std::string("reconcile: cannot list the zones: ") + e.what());
            } catch (...) {
                zones_.log("reconcile: cannot list the zones: an unknown exception");
            }
            lock.lock();
            busy_ = false;
            offers_.assign(all.begin(), all.end());
            reconciling_ = {true, all.size(), 0, Clock::now(), {}};
        }
        // Gather what is still on its way, up to the window; a retry waits out its delay.
        if (backoff.count() > 0) wake_.wait_until(lock, lastBatch + backoff, [&] { return stopping_; });
        else wake_.wait_for(lock, options_.batch, [&] { return stopping_ || coming_ == 0; });
        Batch batch = takeBatch();
        lock.unlock();
        Outcome outcome;
        try {
            outcome = send(batch);
        } catch (const std::exception& e) { // never out of the thread: the batch is retried
            outcome = failedBatch(batch, std::string("signalling named failed: ") + e.what());
        } catch (...) {
            outcome = failedBatch(batch, "signalling named failed: an unknown exception");
        }
        lock.lock();
        lastBatch = Clock::now();
        bool retry = settle(batch, outcome, backoff);
        noteReconcile(outcome);
        wake_.notify_all();
        if (stopping_ && retry) break; // do not retry forever on the way out
    }
    for (const auto& ticket : tickets_) { // nobody waits forever on a batch that will not run
        ticket->error = "the bind backend is stopping";
        ticket->done = true;
    }
    wake_.notify_all();
}

} // namespace dadns::bind
