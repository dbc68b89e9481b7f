#include "ZoneReplicator.hpp"

#include <dadns/sdk/clock.hpp>
#include <dadns/sdk/json.hpp>
#include <dadns/sdk/stamp.hpp>

#include <chrono>

namespace dadns::swim {

using sdk::Json;
using sdk::jsonQuote;

namespace {
// Pulls are short HTTP calls; a few at once hide an unreachable peer's timeout.
constexpr int kWorkers = 4;
} // namespace

ZoneReplicator::ZoneReplicator(sdk::Host host, const PeerClient& client, std::string selfId, std::string selfApiUrl)
    : host_(host), client_(client), selfId_(std::move(selfId)), selfApiUrl_(std::move(selfApiUrl)) {}

ZoneReplicator::~ZoneReplicator() { stop(); }

void ZoneReplicator::start() {
    std::unordered_map<std::string, std::string> stamps;
    host_.listZones([&](const sdk::ZoneInfo& z) { stamps[z.name] = z.stamp; });
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& [zone, stamp] : stamps)
            if (sdk::stampNewer(stamp, stamps_[zone])) stamps_[zone] = stamp;
    }
    for (int i = 0; i < kWorkers; ++i) workers_.emplace_back([this] { run(); });
}

void ZoneReplicator::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_)
        if (w.joinable()) w.join();
    workers_.clear();
}

void ZoneReplicator::localChanged(const std::string& zone, const std::string& stamp) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string& mine = stamps_[zone];
    if (sdk::stampNewer(stamp, mine)) mine = stamp;
}

bool ZoneReplicator::newerThanLocal(const std::string& zone, const std::string& stamp) const {
    auto it = stamps_.find(zone);
    return sdk::stampNewer(stamp, it == stamps_.end() ? std::string() : it->second);
}

void ZoneReplicator::enqueue(Task task) {
    if (task.kind == Task::Kind::Pull) {
        // One queued pull per zone, from the peer that holds the newest stamp heard of.
        auto [it, fresh] = queuedPulls_.emplace(task.zone, task);
        if (!fresh) {
            if (sdk::stampNewer(task.stamp, it->second.stamp)) it->second = std::move(task);
            return;
        }
    }
    tasks_.push_back(std::move(task));
    wake_.notify_all();
}

void ZoneReplicator::offer(const std::string& zone, const std::string& stamp, const Peer& peer) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (newerThanLocal(zone, stamp)) enqueue(Task{Task::Kind::Pull, zone, stamp, peer});
}

void ZoneReplicator::exchangeWith(const Peer& peer) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& t : tasks_)
        if (t.kind == Task::Kind::Exchange && t.peer.id == peer.id) return;
    enqueue(Task{Task::Kind::Exchange, "", "", peer});
}

DigestMessage ZoneReplicator::header() const { return DigestMessage{selfId_, selfApiUrl_, host_.nodeId(), {}, false, {}}; }

std::vector<DigestEntry> ZoneReplicator::localEntries() const {
    std::vector<DigestEntry> out;
    host_.listZones([&](const sdk::ZoneInfo& z) { out.push_back(DigestEntry{z.name, z.stamp, z.deleted}); });
    return out;
}

void ZoneReplicator::consider(const DigestMessage& theirs) {
    Peer peer{theirs.node, theirs.apiUrl};
    std::lock_guard<std::mutex> lock(mutex_);
    if (theirs.stampNode == host_.nodeId() && peer.id != selfId_ && stats_.sameStampIdentity.insert(peer.id).second)
        host_.error("swim: member '" + peer.id + "' stamps its changes with node_id '" + host_.nodeId() +
                    "' like this node: changes made on both at once may never converge; give every node its own node_id");
    for (const auto& e : theirs.zones) {
        if (e.deleted && !stamps_.count(e.zone)) continue; // gone there, never here: nothing to do
        if (newerThanLocal(e.zone, e.stamp)) enqueue(Task{Task::Kind::Pull, e.zone, e.stamp, peer});
    }
}

std::string ZoneReplicator::answerDigest(std::string_view request) {
    DigestMessage theirs = decodeDigest(request);
    consider(theirs);
    DigestMessage ours = header();
    ours.hasZones = true;
    if (!theirs.buckets.empty()) {
        auto entries = localEntries();
        size_t n = theirs.buckets.size();
        ours.buckets = bucketHashes(entries, n);
        ours.zones = entriesInBuckets(entries, differingBuckets(theirs.buckets, ours.buckets), n);
    }
    return encodeDigest(ours);
}

