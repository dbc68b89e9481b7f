// Tells named about changes in batches, from one background thread: after a quiet window of
// reload_batch_ms it writes the include file (when zones were added or removed), runs one
// `rndc reconfig` for added/removed zones and `rndc reload <zone>` for changed ones (one
// `rndc reload` when many changed). A failed signal stays pending and is retried, as long as
// the zone is still wanted.
//
// A reconfig loads zones named does not have, and leaves the ones it has alone: a zone removed
// and added again before named dropped it would keep its old content. So an added zone whose
// removal has not yet been through a reconfig is reloaded too.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace dadns::bind {

class NamedSignaller {
public:
    // writeInclude throws on failure; log receives one line per problem.
    // wanted(zone): the zone is still in the include (a failed reload of a zone removed since
    // is dropped, not retried).
    NamedSignaller(std::vector<std::string> rndc, std::chrono::milliseconds batch, std::function<void()> writeInclude,
                   std::function<bool(const std::string&)> wanted, std::function<void(const std::string&)> log);
    ~NamedSignaller();

    void zoneAdded(const std::string& zone);
    void zoneRemoved(const std::string& zone);
    void zoneChanged(const std::string& zone);

    // Why the last attempt failed; "" when it worked (or nothing was sent yet).
    std::string lastError() const;
    // Blocks until nothing is pending (or timeout); true when idle.
    bool waitIdle(std::chrono::milliseconds timeout);

private:
    void loop();
    bool rndc(const std::vector<std::string>& args, std::string& error);
    // Runs the reloads; returns the zones that failed (error says why the first did).
    std::set<std::string> reload(const std::set<std::string>& zones, std::string& error, bool& namedLacksZone);

    std::vector<std::string> rndc_;
    std::chrono::milliseconds batch_;
    std::function<void()> writeInclude_;
    std::function<bool(const std::string&)> wanted_;
    std::function<void(const std::string&)> log_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool includeDirty_ = false;
    bool reconfig_ = false;
    std::set<std::string> removed_; // removed, and no reconfig since may have told named
    std::set<std::string> reloads_;
    bool busy_ = false;
    bool stopping_ = false;
    std::string lastError_;
    std::thread thread_;
};

} // namespace dadns::bind
