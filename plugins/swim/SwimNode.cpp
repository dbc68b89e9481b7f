#include "SwimNode.hpp"

#include <dadns/sdk/clock.hpp>
#include <dadns/sdk/types.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetworkInterface.h>

#include <algorithm>
#include <chrono>

namespace dadns::swim {
namespace {

MembershipTiming timingOf(const SwimSettings& s) {
    MembershipTiming t;
    t.probeIntervalMs = s.probeInterval.count();
    t.suspicionMult = s.suspicionMult;
    t.suspicionMaxMult = s.suspicionMaxMult;
    t.expectedConfirmations = s.indirectChecks;
    t.retransmitMult = s.retransmitMult;
    return t;
}

} // namespace

std::string advertisedAddress(const SwimSettings& s) {
    if (!s.advertiseAddress.empty()) return s.advertiseAddress;
    if (s.bindAddress != "0.0.0.0") return s.bindAddress;
    try {
        for (const auto& nic : Poco::Net::NetworkInterface::list(true, true)) {
            const auto& ip = nic.address();
            if (ip.family() == Poco::Net::AddressFamily::IPv4 && !ip.isLoopback()) return ip.toString();
        }
    } catch (const Poco::Exception&) {
    }
    return "127.0.0.1";
}

SwimNode::SwimNode(SwimSettings settings, sdk::Host host, std::string selfIp, std::string apiUrl, NodeEvents events)
    : settings_(std::move(settings)), host_(host), auth_(settings_.clusterKey, settings_.maxPacketAge), events_(std::move(events)),
      membership_(MemberUpdate{MemberState::Alive, 0, settings_.nodeId, selfIp, settings_.swimPort, apiUrl, settings_.nodeId},
                  timingOf(settings_)) {
    localAddresses_ = {selfIp, settings_.bindAddress, "127.0.0.1", "::1"};
    try {
        for (const auto& nic : Poco::Net::NetworkInterface::list(false, false)) localAddresses_.insert(nic.address().toString());
    } catch (const Poco::Exception& e) {
        host_.warn("swim: this host's addresses could not be listed (" + e.displayText() + "); own broadcasts are known by the advertised address");
    }
}

SwimNode::~SwimNode() { stop(); }

int64_t SwimNode::now() const { return sdk::wallClockMs(); }

void SwimNode::start() {
    Poco::Net::SocketAddress bindTo(settings_.bindAddress, settings_.swimPort);
    try {
        socket_.bind(bindTo, false);
    } catch (const Poco::Exception& e) {
        throw sdk::PermanentError("swim: cannot bind the SWIM port " + bindTo.toString() + ": " + e.displayText());
    }
    socket_.setReceiveTimeout(Poco::Timespan(0, 200 * 1000));
    if (settings_.broadcast) {
        // Broadcasts reach only sockets bound to the wildcard address; every node on the host
        // shares the port.
        Poco::Net::SocketAddress any("0.0.0.0", settings_.discoveryPort);
        try {
            discovery_.bind(any, true, true);
            discovery_.setBroadcast(true);
        } catch (const Poco::Exception& e) {
            throw sdk::PermanentError("swim: cannot bind the discovery port " + any.toString() + ": " + e.displayText());
        }
        discovery_.setReceiveTimeout(Poco::Timespan(0, 200 * 1000));
    }
    running_ = true;
    receiver_ = std::thread([this] { receiveLoop(socket_); });
    if (settings_.broadcast) discoveryReceiver_ = std::thread([this] { receiveLoop(discovery_); });
    protocol_ = std::thread([this] { protocolLoop(); });
    host_.info("swim: node '" + settings_.nodeId + "' on " + membership_.self().ip + ":" + std::to_string(settings_.swimPort) +
               (settings_.broadcast ? ", discovery broadcasts to " + settings_.broadcastAddress + ":" + std::to_string(settings_.discoveryPort)
                                    : std::string()) +
               ", " + std::to_string(settings_.seeds.size()) + " seed(s)");
}

void SwimNode::stop() {
    if (!running_.exchange(false)) return;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        stopping_ = true;
        membership_.leave();
    }
    wake_.notify_all();
    if (protocol_.joinable()) protocol_.join();
    // Tell a few members directly; they spread it.
    std::vector<Member> peers;
    std::string left;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        peers = membership_.randomPeers(static_cast<size_t>(settings_.gossipFanout) + 2, "", true);
        left = encode(membership_.selfClaim());
    }
    for (const auto& p : peers) send(addressOf(p), left, false);
    if (receiver_.joinable()) receiver_.join();
    if (discoveryReceiver_.joinable()) discoveryReceiver_.join();
    socket_.close();
    if (settings_.broadcast) discovery_.close();
}

