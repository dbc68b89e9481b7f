#include "NamedSignaller.hpp"

#include <dadns/sdk/process.hpp>

#include <algorithm>

namespace dadns::bind {

namespace {
constexpr size_t kReloadAllAbove = 64; // more changed zones than this: one `rndc reload`
// Longer than rndc's own 60 s connection timeout, so rndc reports a named that does not answer;
// a hung rndc still frees the signalling thread.
constexpr std::chrono::seconds kRndcTimeout(90);
}

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

void NamedSignaller::zoneAdded(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    includeDirty_ = reconfig_ = true;
    if (removed_.count(zone)) reloads_.insert(zone); // named may still hold its old content
    wake_.notify_all();
}

void NamedSignaller::zoneRemoved(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    includeDirty_ = reconfig_ = true;
    removed_.insert(zone);
    reloads_.erase(zone);
    wake_.notify_all();
}

void NamedSignaller::zoneChanged(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    reloads_.insert(zone); // after the batch's reconfig, if any: a zone added meanwhile is known by then
    wake_.notify_all();
}

std::string NamedSignaller::lastError() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lastError_;
}

bool NamedSignaller::waitIdle(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return wake_.wait_for(lock, timeout, [&] { return !busy_ && !includeDirty_ && !reconfig_ && reloads_.empty(); });
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

std::set<std::string> NamedSignaller::reload(const std::set<std::string>& zones, std::string& error, bool& namedLacksZone) {
    if (zones.size() > kReloadAllAbove) {
        if (rndc({"reload"}, error)) return {};
        return zones;
    }
    std::set<std::string> failed;
    for (const auto& zone : zones) { // one zone's failure does not hold back the others
        std::string why;
        if (rndc({"reload", zone}, why)) continue;
        failed.insert(zone);
        if (why.find("no matching zone") != std::string::npos || why.find("not found") != std::string::npos) namedLacksZone = true;
        if (error.empty()) error = why;
    }
    return failed;
}

void NamedSignaller::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    std::chrono::milliseconds backoff(0);
    while (true) {
        wake_.wait(lock, [&] { return stopping_ || includeDirty_ || reconfig_ || !reloads_.empty(); });
        if (stopping_ && !includeDirty_ && !reconfig_ && reloads_.empty()) return;
        // Collect what else arrives within the batch window (or the retry delay).
        wake_.wait_for(lock, std::max(batch_, backoff), [&] { return stopping_; });
        bool include = includeDirty_, reconfig = reconfig_;
        std::set<std::string> reloads, removedBefore = removed_;
        reloads.swap(reloads_);
        includeDirty_ = reconfig_ = false;
        busy_ = true;
        lock.unlock();

        std::string error;
        if (include) {
            try {
                writeInclude_();
            } catch (const std::exception& e) {
                error = std::string("cannot write the include file: ") + e.what();
            }
        }
        bool reconfigDone = !reconfig || rndc_.empty() || (error.empty() && rndc({"reconfig"}, error));
        std::set<std::string> failedReloads = reloads;
        bool namedLacksZone = false;
        if (rndc_.empty()) failedReloads.clear();
        else if (error.empty()) failedReloads = reload(reloads, error, namedLacksZone);
        std::erase_if(failedReloads, [&](const std::string& zone) { return !wanted_(zone); }); // removed since

        lock.lock();
        busy_ = false;
        if (reconfig && reconfigDone)
            for (const auto& zone : removedBefore) removed_.erase(zone); // named has dropped them, or they were reloaded
        bool includeFailed = include && error.rfind("cannot write", 0) == 0;
        bool retry = includeFailed || !reconfigDone || namedLacksZone || !failedReloads.empty();
        if (!error.empty() && !retry) log_(error + " (the zone was removed since; not retried)");
        if (retry) {
            // Keep what did not go out; try again after a growing delay. A zone named does not
            // know (it restarted with an older include, a reconfig was lost) needs a reconfig.
            includeDirty_ = includeDirty_ || includeFailed;
            reconfig_ = reconfig_ || !reconfigDone || namedLacksZone;
            reloads_.insert(failedReloads.begin(), failedReloads.end());
            backoff = std::min<std::chrono::milliseconds>(std::max<std::chrono::milliseconds>(backoff * 2, std::chrono::milliseconds(250)),
                                                          std::chrono::seconds(10));
            if (error != lastError_) log_(error);
            lastError_ = error;
        } else {
            backoff = std::chrono::milliseconds(0);
            lastError_.clear();
        }
        wake_.notify_all();
        if (stopping_ && retry) return; // do not retry forever on the way out
    }
}

} // namespace dadns::bind
