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

std::string ZoneReplicator::digestJson() const {
    std::string out = "{\"node\":" + jsonQuote(selfId_) + ",\"api_url\":" + jsonQuote(selfApiUrl_) +
                      ",\"stamp_node\":" + jsonQuote(host_.nodeId()) + ",\"zones\":[";
    bool first = true;
    host_.listZones([&](const sdk::ZoneInfo& z) {
        out += first ? "[" : ",[";
        first = false;
        out += jsonQuote(z.name) + "," + jsonQuote(z.stamp) + (z.deleted ? ",true]" : ",false]");
    });
    return out + "]}";
}

void ZoneReplicator::compare(const std::string& digestText) {
    Json d = Json::parse(digestText);
    if (!d.isObject() || !d["zones"].isArray() || d.getString("node").empty() || d.getString("api_url").empty())
        throw sdk::PermanentError("not a zone digest: needs node, api_url and zones");
    Peer peer{d.getString("node"), d.getString("api_url")};
    std::lock_guard<std::mutex> lock(mutex_);
    if (d.getString("stamp_node") == host_.nodeId() && peer.id != selfId_ && stats_.sameStampIdentity.insert(peer.id).second)
        host_.error("swim: member '" + peer.id + "' stamps its changes with node_id '" + host_.nodeId() +
                    "' like this node: changes made on both at once may never converge; give every node its own node_id");
    for (const auto& entry : d["zones"].items()) {
        const auto& e = entry.items();
        if (e.size() != 3 || e[0].type() != Json::Type::String || e[0].asString().empty() || e[1].type() != Json::Type::String ||
            e[2].type() != Json::Type::Bool)
            throw sdk::PermanentError("not a zone digest: every zone is [name, stamp, deleted]");
        const std::string& zone = e[0].asString();
        const std::string& stamp = e[1].asString();
        bool deleted = e[2].asBool();
        if (deleted && !stamps_.count(zone)) continue; // gone there, never here: nothing to do
        if (newerThanLocal(zone, stamp)) enqueue(Task{Task::Kind::Pull, zone, stamp, peer});
    }
}

std::optional<std::string> ZoneReplicator::zoneJson(const std::string& zone) const {
    auto z = host_.readZone(zone);
    if (!z) return std::nullopt;
    return "{\"name\":" + jsonQuote(z->name) + ",\"stamp\":" + jsonQuote(z->stamp) + ",\"deleted\":" + (z->deleted ? "true" : "false") +
           ",\"zone_text\":" + jsonQuote(z->zoneText) + "}";
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
    sdk::Origin origin{"swim", task.peer.id, "", stamp};
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
    PeerReply reply = client_.call(peer.apiUrl, "POST", "/api/v1/cluster/digest", digestJson());
    if (reply.status != 200) throw sdk::RetryableError("HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 200));
    compare(reply.body);
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.syncOperations;
    stats_.lastSyncMs = sdk::wallClockMs();
}

} // namespace dadns::swim
