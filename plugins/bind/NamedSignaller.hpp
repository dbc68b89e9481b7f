// Tells named about changes in batches, from one background thread, in one of two ways of
// keeping named's zone list (Membership):
// - Include: the include file lists every zone; one `reconfig` per batch loads added zones and
//   drops removed ones. named pauses all queries for a reconfig, for time that grows with the
//   zones it holds: right for thousands of zones, not for a hundred thousand.
// - AddZone: `addzone` / `delzone` per zone (named runs with allow-new-zones and keeps them
//   across its restarts); a pause per zone, not per reconfig. The include file only shrinks:
//   zones it listed before stay named's static zones until they are removed, so a zone is
//   never both static and added.
// Changed zones get `reload <zone>` (one `reload` of everything when many changed and each
// command costs a process). A failed signal stays pending and is retried, as long as the zone
// is still wanted.
//
// Batches: a batch gathers for up to `batch`, but goes at once when no change is still on its
// way (changeComing: an apply being checked or written). Applies wait for their batch, so
// when every apply in flight is waiting, nothing more can come: waiting longer would only
// stall them. So an idle change costs no wait, and concurrent applies share one batch.
//
// Each change returns a ticket; waitSignalled(ticket) blocks until the batch that carried it is
// done: "" when named took it, else why not. apply and remove return only then, so "applied"
// means named has been told.
//
// Include mode: a reconfig loads zones named does not have, and leaves the ones it has alone: a
// zone removed and added again before named dropped it would keep its old content. So an added
// zone whose removal has not yet been through a reconfig is reloaded too.
//
// Over a channel (commandsAreCheap) the signaller asks named's `status` every checkInterval: a
// named that does not answer shows in lastError while nothing changes, and the connection stays
// open. AddZone mode reconciles: whenever named is found to have (re)started (its boot time
// differs from the last seen; also at the first check), every wanted zone is offered again with
// `addzone` (one named already has answers "exists", which costs it no pause), in slices between
// the batches of new changes.
#pragma once

#include "NamedControl.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
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
    enum class Membership { Include, AddZone };

    // One change waiting for its batch; null when there is nothing to wait for.
    struct Signal {
        std::string zone;
        bool done = false;
        std::string error; // why its batch did not reach named; "" when it did
    };
    using Ticket = std::shared_ptr<Signal>;

    struct Options {
        NamedControl control;            // empty: named is not signalled, tickets are null
        Membership membership = Membership::Include;
        bool commandsAreCheap = false;   // a command is a round trip, not a process: never `reload` everything
        std::chrono::milliseconds batch{200};
        std::chrono::milliseconds checkInterval{10000}; // how often the signaller asks named's status (over a channel)
    };
    // What the signaller asks of the zones' owner. Each may be called from its thread.
    struct Zones {
        // Writes the files that list zones (the include, a catalog); throws on failure. Returns
        // the zones to reload once written (a catalog). notInNamed() gives the zones named does
        // not hold yet (AddZone: their addzone failed, or it waits for a later batch); call it
        // after reading the zones to list, so that a zone added meanwhile is in it.
        std::function<std::vector<std::string>(const std::function<std::set<std::string>()>& notInNamed)> writeLists;
        // The zone is still wanted (a failed signal for a zone removed since is dropped).
        std::function<bool(const std::string&)> wanted;
        // AddZone: the zone's file, and the configuration `addzone` gives it:
        // `{ type primary; file "<zoneFile>"; };`.
        std::function<std::string(const std::string&)> zoneFile;
        std::function<std::string(const std::string&)> addzoneConfig;
        // AddZone: every zone named should hold, for a reconcile.
        std::function<std::vector<std::string>()> all;
        std::function<void(const std::string&)> log;  // one line per problem
        std::function<void(const std::string&)> info; // one line per reconcile done
    };

    NamedSignaller(Options options, Zones zones);
    ~NamedSignaller();

    Ticket zoneAdded(const std::string& zone);
    Ticket zoneRemoved(const std::string& zone);
    Ticket zoneChanged(const std::string& zone);
    // The lists are to be written again (at start: the include is stale, a catalog is kept);
    // reconfig: named is to read the include again (Include mode).
    void listsChanged(bool reconfig);
    // The lists are to be written again at when (a catalog move's second step).
    void listsChangedAt(std::chrono::steady_clock::time_point when);
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
    // A zone already gone from the backend's files whose removal named may not have taken (the
    // last signal failed): a ticket for the signal still owed; null when named was told.
    // AddZone mode always sends delzone again (named answers "not found" when it has none).
    Ticket removalPending(const std::string& zone);

    // "" once the batch that carried ticket reached named; its error when that batch failed;
    // a timeout message when it did not finish in time.
    std::string waitSignalled(const Ticket& ticket, std::chrono::milliseconds timeout);

    // Why the last attempt failed; "" when it worked (or nothing was sent yet).
    std::string lastError() const;
    // Blocks until nothing is pending (or timeout); true when idle.
    bool waitIdle(std::chrono::milliseconds timeout);
    // AddZone: zones still to be offered to named by a reconcile.
    size_t reconcilePending() const;

    // What an operator sees of named through the signaller (the backend's details).
    struct View {
        std::string namedBoot;  // named's boot time at the last status check; "" before one
        std::string lastError;  // as lastError()
        size_t waiting = 0;     // zones whose command waits for the next batch
        struct Reconcile {
            bool running = false;
            size_t zones = 0, offered = 0, added = 0; // offered: taken into batches (slices of 1,000); added: offers named lacked
            int64_t ms = 0;                            // so far, or in all once done
        } reconcile;            // the one under way, else the last one (zones 0, not running: none yet)
    };
    View view() const;

