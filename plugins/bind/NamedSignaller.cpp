#include "NamedSignaller.hpp"

#include "Command.hpp"

#include <algorithm>

namespace dadns::bind {

namespace {
constexpr size_t kReloadAllAbove = 64; // more changed zones than this: one `rndc reload`
}

NamedSignaller::NamedSignaller(std::vector<std::string> rndc, std::chrono::milliseconds batch, std::function<void()> writeInclude,
                               std::function<void(const std::string&)> log)
    : rndc_(std::move(rndc)), batch_(batch), writeInclude_(std::move(writeInclude)), log_(std::move(log)) {
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
    added_.insert(zone);
    wake_.notify_all();
}

void NamedSignaller::zoneRemoved(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    includeDirty_ = reconfig_ = true;
    added_.erase(zone);
    reloads_.erase(zone);
    wake_.notify_all();
}

void NamedSignaller::zoneChanged(const std::string& zone) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!added_.count(zone)) reloads_.insert(zone); // an added zone is loaded by the reconfig
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
    CommandResult r = runCommand(argv);
    if (r.ok()) return true;
    std::string out = r.output;
    out.erase(std::remove(out.begin(), out.end(), '\n'), out.end());
    error = "rndc " + args.front() + " failed (" + std::to_string(r.status) + "): " + out;
    return false;
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
        std::set<std::string> reloads;
        reloads.swap(reloads_);
        includeDirty_ = reconfig_ = false;
        added_.clear();
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
        bool reloadsDone = reloads.empty() || rndc_.empty();
        if (!reloadsDone && error.empty()) {
            if (reloads.size() > kReloadAllAbove) {
                reloadsDone = rndc({"reload"}, error);
            } else {
                reloadsDone = true;
                for (auto it = reloads.begin(); it != reloads.end();) {
                    if (rndc({"reload", *it}, error)) {
                        it = reloads.erase(it);
                    } else {
                        reloadsDone = false;
                        break;
                    }
                }
            }
        }

        lock.lock();
        busy_ = false;
        if (!error.empty()) {
            // Keep what did not go out; try again after a growing delay.
            includeDirty_ = includeDirty_ || (include && error.rfind("cannot write", 0) == 0);
            reconfig_ = reconfig_ || !reconfigDone;
            if (!reloadsDone) reloads_.insert(reloads.begin(), reloads.end());
            backoff = std::min<std::chrono::milliseconds>(std::max<std::chrono::milliseconds>(backoff * 2, std::chrono::milliseconds(250)),
                                                          std::chrono::seconds(10));
            if (error != lastError_) log_(error);
            lastError_ = error;
        } else {
            backoff = std::chrono::milliseconds(0);
            lastError_.clear();
        }
        wake_.notify_all();
        if (stopping_ && !error.empty()) return; // do not retry forever on the way out
    }
}

} // namespace dadns::bind
