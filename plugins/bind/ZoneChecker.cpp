#include "ZoneChecker.hpp"

#include <dadns/sdk/files.hpp>
#include <dadns/sdk/process.hpp>
#include <dadns/sdk/types.hpp>

#include <map>
#include <random>
#include <sstream>
#include <unistd.h>

namespace dadns::bind {

namespace {
constexpr size_t kMaxBatch = 256;
// A batch of large zones takes named-checkconf seconds; one that runs for minutes is stuck: its
// zones fail (to be retried) rather than holding every apply waiting on it.
constexpr std::chrono::minutes kCheckTimeout(5);
}

ZoneChecker::ZoneChecker(std::string checkconf, std::string workDir, std::chrono::milliseconds window)
    : checkconf_(std::move(checkconf)), workDir_(std::move(workDir)), window_(window) {
    thread_ = std::thread([this] { loop(); });
}

ZoneChecker::~ZoneChecker() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    queued_.notify_all();
    thread_.join();
}

std::string ZoneChecker::check(const std::string& zone, const std::string& file) {
    auto request = std::make_shared<Request>();
    request->zone = zone;
    request->file = file;
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_) throw sdk::RetryableError("cannot check " + zone + ": the zone checker is stopping");
    pending_.push_back(request);
    queued_.notify_one();
    checked_.wait(lock, [&] { return request->done; });
    if (request->uncheckable) throw sdk::RetryableError(request->problem);
    return request->problem;
}

void ZoneChecker::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
        queued_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
        if (pending_.empty()) return;
        // A short window lets the other applies running now join this batch.
        queued_.wait_for(lock, window_, [&] { return stopping_ || pending_.size() >= kMaxBatch; });
        std::vector<std::shared_ptr<Request>> batch;
        batch.swap(pending_);
        lock.unlock();
        runBatch(batch);
        lock.lock();
        for (auto& r : batch) r->done = true;
        checked_.notify_all();
    }
}

void ZoneChecker::runBatch(const std::vector<std::shared_ptr<Request>>& batch) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    std::string conf = workDir_ + "/.dadns-check-" + std::to_string(random()) + ".conf";
    std::string text = "options { directory \"" + workDir_ + "\"; };\n";
    for (const auto& r : batch) text += "zone \"" + r->zone + "\" { type master; file \"" + r->file + "\"; };\n";
    try {
        sdk::writeFileAtomically(conf, text, 0600);
    } catch (const std::exception& e) {
        for (auto& r : batch) r->uncheck(std::string("cannot check the zone: ") + e.what());
        return;
    }
    sdk::ProcessOptions options;
    options.timeout = kCheckTimeout;
    options.outputLimit = 1024 * 1024; // a reason per bad zone, for up to kMaxBatch zones
    sdk::ProcessResult result = sdk::runProcess({checkconf_, "-z", conf}, options);
    ::unlink(conf.c_str());

    // named-checkconf -z prints "zone <name>/IN: loaded serial N" for a good zone, and for a bad
    // one its reasons ("zone <name>/IN: ...", "dns_master_load: <file>:<line>: ...") then
    // "zone <name>/IN: not loaded due to errors.".
    std::map<std::string, std::string> reasons;
    std::map<std::string, bool> loaded;
    std::map<std::string, std::string> zoneOfFile;
    for (const auto& r : batch) zoneOfFile[r->file] = r->zone;
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("zone ", 0) == 0) {
            auto slash = line.find('/');
            auto colon = line.find(": ");
            if (slash == std::string::npos || colon == std::string::npos) continue;
            std::string zone = line.substr(5, slash - 5);
            std::string what = line.substr(colon + 2);
            if (what.rfind("loaded serial", 0) == 0) loaded[zone] = true;
            else if (what.find("not loaded due to errors") == std::string::npos) reasons[zone] += (reasons[zone].empty() ? "" : "; ") + what;
        } else if (line.rfind("dns_master_load: ", 0) == 0) {
            std::string rest = line.substr(17);
            auto colon = rest.find(':');
            auto it = zoneOfFile.find(rest.substr(0, colon));
            if (it != zoneOfFile.end()) {
                auto lineEnd = rest.find(": ", colon + 1);
                std::string where = "line " + rest.substr(colon + 1, lineEnd == std::string::npos ? 0 : lineEnd - colon - 1);
                std::string what = lineEnd == std::string::npos ? rest : rest.substr(lineEnd + 2);
                reasons[it->second] += (reasons[it->second].empty() ? "" : "; ") + where + ": " + what;
            }
        }
    }
    // A zone named gave reasons for is rejected; one it said nothing about was not checked when
    // the run did not end normally (timed out, killed, not started, output cut short).
    bool ranToTheEnd = result.end == sdk::ProcessResult::End::Exited && !result.outputTruncated;
    for (auto& r : batch) {
        if (loaded[r->zone]) continue;
        const std::string& why = reasons[r->zone];
        if (!why.empty()) r->problem = "named would reject " + r->zone + ": " + why;
        else if (ranToTheEnd) r->problem = "named would reject " + r->zone + ": named-checkconf did not load it";
        else r->uncheck("cannot check " + r->zone + ": named-checkconf " + result.describe());
    }
}

} // namespace dadns::bind