private:
    struct Batch {
        bool lists = false, reconfig = false;
        std::set<std::string> adds, deletes, reloads, removedBefore;
        std::vector<std::string> offers; // a reconcile's slice: addzone, "exists" is fine
        std::vector<Ticket> tickets;
    };
    struct Outcome {
        std::string error;                          // the batch's error (the first, when several)
        bool listsFailed = false, reconfigDone = true, namedLacksZone = false;
        bool failedAll = false;                     // lists or reconfig failed: no ticket reached named
        std::map<std::string, std::string> failed;  // zone -> why its command failed
        std::set<std::string> retryAdds, retryDeletes, retryReloads, retryOffers;
        std::string unreachable; // named did not answer a command: the rest of the batch is not sent
        size_t offersAdded = 0;  // a reconcile's offers named did not have
    };

    void loop();
    void checkNamed(std::unique_lock<std::mutex>& lock);
    Ticket enqueue(const std::string& zone);
    bool hasWork() const;
    Batch takeBatch();
    Outcome send(const Batch& batch);
    void sendZoneCommands(const Batch& batch, std::set<std::string>& reloads, Outcome& outcome);
    void sendMembership(const Batch& batch, std::set<std::string>& reloads, Outcome& outcome);
    void sendReloads(const std::set<std::string>& zones, Outcome& outcome);
    bool settle(const Batch& batch, const Outcome& outcome, std::chrono::milliseconds& backoff);
    void noteReconcile(const Outcome& outcome);
    // Runs one command of a batch; once named did not answer (or the signaller is stopping), the
    // batch's other commands are not sent but answered alike, so a named that hangs costs one
    // timeout per batch, not one per zone.
    ControlAnswer run(const std::vector<std::string>& args, Outcome& outcome);
    ControlAnswer run(const std::vector<std::string>& args) { return options_.control(args); }
    // AddZone: whether named's zone is the one whose file the backend writes (`showzone`), so
    // that dadns never deletes or takes over a zone named has from elsewhere.
    bool namedZoneIsOurs(const std::string& zone, Outcome& outcome);
    Outcome failedBatch(const Batch& batch, const std::string& why) const;

    Options options_;
    Zones zones_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool listsDirty_ = false;
    bool reconfig_ = false;
    std::set<std::string> removed_; // Include: removed, and no reconfig since may have told named
    std::set<std::string> adds_, deletes_, reloads_;
    std::deque<std::string> offers_; // AddZone: a reconcile's zones still to offer
    bool reconcile_ = false;         // AddZone: offer every zone again (named restarted)
    struct Reconcile {               // the one under way (or the last), for its log line and view()
        bool running = false;
        size_t zones = 0, added = 0;
        std::chrono::steady_clock::time_point began, ended;
    } reconciling_;
    std::string namedBoot_;          // named's boot time at the last check
    std::chrono::steady_clock::time_point listsDue_ = std::chrono::steady_clock::time_point::max();
    std::vector<Ticket> tickets_;    // waiting for the next batch
    int coming_ = 0;                 // changes on their way (changeComing)
    bool busy_ = false;
    bool stopping_ = false;
    std::atomic<bool> stopRequested_{false}; // stopping_, read without the lock between commands
    std::string lastError_;
    std::thread thread_;
};

} // namespace dadns::bind
