#include "NamedSignaller.hpp"

#include <dadns/sdk/process.hpp>

#include <algorithm>

namespace dadns::bind {

namespace {
using Clock = std::chrono::steady_clock;
constexpr size_t kReloadAllAbove = 64; // more changed zones than this: one `rndc reload`
} // namespace

NamedSignaller::NamedSignaller(std::vector<std::string> rndc, std::chrono::milliseconds batch, std::function<void()> writeInclude,
                               std::function<bool(const std::string&)> wanted, std::function<void(const std::string&)> log)
    : rndc_(std::move(rndc)), batch_(batch), writeInclude_(std::move(writeInclude)), wanted_(std::move(wanted)), log_(std::move(log)) {
    thread_ = std::thread([this] { loop(); });
}

NamedSignaller::~NamedSignaller() {
    waitIdle(std::chrono::seconds(5)); // let the last include write and signal go out
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

NamedSignaller::Ticket NamedSignaller::enqueue(const std::string& zone) {
    wake_.notify_all();
    if (rndc_.empty()) return nullptr; // nothing to wait for: named is not signalled
    auto ticket = std::make_shared<Signal>();
    ticket->zone = zone;
    tickets_.push_back(ticket);
    return ticket;
}

NamedSignaller::Ticket NamedSignaller::zoneAdded(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    includeDirty_ = reconfig_ = true;
    if (removed_.count(zone)) reloads_.insert(zone); // named may still hold its old content
    return enqueue(zone);
}

NamedSignaller::Ticket NamedSignaller::zoneRemoved(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    includeDirty_ = reconfig_ = true;
    removed_.insert(zone);
    reloads_.erase(zone);
    return enqueue(zone);
}

NamedSignaller::Ticket NamedSignaller::zoneChanged(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    reloads_.insert(zone); // after the batch's reconfig, if any: a zone added meanwhile is known by then
    return enqueue(zone);
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
    std::lock_guard<std::mutex> lock(mutex_);
    if (!removed_.count(zone)) return nullptr;
    includeDirty_ = reconfig_ = true; // owed already unless a batch carries it now: asking twice costs one reconfig
    return enqueue(zone);
}

std::string NamedSignaller::waitSignalled(const Ticket& ticket, std::chrono::milliseconds timeout) {
    if (!ticket) return "";
    std::unique_lock<std::mutex> lock(mutex_);
    if (!wake_.wait_for(lock, timeout, [&] { return ticket->done; }))
        return "rndc did not finish within " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s";
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

bool NamedSignaller::rndc(const std::vector<std::string>& args, std::string& error) {
    std::vector<std::string> argv = rndc_;
    argv.insert(argv.end(), args.begin(), args.end());
    sdk::ProcessOptions options;
    options.timeout = kRndcTimeout;
    sdk::ProcessResult r = sdk::runProcess(argv, options);
    if (r.succeeded()) return true;
    std::string out = r.output;
    out.erase(std::remove(out.begin(), out.end(), '\n'), out.end());
    error = "rndc " + args.front() + " failed (" + r.describe() + "): " + out;
    return false;
}

std::map<std::string, std::string> NamedSignaller::reload(const std::set<std::string>& zones, bool& namedLacksZone) {
    std::map<std::string, std::string> failed;
    if (zones.size() > kReloadAllAbove) {
        std::string why;
        if (!rndc({"reload"}, why))
            for (const auto& zone : zones) failed[zone] = why;
        return failed;
    }
    for (const auto& zone : zones) { // one zone's failure does not hold back the others
        std::string why;
        if (rndc({"reload", zone}, why)) continue;
        if (why.find("no matching zone") != std::string::npos || why.find("not found") != std::string::npos) namedLacksZone = true;
        failed[zone] = why;
    }
    return failed;
}

NamedSignaller::Batch NamedSignaller::takeBatch() {
    Batch batch;
    batch.include = includeDirty_;
    batch.reconfig = reconfig_;
    batch.reloads.swap(reloads_);
    batch.removedBefore = removed_;
    batch.tickets.swap(tickets_);
    includeDirty_ = reconfig_ = false;
    busy_ = true;
    return batch;
}

NamedSignaller::Outcome NamedSignaller::send(const Batch& batch) {
    Outcome outcome;
    if (batch.include) {
        try {
            writeInclude_();
        } catch (const std::exception& e) {
            outcome.error = std::string("cannot write the include file: ") + e.what();
            outcome.includeFailed = true;
        }
    }
    outcome.reconfigDone = !batch.reconfig || rndc_.empty() || (outcome.error.empty() && rndc({"reconfig"}, outcome.error));
    outcome.failedAll = !outcome.error.empty();
    if (rndc_.empty()) return outcome;
    if (outcome.failedAll) {
        for (const auto& zone : batch.reloads) outcome.failedReloads[zone] = outcome.error;
    } else {
        outcome.failedReloads = reload(batch.reloads, outcome.namedLacksZone);
        if (!outcome.failedReloads.empty()) outcome.error = outcome.failedReloads.begin()->second;
    }
    return outcome;
}

// With the lock held: answers the batch's tickets and keeps what failed for a retry. Returns
// whether anything is retried.
bool NamedSignaller::settle(const Batch& batch, const Outcome& outcome, const std::set<std::string>& retryReloads,
                            std::chrono::milliseconds& backoff) {
    busy_ = false;
    if (batch.reconfig && outcome.reconfigDone)
        for (const auto& zone : batch.removedBefore) removed_.erase(zone); // named has dropped them, or they were reloaded
    for (const auto& ticket : batch.tickets) {
        auto failed = outcome.failedReloads.find(ticket->zone);
        ticket->error = outcome.failedAll ? outcome.error : failed != outcome.failedReloads.end() ? failed->second : "";
        ticket->done = true;
    }
    bool retry = outcome.includeFailed || !outcome.reconfigDone || outcome.namedLacksZone || !retryReloads.empty();
    if (!outcome.error.empty() && !retry) log_(outcome.error + " (the zone was removed since; not retried)");
    if (!retry) {
        backoff = std::chrono::milliseconds(0);
        lastError_.clear();
        return false;
    }
    // Keep what did not go out; try again after a growing delay. A zone named does not know
    // (it restarted with an older include, a reconfig was lost) needs a reconfig.
    includeDirty_ = includeDirty_ || outcome.includeFailed;
    reconfig_ = reconfig_ || !outcome.reconfigDone || outcome.namedLacksZone;
    reloads_.insert(retryReloads.begin(), retryReloads.end());
    backoff = std::min<std::chrono::milliseconds>(std::max<std::chrono::milliseconds>(backoff * 2, std::chrono::milliseconds(250)),
                                                  std::chrono::seconds(10));
    if (outcome.error != lastError_) log_(outcome.error);
    lastError_ = outcome.error;
    return true;
}

void NamedSignaller::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    std::chrono::milliseconds backoff(0);
    Clock::time_point lastBatch;
    while (true) {
        wake_.wait(lock, [&] { return stopping_ || hasWork(); });
        if (stopping_ && !hasWork()) break;
        // Gather what is still on its way, up to the window; a retry waits out its delay.
        if (backoff.count() > 0) wake_.wait_until(lock, lastBatch + backoff, [&] { return stopping_; });
        else wake_.wait_for(lock, batch_, [&] { return stopping_ || coming_ == 0; });
        Batch batch = takeBatch();
        lock.unlock();
        Outcome outcome = send(batch);
        std::set<std::string> retryReloads;
        for (const auto& [zone, why] : outcome.failedReloads)
            if (wanted_(zone)) retryReloads.insert(zone); // a zone removed since is not retried
        lock.lock();
        lastBatch = Clock::now();
        bool retry = settle(batch, outcome, retryReloads, backoff);
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
