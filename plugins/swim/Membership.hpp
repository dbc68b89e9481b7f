// SWIM membership as one node sees it: the member table, incarnation numbers, suspicion with
// Lifeguard-style timeouts, refutation, and the queue of updates to disseminate. Pure logic with
// the time passed in; SwimNode owns the sockets and calls it under its lock.
#pragma once

#include "GossipQueue.hpp"
#include "Wire.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace dadns::swim {

struct Member {
    std::string id, ip, apiUrl;
    uint16_t port = 0;
    MemberState state = MemberState::Alive;
    uint32_t incarnation = 0;
    int64_t stateSinceMs = 0;
    int64_t lastSeenMs = 0;             // last authenticated packet from it; 0 = never directly
    std::set<std::string> suspectors;   // nodes that independently suspect it (Lifeguard confirmations)
};

// A member entering a state; isNew when it was not in the table before.
struct Transition {
    std::string id;
    MemberState to;
    bool isNew = false;
};

struct MembershipTiming {
    int64_t probeIntervalMs = 1000;
    int suspicionMult = 4;
    int suspicionMaxMult = 6;
    int expectedConfirmations = 3;      // Lifeguard's k: the indirect checks
    int retransmitMult = 4;
};

class Membership {
public:
    Membership(const MemberUpdate& self, MembershipTiming timing);

    const Member& self() const { return self_; }
    // What this node says of itself (alive, or left after leave()), to announce or send on leaving.
    MemberUpdate selfClaim() const { return claimOf(self_, self_.id); }

    // A claim received from a peer (gossip, sync or announcement). Claims about this node that
    // say it is suspect or failed are refuted with a higher incarnation.
    std::vector<Transition> apply(const MemberUpdate& claim, int64_t nowMs);
    void seen(const std::string& id, int64_t nowMs);
    // This node's own probe of id went unanswered.
    std::vector<Transition> suspect(const std::string& id, int64_t nowMs);
    // Suspicions whose timeout passed become failures.
    std::vector<Transition> expireSuspicions(int64_t nowMs);
    // Graceful leave: this node announces that it left.
    void leave();
    // Forgets members failed or left for longer than retentionMs.
    void reap(int64_t nowMs, int64_t retentionMs);

    // Round-robin over alive and suspect members, reshuffled every round.
    std::optional<Member> nextProbeTarget();
    // Up to k random members other than exclude: alive ones, plus suspect ones when asked.
    std::vector<Member> randomPeers(size_t k, const std::string& exclude, bool includeSuspect);
    const Member* find(const std::string& id) const;

    std::vector<Member> members() const; // everyone but this node
    std::vector<MemberUpdate> fullState() const; // this node and every member, for push-pull
    size_t count(MemberState state) const; // this node counts as alive
    int64_t suspicionTimeoutMs(size_t confirmations) const;
    int retransmitLimit() const;

    void queueZone(const ZoneUpdate& update);
    std::vector<std::string> takeGossip(size_t budget) { return gossip_.take(budget, retransmitLimit()); }
    size_t gossipPending() const { return gossip_.size(); }

private:
    MemberUpdate claimOf(const Member& m, const std::string& from) const;
    void queue(const MemberUpdate& claim);
    void refute(uint32_t seenIncarnation);

    Member self_;
    MembershipTiming timing_;
    std::map<std::string, Member> members_;
    GossipQueue gossip_;
    std::vector<std::string> probeOrder_;
    size_t probeIndex_ = 0;
    std::mt19937 rng_{std::random_device{}()};
};

} // namespace dadns::swim