void SwimNode::drop(Verdict v) {
    switch (v) {
    case Verdict::Forged: ++counters_.forged; break;
    case Verdict::Stale: ++counters_.stale; break;
    case Verdict::Replayed: ++counters_.replayed; break;
    default: ++counters_.malformed; break;
    }
    host_.counterAdd("dadns_swim_packets_dropped_total", "SWIM packets refused, by reason", {{"reason", verdictName(v)}});
}

void SwimNode::receiveLoop(Poco::Net::DatagramSocket& socket) {
    std::string buffer(65536, '\0');
    while (running_) {
        Poco::Net::SocketAddress source;
        int n = 0;
        try {
            n = socket.receiveFrom(buffer.data(), static_cast<int>(buffer.size()), source);
        } catch (const Poco::TimeoutException&) {
            continue;
        } catch (const Poco::Exception& e) {
            if (running_) host_.debug("swim: receive: " + e.displayText());
            continue;
        }
        if (n <= 0) continue;
        ++counters_.packetsReceived;
        counters_.bytesReceived += static_cast<uint64_t>(n);
        host_.counterAdd("dadns_swim_packets_total", "SWIM packets, by direction", {{"direction", "received"}});
        host_.counterAdd("dadns_swim_bytes_total", "SWIM UDP payload bytes, by direction", {{"direction", "received"}}, n);
        try {
            handle(std::string(buffer.data(), static_cast<size_t>(n)), source);
        } catch (const std::exception& e) {
            host_.warn("swim: packet from " + source.toString() + ": " + e.what());
        }
    }
}