std::optional<std::string> ZoneReplicator::zoneJson(const std::string& zone) const {
    auto z = host_.readZone(zone);
    if (!z) return std::nullopt;
    // The origin travels with the version: it names the zone's owner (zones.ownership), which
    // every node keeps as the node where the change was made decided it.
    return "{\"name\":" + jsonQuote(z->name) + ",\"stamp\":" + jsonQuote(z->stamp) + ",\"deleted\":" + (z->deleted ? "true" : "false") +
           ",\"source\":" + jsonQuote(z->source) + ",\"origin_host\":" + jsonQuote(z->originHost) +
           ",\"origin_user\":" + jsonQuote(z->originUser) + ",\"zone_text\":" + jsonQuote(z->zoneText) + "}";
}

ReplicationStats ZoneReplicator::stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
}

void ZoneReplicator::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
        wake_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
        if (stopping_) return;
        Task task = std::move(tasks_.front());
        tasks_.pop_front();
        if (task.kind == Task::Kind::Pull) {
            auto queued = queuedPulls_.find(task.zone);
            task = std::move(queued->second);
            queuedPulls_.erase(queued);
            if (!newerThanLocal(task.zone, task.stamp)) continue;
        }
        lock.unlock();
        try {
            if (task.kind == Task::Kind::Pull) pull(task);
            else exchange(task.peer);
        } catch (const std::exception& e) {
            host_.warn("swim: " + std::string(task.kind == Task::Kind::Pull ? "pulling zone '" + task.zone + "'" : std::string("comparing zones")) +
                       " from '" + task.peer.id + "': " + e.what());
            lock.lock();
            ++stats_.failures;
            lock.unlock();
            host_.counterAdd("dadns_swim_sync_failures_total", "Zone pulls and digest exchanges with peers that failed", {});
        }
        lock.lock();
    }
}

void ZoneReplicator::pull(const Task& task) {
    PeerReply reply = client_.call(task.peer.apiUrl, "GET", "/api/v1/cluster/zones/" + sdk::urlEncode(task.zone));
    if (reply.status == 404) return; // gone there since; its digest will say so
    if (reply.status != 200) throw sdk::RetryableError("HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 200));
    Json z = Json::parse(reply.body);
    std::string stamp = z.getString("stamp");
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!newerThanLocal(task.zone, stamp)) return;
    }
    // The version's own origin (a peer from before origins travelled: "swim" and the peer, which
    // names no owner). The stamp marks it replicated: the ownership rule was applied where the
    // change was made, and is not applied again here.
    sdk::Origin origin{"swim", task.peer.id, "", stamp};
    if (z.has("source") && !z.getString("source").empty())
        origin = sdk::Origin{z.getString("source"), z.getString("origin_host"), z.getString("origin_user"), stamp};
    sdk::SubmitResult r = z.getBool("deleted", false) ? host_.submitDelete(task.zone, origin)
                                                      : host_.submitZoneText(task.zone, z.getString("zone_text"), origin);
    if (r.applied) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++stats_.zonesSynced;
        stats_.lastSyncMs = sdk::wallClockMs();
    }
    host_.counterAdd("dadns_swim_zone_pulls_total", "Zones pulled from peers, by whether they were newer than ours",
                     {{"result", r.applied ? "applied" : "ignored"}});
}

void ZoneReplicator::exchange(const Peer& peer) {
    // Bucket hashes first; the peer answers with its hashes and its entries in the buckets that
    // differ; ours for those buckets follow, so each side pulls what the other holds newer.
    auto entries = localEntries();
    size_t n = bucketCountFor(entries.size());
    DigestMessage ask = header();
    ask.buckets = bucketHashes(entries, n);
    DigestMessage theirs = decodeDigest(call(peer, encodeDigest(ask)));
    if (theirs.buckets.size() != n)
        throw sdk::PermanentError("peer answered " + std::to_string(theirs.buckets.size()) + " bucket hashes for " + std::to_string(n));
    consider(theirs);
    if (auto differ = differingBuckets(ask.buckets, theirs.buckets); !differ.empty()) {
        DigestMessage tell = header();
        tell.hasZones = true;
        tell.zones = entriesInBuckets(entries, differ, n);
        call(peer, encodeDigest(tell));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.syncOperations;
    stats_.lastSyncMs = sdk::wallClockMs();
}

std::string ZoneReplicator::call(const Peer& peer, const std::string& digest) {
    PeerReply reply = client_.call(peer.apiUrl, "POST", "/api/v1/cluster/digest", digest);
    if (reply.status != 200) throw sdk::RetryableError("HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 200));
    return reply.body;
}

} // namespace dadns::swim
