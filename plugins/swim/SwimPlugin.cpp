// The swim discovery plugin: a dadns cluster that finds its members (static seeds, UDP
// broadcast), keeps membership with SWIM, and replicates every zone to every node. Membership
// and zone announcements ride on authenticated UDP (SwimNode); zone contents are pulled over
// the peers' HTTP API with the same cluster key (ZoneReplicator), so zones of any size
// replicate. Routes: GET /api/v1/cluster, POST /api/v1/cluster/sync, and the node-to-node
// POST /api/v1/cluster/digest and GET /api/v1/cluster/zones/{zone}.
#include "PeerClient.hpp"
#include "SwimNode.hpp"
#include "SwimSettings.hpp"
#include "ZoneReplicator.hpp"

#include <dadns/sdk.hpp>

#include <Poco/URI.h>

#include <memory>

namespace dadns::swim {
namespace {

using namespace dadns::sdk;

// The host's API URL as peers reach it: its own host part when it names a reachable address,
// else this node's advertised address.
std::string peerApiUrl(const std::string& hostApiUrl, const std::string& advertised, bool advertiseSet) {
    Poco::URI uri(hostApiUrl);
    if (advertiseSet || (uri.getHost() == "127.0.0.1" && advertised != "127.0.0.1")) uri.setHost(advertised);
    return uri.toString();
}

class SwimPlugin final : public Discovery {
public:
    static SettingsSpec settings() { return swimSettingsSpec(); }

    explicit SwimPlugin(const InstanceContext& ctx) : Discovery(ctx), settings_(readSwimSettings(ctx.configJson, host().nodeId(), ctx.name)) {
        std::string ip = advertisedAddress(settings_);
        apiUrl_ = peerApiUrl(host().apiUrl(), ip, !settings_.advertiseAddress.empty());
        NodeEvents events;
        events.zoneOffered = [this](const ZoneUpdate& z, const Member& holder) { replicator_->offer(z.zone, z.stamp, Peer{holder.id, holder.apiUrl}); };
        events.memberUp = [this](const Member& m) { replicator_->exchangeWith(Peer{m.id, m.apiUrl}); };
        events.pushPull = events.memberUp;
        node_ = std::make_unique<SwimNode>(settings_, host(), ip, apiUrl_, events);
        client_ = std::make_unique<PeerClient>(node_->auth(), settings_.nodeId, settings_.httpTimeout);
        replicator_ = std::make_unique<ZoneReplicator>(host(), *client_, settings_.nodeId, apiUrl_);

        routes().add("GET", "/api/v1/cluster", [this](const Request& req, Response& resp) { clusterStatus(req, resp); });
        routes().add("POST", "/api/v1/cluster/sync", [this](const Request&, Response& resp) {
            node_->syncAll();
            resp.json(202, "{\"status\":\"success\",\"message\":\"cluster synchronization initiated\"}");
        });
        routes().add("POST", "/api/v1/cluster/digest", [this](const Request& req, Response& resp) { answerPeer(req, resp, &SwimPlugin::digest); },
                     DADNS_ROUTE_AUTH_PLUGIN);
        routes().add("GET", "/api/v1/cluster/zones/", [this](const Request& req, Response& resp) { answerPeer(req, resp, &SwimPlugin::zone); },
                     DADNS_ROUTE_AUTH_PLUGIN);
    }

    ~SwimPlugin() override { stop(); }

    void start() override {
        replicator_->start();
        node_->start();
    }

    void stop() override {
        node_->stop();
        replicator_->stop();
    }

    void zoneChanged(const std::string& zone, uint64_t, const std::string& stamp) override {
        replicator_->localChanged(zone, stamp);
        node_->announceZone(zone, stamp);
    }

    std::string describe() const override {
        return "{\"node_id\":" + jsonQuote(settings_.nodeId) + ",\"alive_members\":" + std::to_string(node_->count(MemberState::Alive)) + "}";
    }

private:
    bool authorised(const Request& req, Response& resp) {
        std::string sender;
        Verdict v = node_->auth().checkHttpProof(req.header(kProofHeader), req.method, req.path, req.body, wallClockMs(), &sender);
        if (v == Verdict::Ok) return true;
        host().counterAdd("dadns_swim_http_refused_total", "Node-to-node HTTP calls refused, by reason", {{"reason", verdictName(v)}});
        resp.json(401, "{\"error\":" + jsonQuote(std::string("cluster proof refused: ") + verdictName(v)) + "}");
        return false;
    }

    // Node-to-node routes answer only to the cluster key, and sign their answer for the caller.
    void answerPeer(const Request& req, Response& resp, void (SwimPlugin::*handler)(const Request&, Response&)) {
        if (!authorised(req, resp)) return;
        (this->*handler)(req, resp);
        resp.header(kProofHeader, node_->auth().httpProof(settings_.nodeId, answerScope(resp.status, req.header(kProofHeader)), req.path,
                                                          resp.body, wallClockMs()));
    }

    void digest(const Request& req, Response& resp) {
        std::string answer;
        try {
            answer = replicator_->answerDigest(req.body);
        } catch (const Error& e) {
            if (e.code() == DADNS_ERR_PERMANENT) resp.json(400, "{\"error\":" + jsonQuote(e.what()) + "}");
            else storeUnavailable(resp, e); // our zones could not be listed: not the peer's fault
            return;
        }
        resp.json(200, answer);
    }

