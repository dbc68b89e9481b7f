// Tells named about changes in batches, from one background thread: it writes the include file
// (when zones were added or removed), runs one `rndc reconfig` for added/removed zones and
// `rndc reload <zone>` for changed ones (one `rndc reload` when many changed). A failed signal
// stays pending and is retried, as long as the zone is still wanted.
//
// Batches: a batch gathers for up to `batch`, but goes at once when no change is still on its
// way (changeComing: an apply being checked or written). Applies wait for their batch, so
// when every apply in flight is waiting, nothing more can come: waiting longer would only
// stall them. So an idle change costs no wait, and concurrent applies share one batch.
//
// Each change returns a ticket; waitSignalled(ticket) blocks until the batch that carried it is
// done: "" when named took it (rndc answered OK), else why not. apply and remove return only
// then, so "applied" means named has been told.
//
// A reconfig loads zones named does not have, and leaves the ones it has alone: a zone removed
// and added again before named dropped it would keep its old content. So an added zone whose
// removal has not yet been through a reconfig is reloaded too.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace dadns::bind {

class NamedSignaller {
public:
    // One change waiting for its batch; null when there is nothing to wait for.
    struct Signal {
        std::string zone;
        bool done = false;
        std::string error; // why its batch did not reach named; "" when it did
    };
    using Ticket = std::shared_ptr<Signal>;

    // Longer than rndc's own 60 s connection timeout, so rndc reports a named that does not
    // answer; a hung rndc still frees the signalling thread.
    static constexpr std::chrono::seconds kRndcTimeout{90};

    // rndc empty: named is not signalled (the include is still written) and tickets are null.
    // writeInclude throws on failure; log receives one line per problem.
    // wanted(zone): the zone is still in the include (a failed reload of a zone removed since
    // is dropped, not retried).
    NamedSignaller(std::vector<std::string> rndc, std::chrono::milliseconds batch, std::function<void()> writeInclude,
                   std::function<bool(const std::string&)> wanted, std::function<void(const std::string&)> log);
    ~NamedSignaller();

    Ticket zoneAdded(const std::string& zone);
    Ticket zoneRemoved(const std::string& zone);
    Ticket zoneChanged(const std::string& zone);
    // An apply or remove on its way to one of the calls above (its zone being checked or
    // written): the batch it will join waits for it, up to the window. Pair with changeArrived,
    // after the change's call (or when it failed before).
    void changeComing();
    void changeArrived();
    // changeComing for as long as it lives.
    class Coming {
    public:
        explicit Coming(NamedSignaller& s) : s_(s) { s_.changeComing(); }
        ~Coming() { s_.changeArrived(); }
        Coming(const Coming&) = delete;
        Coming& operator=(const Coming&) = delete;

    private:
        NamedSignaller& s_;
    };
    // A zone already gone from the include whose removal no reconfig has confirmed yet (the
    // last one failed): a ticket for the reconfig still owed; null when named was told.
    Ticket removalPending(const std::string& zone);

    // "" once the batch that carried ticket reached named; its error when that batch failed;
    // a timeout message when it did not finish in time.
    std::string waitSignalled(const Ticket& ticket, std::chrono::milliseconds timeout);

    // Why the last attempt failed; "" when it worked (or nothing was sent yet).
    std::string lastError() const;
    // Blocks until nothing is pending (or timeout); true when idle.
    bool waitIdle(std::chrono::milliseconds timeout);

private:
    struct Batch {
        bool include = false, reconfig = false;
        std::set<std::string> reloads, removedBefore;
        std::vector<Ticket> tickets;
    };
    struct Outcome {
        std::string error;                            // the batch's error (the first, when several)
        bool includeFailed = false, reconfigDone = true, namedLacksZone = false;
        bool failedAll = false;                       // include or reconfig failed: no ticket reached named
        std::map<std::string, std::string> failedReloads; // zone -> why
    };

    void loop();
    Ticket enqueue(const std::string& zone);
    bool hasWork() const { return includeDirty_ || reconfig_ || !reloads_.empty() || !tickets_.empty(); }
    Batch takeBatch();
    Outcome send(const Batch& batch);
    bool settle(const Batch& batch, const Outcome& outcome, const std::set<std::string>& retryReloads, std::chrono::milliseconds& backoff);
    bool rndc(const std::vector<std::string>& args, std::string& error);
    // Runs the reloads; returns the zones that failed and why.
    std::map<std::string, std::string> reload(const std::set<std::string>& zones, bool& namedLacksZone);

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
    std::vector<Ticket> tickets_;   // waiting for the next batch
    int coming_ = 0;                // changes on their way (changeComing)
    bool busy_ = false;
    bool stopping_ = false;
    std::string lastError_;
    std::thread thread_;
};

} // namespace dadns::bind
