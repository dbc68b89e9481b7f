// Keeps this node's zones in step with its peers'. Every zone has a replication stamp (hybrid
// logical clock + origin node); the newest stamp wins on every node. A peer that gossips a
// newer stamp, or lists one in a digest exchange, is asked for the zone over its HTTP API, and
// the zone is submitted to this node's store with the peer's stamp (the store ignores it if a
// newer one arrived meanwhile). Pulls and exchanges run on a few worker threads, so a peer that
// stopped answering delays only the calls waiting on it.
#pragma once

#include "PeerClient.hpp"
#include "ZoneDigest.hpp"

#include <dadns/sdk/host.hpp>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace dadns::swim {

struct Peer {
    std::string id;
    std::string apiUrl;
};

struct ReplicationStats {
    uint64_t zonesSynced = 0;    // zones taken from peers
    uint64_t syncOperations = 0; // digest exchanges completed
    uint64_t failures = 0;       // pulls or exchanges that failed
    int64_t lastSyncMs = 0;
    // Peers whose changes carry this node's stamp identity (the top-level node_id): their
    // concurrent changes can tie with ours and never converge.
    std::set<std::string> sameStampIdentity;
};

class ZoneReplicator {
public:
    ZoneReplicator(sdk::Host host, const PeerClient& client, std::string selfId, std::string selfApiUrl);
    ~ZoneReplicator();

    void start(); // reads the stamps of the local zones, starts the worker
    void stop();

    // This node's store took a new state of zone (from any source).
    void localChanged(const std::string& zone, const std::string& stamp);
    // peer holds zone at stamp: pull it when newer than ours.
    void offer(const std::string& zone, const std::string& stamp, const Peer& peer);
    // Compare digests with peer (both ways) soon.
    void exchangeWith(const Peer& peer);

    // A peer's digest (POST /api/v1/cluster/digest): queue pulls for the zones it lists newer,
    // and answer with our side (see ZoneDigest.hpp). Throws PermanentError when the text is not
    // a digest.
    std::string answerDigest(std::string_view request);
    // The zone as a peer pulls it: {"name", "stamp", "deleted", "zone_text"}; nullopt when unknown.
    // Throws RetryableError when the store cannot be read (never nullopt for that).
    std::optional<std::string> zoneJson(const std::string& zone) const;

    ReplicationStats stats() const;

private:
    struct Task {
        enum class Kind { Pull, Exchange } kind;
        std::string zone, stamp;
        Peer peer;
    };
    void run();
    void pull(const Task& task);
    void exchange(const Peer& peer);
    std::string call(const Peer& peer, const std::string& digest); // POST a digest, the answer's body
    DigestMessage header() const;                                   // who we are, nothing compared yet
    std::vector<DigestEntry> localEntries() const;
    void consider(const DigestMessage& theirs);                     // queue pulls for what it holds newer
    bool newerThanLocal(const std::string& zone, const std::string& stamp) const;
    void enqueue(Task task);

    sdk::Host host_;
    const PeerClient& client_;
    std::string selfId_, selfApiUrl_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::unordered_map<std::string, std::string> stamps_; // zone -> stamp this node holds
    std::deque<Task> tasks_;
    std::map<std::string, Task> queuedPulls_;             // zone -> newest stamp heard of, and who holds it
    ReplicationStats stats_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

} // namespace dadns::swim