void SwimNode::handle(const std::string& packet, const Poco::Net::SocketAddress& source) {
    int64_t nowMs = now();
    auto opened = auth_.open(packet, nowMs);
    if (opened.verdict != Verdict::Ok) {
        drop(opened.verdict);
        return;
    }
    if (opened.sender == settings_.nodeId) {
        // Our own packet (a broadcast, sent from the discovery socket, or a seed that is this
        // node itself: from one of our ports on one of this host's addresses), or another node
        // with our identity: that one is reported, loudly.
        bool ownPort = source.port() == settings_.swimPort || source.port() == settings_.discoveryPort;
        if (ownPort && localAddresses_.count(source.host().toString())) return;
        std::string from = source.host().toString() + ":" + std::to_string(source.port());
        bool first;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            first = othersWithMyId_.insert(from).second;
        }
        if (first)
            host_.error("swim: the node at " + from + " uses this node's node_id '" + settings_.nodeId +
                        "': the cluster cannot tell the two apart and their changes may never converge; give every node its own node_id");
        return;
    }
    std::vector<Message> messages;
    try {
        messages = decode(opened.payload);
    } catch (const WireError& e) {
        drop(Verdict::Malformed);
        host_.debug(std::string("swim: malformed packet from ") + source.toString() + ": " + e.what());
        return;
    }
    std::vector<std::pair<Poco::Net::SocketAddress, std::string>> replies;
    std::vector<std::pair<ZoneUpdate, Member>> offers;
    bool syncReply = false;
    std::vector<Transition> transitions;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& m : messages) {
            if (auto* ping = std::get_if<Ping>(&m)) {
                if (ping->target == settings_.nodeId) replies.emplace_back(source, encode(Ack{ping->seq}));
            } else if (auto* ack = std::get_if<Ack>(&m)) {
                auto fwd = forwards_.find(ack->seq);
                if (fwd != forwards_.end()) {
                    replies.emplace_back(fwd->second.requester, encode(Ack{fwd->second.seq}));
                    forwards_.erase(fwd);
                } else if (probe_.active && ack->seq == probe_.seq) {
                    probe_.acked = true;
                }
            } else if (auto* req = std::get_if<PingReq>(&m)) {
                uint32_t seq = nextSeq_++;
                forwards_[seq] = Forward{source, req->seq, nowMs + settings_.probeInterval.count()};
                try {
                    replies.emplace_back(Poco::Net::SocketAddress(req->ip, req->port), encode(Ping{seq, req->target}));
                } catch (const Poco::Exception&) {
                    forwards_.erase(seq);
                }
            } else if (auto* claim = std::get_if<MemberUpdate>(&m)) {
                auto t = membership_.apply(*claim, nowMs);
                transitions.insert(transitions.end(), t.begin(), t.end());
            } else if (auto* zone = std::get_if<ZoneUpdate>(&m)) {
                if (const Member* holder = membership_.find(opened.sender)) offers.emplace_back(*zone, *holder);
            } else if (auto* sync = std::get_if<SyncMarker>(&m)) {
                syncReply = syncReply || sync->wantReply;
            }
        }
        membership_.seen(opened.sender, nowMs);
    }
    wake_.notify_all();
    for (auto& [to, payload] : replies) send(to, std::move(payload));
    if (syncReply) {
        Poco::Net::SocketAddress to = source;
        if (auto m = member(opened.sender)) to = addressOf(*m);
        sendSync(to, false);
    }
    react(transitions);
    if (events_.zoneOffered)
        for (auto& [zone, holder] : offers) events_.zoneOffered(zone, holder);
}

void SwimNode::react(const std::vector<Transition>& transitions) {
    for (const auto& t : transitions) {
        auto m = member(t.id);
        if (!m) continue;
        std::string what = std::string(stateName(t.to));
        if (t.to == MemberState::Alive || t.isNew)
            host_.info("swim: member '" + t.id + "' at " + m->ip + ":" + std::to_string(m->port) + " is " + what);
        else
            host_.warn("swim: member '" + t.id + "' is " + what);
        if (t.to == MemberState::Alive && events_.memberUp) events_.memberUp(*m);
    }
    for (MemberState s : {MemberState::Alive, MemberState::Suspect, MemberState::Dead, MemberState::Left})
        host_.gaugeSet("dadns_swim_members", "Cluster members by state, this node included", {{"state", stateName(s)}},
                       static_cast<double>(count(s)));
}

void SwimNode::send(const Poco::Net::SocketAddress& to, std::string payload, bool gossip) {
    if (gossip) {
        std::lock_guard<std::mutex> lock(mutex_);
        size_t budget = payloadBudget(settings_.nodeId.size());
        if (payload.size() < budget)
            for (auto& g : membership_.takeGossip(budget - payload.size())) payload += g;
    }
    std::string packet = auth_.seal(settings_.nodeId, payload, now());
    try {
        countSent(socket_.sendTo(packet.data(), static_cast<int>(packet.size()), to));
    } catch (const Poco::Exception& e) {
        host_.debug("swim: send to " + to.toString() + ": " + e.displayText());
    }
}

void SwimNode::countSent(int bytes) {
    ++counters_.packetsSent;
    counters_.bytesSent += static_cast<uint64_t>(bytes);
    host_.counterAdd("dadns_swim_packets_total", "SWIM packets, by direction", {{"direction", "sent"}});
    host_.counterAdd("dadns_swim_bytes_total", "SWIM UDP payload bytes, by direction", {{"direction", "sent"}}, bytes);
}