    void zone(const Request& req, Response& resp) {
        std::string name = urlDecode(req.path.substr(std::string_view("/api/v1/cluster/zones/").size()));
        std::optional<std::string> json;
        try {
            json = replicator_->zoneJson(name);
        } catch (const Error& e) {
            if (e.code() == DADNS_ERR_PERMANENT) resp.json(400, "{\"error\":" + jsonQuote(e.what()) + "}"); // not a zone name
            else storeUnavailable(resp, e); // never a 404: the peer would take the zone for gone
            return;
        }
        if (!json) resp.json(404, "{\"error\":" + jsonQuote("no such zone: " + name) + "}");
        else resp.json(200, *json);
    }

    // The store could not be read: the peer's pull fails and is tried again at a later exchange.
    static void storeUnavailable(Response& resp, const Error& e) {
        resp.json(503, "{\"error\":" + jsonQuote(e.what()) + "}");
        resp.header("Retry-After", "1");
    }

    void clusterStatus(const Request& req, Response& resp) {
        if (req.path != "/api/v1/cluster" && req.path != "/api/v1/cluster/") {
            resp.json(404, "{\"error\":\"not found\"}");
            return;
        }
        Member self = node_->self();
        auto members = node_->members();
        auto stats = replicator_->stats();
        const auto& c = node_->counters();
        size_t counts[4] = {};
        counts[static_cast<int>(self.state)]++;
        std::string nodes;
        for (const auto& m : members) {
            counts[static_cast<int>(m.state)]++;
            if (!nodes.empty()) nodes += ",";
            nodes += "{\"node_id\":" + jsonQuote(m.id) + ",\"ip_address\":" + jsonQuote(m.ip) + ",\"swim_port\":" + std::to_string(m.port) +
                     ",\"api_url\":" + jsonQuote(m.apiUrl) + ",\"state\":\"" + stateName(m.state) + "\",\"incarnation\":" +
                     std::to_string(m.incarnation) + ",\"last_seen\":" + jsonQuote(isoTimeUtc(m.lastSeenMs)) +
                     ",\"state_since\":" + jsonQuote(isoTimeUtc(m.stateSinceMs)) + ",\"metadata\":{\"role\":\"dns-server\",\"swim_port\":" +
                     std::to_string(m.port) + ",\"api_url\":" + jsonQuote(m.apiUrl) + "}}";
        }
        size_t active = counts[0] - (self.state == MemberState::Alive ? 1 : 0);
        std::string sameStampIdentity; // members (older versions) stamping with our node_id, and nodes using it
        for (const auto& id : stats.sameStampIdentity) sameStampIdentity += (sameStampIdentity.empty() ? "" : ",") + jsonQuote(id);
        for (const auto& at : node_->othersWithMyId()) sameStampIdentity += (sameStampIdentity.empty() ? "" : ",") + jsonQuote(at);
        std::string body = "{\"status\":\"success\",\"cluster\":{\"node_id\":" + jsonQuote(self.id) + ",\"running\":true,\"address\":" +
                           jsonQuote(self.ip + ":" + std::to_string(self.port)) + ",\"api_url\":" + jsonQuote(self.apiUrl) +
                           ",\"incarnation\":" + std::to_string(self.incarnation) + ",\"discovered_nodes\":" + std::to_string(members.size()) +
                           ",\"statistics\":{\"nodes_discovered\":" + std::to_string(members.size()) + ",\"nodes_active\":" +
                           std::to_string(active) + ",\"zones_synced\":" + std::to_string(stats.zonesSynced) + ",\"sync_operations\":" +
                           std::to_string(stats.syncOperations) + ",\"sync_failures\":" + std::to_string(stats.failures) +
                           ",\"last_sync\":" + jsonQuote(isoTimeUtc(stats.lastSyncMs)) + ",\"members_sharing_node_id\":[" +
                           sameStampIdentity + "],\"packets_sent\":" + std::to_string(c.packetsSent.load()) +
                           ",\"packets_received\":" + std::to_string(c.packetsReceived.load()) + ",\"bytes_sent\":" +
                           std::to_string(c.bytesSent.load()) + ",\"bytes_received\":" + std::to_string(c.bytesReceived.load()) +
                           ",\"packets_dropped\":{\"forged\":" + std::to_string(c.forged.load()) + ",\"stale\":" + std::to_string(c.stale.load()) +
                           ",\"replayed\":" + std::to_string(c.replayed.load()) + ",\"malformed\":" + std::to_string(c.malformed.load()) +
                           "}},\"nodes\":[" + nodes + "],\"swim_cluster\":{\"alive_members\":" + std::to_string(counts[0]) +
                           ",\"member_counts\":{\"alive\":" + std::to_string(counts[0]) + ",\"suspect\":" + std::to_string(counts[1]) +
                           ",\"failed\":" + std::to_string(counts[2]) + ",\"left\":" + std::to_string(counts[3]) + "}}}}";
        resp.json(200, body);
    }

    SwimSettings settings_;
    std::string apiUrl_;
    std::unique_ptr<SwimNode> node_;
    std::unique_ptr<PeerClient> client_;
    std::unique_ptr<ZoneReplicator> replicator_;
};

} // namespace
} // namespace dadns::swim

DADNS_DISCOVERY_PLUGIN(dadns::swim::SwimPlugin, "swim", "1.0.0")
