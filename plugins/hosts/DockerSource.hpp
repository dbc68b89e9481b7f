// The Docker source's life: list the running containers that carry a host-name label, then
// follow the engine's events; when the engine goes away (restart, socket gone), try again with
// a growing delay and list again: a full resync, which also drops containers that vanished
// meanwhile. A listing every resyncInterval also catches what no container event says (a
// network connected or disconnected, events the engine dropped). The containers seen go to apply() on a thread of its own, newest state only, so a
// slow store never holds up the engine's stream, and a failed apply is tried again.
//
// Nothing is applied while the engine cannot be listed: an unreachable engine removes no
// record. Decide under the lock, act after it (the engine's calls and apply run unlocked).
#pragma once

#include "DockerEngine.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dadns::hosts {

struct DockerSourceStatus {
    std::string endpoint;
    bool reachable = false;
    size_t containers = 0;      // labelled containers running, as last seen
    uint64_t resyncs = 0;       // full listings done
    std::string lastEvent;      // "start web1", ...
    int64_t lastEventMs = 0;
    std::string error;          // the engine's last failure, "" once it answers again
    int64_t errorAtMs = 0;
    std::string applyError;     // the last failed apply, "" once one succeeds
};

class DockerSource {
public:
    struct Options {
        std::string endpoint;                // unix:///path or /path
        std::vector<std::string> labels;     // host-name label keys
        std::chrono::milliseconds retryMin{500}, retryMax{30000};
        std::chrono::milliseconds resyncInterval{60000};
    };
    struct Callbacks {
        // Make the zone say what these running containers want; throws when it could not
        // (tried again after retryMin, with the newest state).
        std::function<void(const std::vector<Container>&)> apply;
        std::function<void(const std::string& action)> event; // an engine event was seen
        // A change of health worth a log line: the engine lost or back, applies failing or not.
        std::function<void(bool bad, const std::string& what)> report;
    };
    DockerSource(Options options, Callbacks callbacks);
    ~DockerSource();
    DockerSource(const DockerSource&) = delete;
    DockerSource& operator=(const DockerSource&) = delete;

    void start();
    void stop();
    DockerSourceStatus status() const;
    // Applies the newest state once more (its zone changed: a name held elsewhere may be free).
    void applyAgain();

private:
    void watch();                  // the engine's thread
    // One connection: list (listed is set once that worked), then events until the stream ends.
    void followOnce(bool& listed);
    void onEngineEvent(const ContainerEvent& event);
    void applyLoop();              // the applier's thread
    bool applyOnce(const std::vector<Container>& state); // false when apply failed
    // The periodic resync: the applier ends the watcher's stream, which then lists anew.
    void requestResync();
    bool takeResyncRequest();
    void publish(std::map<std::string, Container> running); // a new state for the applier
    void noteListed(std::map<std::string, Container> running);
    bool labelled(const std::map<std::string, std::string>& labels) const;
    void failed(const std::string& why);
    void report(bool bad, const std::string& what) noexcept; // callbacks_.report, never throwing
    bool sleepFor(std::chrono::milliseconds delay); // false when stopping

    Options options_;
    Callbacks callbacks_;
    DockerEngine engine_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::map<std::string, Container> running_; // id -> container (the engine thread's view)
    uint64_t generation_ = 0;                  // states published
    std::vector<Container> latest_;            // the newest state published
    DockerSourceStatus status_;
    bool started_ = false;
    bool resyncRequested_ = false;
    std::thread watcher_, applier_;
};

} // namespace dadns::hosts