void SwimNode::sendSync(const Poco::Net::SocketAddress& to, bool wantReply) {
    std::vector<MemberUpdate> state;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        state = membership_.fullState();
    }
    // The whole view, split over as many packets as it takes; the marker rides in the last.
    size_t budget = payloadBudget(settings_.nodeId.size());
    std::string marker = encode(SyncMarker{wantReply});
    std::string payload;
    for (size_t i = 0; i < state.size(); ++i) {
        std::string claim = encode(state[i]);
        if (payload.size() + claim.size() + marker.size() > budget) {
            send(to, std::move(payload), false);
            payload.clear();
        }
        payload += claim;
    }
    send(to, payload + marker, false);
}

void SwimNode::sendPing(const Member& target, uint32_t seq) { send(addressOf(target), encode(Ping{seq, target.id})); }

void SwimNode::protocolLoop() {
    std::unique_lock<std::mutex> lock(mutex_);
    int64_t start = now();
    nextProbeMs_ = start + settings_.probeInterval.count();
    nextGossipMs_ = start;
    nextJoinMs_ = start;
    nextPushPullMs_ = start + settings_.pushPullInterval.count();
    nextAnnounceMs_ = start;
    while (!stopping_) {
        Outbox out;
        int64_t nowMs = now();
        stepProbe(nowMs, out);
        if (nowMs >= nextGossipMs_) {
            stepGossip(out);
            nextGossipMs_ = nowMs + settings_.gossipInterval.count();
        }
        auto failed = membership_.expireSuspicions(nowMs);
        out.transitions.insert(out.transitions.end(), failed.begin(), failed.end());
        for (auto it = forwards_.begin(); it != forwards_.end();) it = it->second.expiresMs < nowMs ? forwards_.erase(it) : std::next(it);
        if (nowMs >= nextJoinMs_) {
            stepJoin(out);
            nextJoinMs_ = nowMs + std::max<int64_t>(1000, settings_.probeInterval.count());
        }
        if (nowMs >= nextPushPullMs_) {
            stepPushPull(nowMs, out);
            nextPushPullMs_ = nowMs + settings_.pushPullInterval.count();
        }
        if (settings_.broadcast && nowMs >= nextAnnounceMs_) {
            out.announcement = encode(membership_.selfClaim()) + encode(SyncMarker{true});
            // Often while alone, then every broadcast_interval.
            bool alone = membership_.count(MemberState::Alive) <= 1;
            nextAnnounceMs_ = nowMs + (alone ? std::min<int64_t>(1000, settings_.broadcastInterval.count()) : settings_.broadcastInterval.count());
        }
        lock.unlock();
        try {
            flush(out);
        } catch (const std::exception& e) {
            host_.warn(std::string("swim: protocol step failed: ") + e.what());
        }
        lock.lock();
        int64_t next = std::min({nextProbeMs_, nextGossipMs_, nowMs + 50});
        if (probe_.active)
            next = std::min(next, probe_.indirectSent ? probe_.startMs + settings_.probeInterval.count()
                                                      : probe_.startMs + settings_.probeTimeout.count());
        wake_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1, next - now())));
    }
}

void SwimNode::flush(Outbox& out) {
    for (auto& [to, payload] : out.packets) send(to, std::move(payload));
    for (const auto& to : out.syncs) sendSync(to, true);
    if (!out.announcement.empty()) announce(out.announcement);
    react(out.transitions);
    if (events_.pushPull)
        for (const auto& m : out.pushPulls) events_.pushPull(m);
}

