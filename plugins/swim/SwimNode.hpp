// One node of the SWIM cluster on the network: the UDP socket, the optional broadcast
// discovery socket, and the protocol loop (one probe per probe_interval with ping-req through
// indirect_checks members on timeout, gossip to gossip_fanout members every gossip_interval,
// suspicion expiry, push-pull of the full membership every push_pull_interval, joining through
// seeds, graceful leave). Every packet is sealed and opened by PacketAuth.
#pragma once

#include "Membership.hpp"
#include "PacketAuth.hpp"
#include "SwimSettings.hpp"

#include <dadns/sdk/host.hpp>

#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace dadns::swim {

// What the node tells the rest of the plugin.
struct NodeEvents {
    // A peer holds zone at stamp (it gossiped it).
    std::function<void(const ZoneUpdate&, const Member& holder)> zoneOffered;
    // A member became alive that was unknown or gone: time to compare zones with it.
    std::function<void(const Member&)> memberUp;
    // A push-pull round picked this member: compare zones with it too.
    std::function<void(const Member&)> pushPull;
};

struct NodeCounters {
    std::atomic<uint64_t> packetsSent{0}, packetsReceived{0}, bytesSent{0}, bytesReceived{0};
    std::atomic<uint64_t> forged{0}, stale{0}, replayed{0}, malformed{0};
};

class SwimNode {
public:
    SwimNode(SwimSettings settings, sdk::Host host, std::string selfIp, std::string apiUrl, NodeEvents events);
    ~SwimNode();
    SwimNode(const SwimNode&) = delete;
    SwimNode& operator=(const SwimNode&) = delete;

    // Binds the sockets (throws with the reason when a port is taken) and starts the threads.
    void start();
    // Announces the leave to a few members, then stops the threads.
    void stop();

    void announceZone(const std::string& zone, const std::string& stamp);
    // A push-pull round now, with every alive member.
    void syncAll();

    Member self() const;
    std::vector<Member> members() const;
    std::optional<Member> member(const std::string& id) const;
    size_t count(MemberState s) const;
    // Addresses (ip:port) of other nodes whose packets carry this node's node_id: two nodes with
    // one identity cannot be told apart in the cluster, nor their changes in version stamps.
    std::set<std::string> othersWithMyId() const;
    const NodeCounters& counters() const { return counters_; }
    PacketAuth& auth() { return auth_; }

private:
    // Announcements on the discovery socket are ordinary sealed packets; sync replies go to the
    // sender's advertised address either way.
    void receiveLoop(Poco::Net::DatagramSocket& socket);
    void protocolLoop();
    void handle(const std::string& packet, const Poco::Net::SocketAddress& source);
    void react(const std::vector<Transition>& transitions);

    // Seals payload (plus piggybacked gossip when there is room and gossip is set) and sends it.
    void send(const Poco::Net::SocketAddress& to, std::string payload, bool gossip = true);
    void sendSync(const Poco::Net::SocketAddress& to, bool wantReply);
    void countSent(int bytes);
    void sendPing(const Member& target, uint32_t seq);
    Poco::Net::SocketAddress addressOf(const Member& m) const { return Poco::Net::SocketAddress(m.ip, m.port); }
    void drop(Verdict v);
    int64_t now() const;

    // What one turn of the protocol loop decided, sent once mutex_ is released.
    struct Outbox {
        std::vector<std::pair<Poco::Net::SocketAddress, std::string>> packets; // payloads, gossip added
        std::vector<Poco::Net::SocketAddress> syncs;                           // push-pull, reply wanted
        std::vector<Member> pushPulls;                                         // zone digest exchanges
        std::vector<Transition> transitions;
        std::string announcement;                                              // broadcast payload; empty: none
    };
    void flush(Outbox& out);
    // Protocol steps, called from protocolLoop with mutex_ held.
    void stepProbe(int64_t nowMs, Outbox& out);
    void stepGossip(Outbox& out);
    void stepJoin(Outbox& out);
    void stepPushPull(int64_t nowMs, Outbox& out);
    void announce(const std::string& payload);

    SwimSettings settings_;
    sdk::Host host_;
    PacketAuth auth_;
    NodeEvents events_;
    NodeCounters counters_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    Membership membership_;
    bool stopping_ = false;

    struct Probe {
        bool active = false;
        bool indirectSent = false;
        bool acked = false;
        uint32_t seq = 0;
        std::string target;
        int64_t startMs = 0;
    } probe_;
    struct Forward {
        Poco::Net::SocketAddress requester;
        uint32_t seq;
        int64_t expiresMs;
    };
    std::map<uint32_t, Forward> forwards_; // ping-reqs we relay: our seq -> who asked
    std::set<std::string> othersWithMyId_;
    std::set<std::string> localAddresses_; // this host's addresses (set once at construction)
    uint32_t nextSeq_ = 1;
    int64_t nextProbeMs_ = 0, nextGossipMs_ = 0, nextJoinMs_ = 0, nextPushPullMs_ = 0, nextAnnounceMs_ = 0;

    Poco::Net::DatagramSocket socket_;
    Poco::Net::DatagramSocket discovery_;
    std::thread receiver_, discoveryReceiver_, protocol_;
    std::atomic<bool> running_{false};
};

// The IPv4 address peers reach this node at: advertise_address, else bind_address unless it is
// 0.0.0.0, else the first non-loopback IPv4 of the host, else 127.0.0.1.
std::string advertisedAddress(const SwimSettings& s);

} // namespace dadns::swim