void SwimNode::stepProbe(int64_t nowMs, Outbox& out) {
    if (probe_.active) {
        const Member* target = membership_.find(probe_.target);
        if (probe_.acked || !target) {
            probe_.active = false;
        } else if (!probe_.indirectSent && nowMs >= probe_.startMs + settings_.probeTimeout.count()) {
            probe_.indirectSent = true;
            PingReq req{probe_.seq, target->id, target->ip, target->port};
            for (const auto& helper : membership_.randomPeers(static_cast<size_t>(settings_.indirectChecks), probe_.target, false))
                out.packets.emplace_back(addressOf(helper), encode(req));
        } else if (nowMs >= probe_.startMs + settings_.probeInterval.count()) {
            probe_.active = false;
            auto t = membership_.suspect(probe_.target, nowMs);
            out.transitions.insert(out.transitions.end(), t.begin(), t.end());
        }
    }
    if (!probe_.active && nowMs >= nextProbeMs_) {
        nextProbeMs_ = nowMs + settings_.probeInterval.count();
        auto target = membership_.nextProbeTarget();
        if (!target) return;
        probe_ = Probe{true, false, false, nextSeq_++, target->id, nowMs};
        out.packets.emplace_back(addressOf(*target), encode(Ping{probe_.seq, target->id}));
    }
}

void SwimNode::stepGossip(Outbox& out) {
    if (membership_.gossipPending() == 0) return;
    for (const auto& p : membership_.randomPeers(static_cast<size_t>(settings_.gossipFanout), "", true))
        out.packets.emplace_back(addressOf(p), "");
}

void SwimNode::stepJoin(Outbox& out) {
    // While no other member is alive, knock on the seeds.
    if (membership_.count(MemberState::Alive) > 1) return;
    for (const auto& seed : settings_.seeds) {
        if ((seed.host == membership_.self().ip || seed.host == settings_.bindAddress) && seed.port == settings_.swimPort) continue;
        try {
            out.syncs.emplace_back(seed.host, seed.port);
        } catch (const Poco::Exception& e) {
            host_.debug("swim: seed " + seed.host + ":" + std::to_string(seed.port) + ": " + e.displayText());
        }
    }
}

void SwimNode::stepPushPull(int64_t nowMs, Outbox& out) {
    for (const auto& m : membership_.randomPeers(1, "", false)) {
        out.syncs.push_back(addressOf(m));
        out.pushPulls.push_back(m);
    }
    // Also try one failed member: it may be back (a restarted node learns from our view that it
    // was declared failed, and refutes).
    std::vector<Member> failed;
    for (const auto& m : membership_.members())
        if (m.state == MemberState::Dead) failed.push_back(m);
    if (!failed.empty()) out.syncs.push_back(addressOf(failed[static_cast<size_t>(nowMs) % failed.size()]));
    membership_.reap(nowMs, settings_.failedRetention.count());
}

void SwimNode::announce(const std::string& payload) {
    std::string packet = auth_.seal(settings_.nodeId, payload, now());
    try {
        countSent(discovery_.sendTo(packet.data(), static_cast<int>(packet.size()),
                                    Poco::Net::SocketAddress(settings_.broadcastAddress, settings_.discoveryPort)));
    } catch (const Poco::Exception& e) {
        host_.debug("swim: broadcast: " + e.displayText());
    }
}

void SwimNode::announceZone(const std::string& zone, const std::string& stamp) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        membership_.queueZone(ZoneUpdate{zone, stamp});
        nextGossipMs_ = 0; // spread it now rather than at the next tick
    }
    wake_.notify_all();
}

void SwimNode::syncAll() {
    std::vector<Member> alive;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        alive = membership_.randomPeers(SIZE_MAX, "", false);
    }
    for (const auto& m : alive) {
        sendSync(addressOf(m), true);
        if (events_.pushPull) events_.pushPull(m);
    }
}

std::set<std::string> SwimNode::othersWithMyId() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return othersWithMyId_;
}

Member SwimNode::self() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return membership_.self();
}

std::vector<Member> SwimNode::members() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return membership_.members();
}

std::optional<Member> SwimNode::member(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const Member* m = membership_.find(id);
    return m ? std::optional<Member>(*m) : std::nullopt;
}

size_t SwimNode::count(MemberState s) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return membership_.count(s);
}

} // namespace dadns::swim
