#include "SwimSettings.hpp"

#include <dadns/sdk/types.hpp>

#include <Poco/Net/IPAddress.h>

#include <algorithm>
#include <cctype>
#include <unistd.h>

namespace dadns::swim {
namespace {

using sdk::PermanentError;
using sdk::Settings;
using std::chrono::milliseconds;

std::string nodeIdProblem(const std::string& id) {
    bool valid = !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
                     return std::isalnum(c) || c == '-' || c == '_' || c == '.';
                 });
    return valid ? "" : "must be 1-64 of A-Z, a-z, 0-9, '-', '_', '.', got '" + id + "'";
}

// Four dotted numbers: the resolver's parser would also take "5" as 0.0.0.5.
std::string ipv4Problem(const std::string& text) {
    Poco::Net::IPAddress ip;
    if (std::count(text.begin(), text.end(), '.') != 3 || !Poco::Net::IPAddress::tryParse(text, ip) ||
        ip.family() != Poco::Net::AddressFamily::IPv4)
        return "must be an IPv4 address, got '" + text + "'";
    return "";
}

bool isFlagText(const std::string& t) {
    return t == "true" || t == "false" || t == "yes" || t == "no" || t == "on" || t == "off";
}

// broadcast: true/false, or the broadcast address itself (which turns it on).
std::string broadcastProblem(const std::string& t) {
    return isFlagText(t) || ipv4Problem(t).empty() ? "" : "must be true, false or a broadcast address such as 192.168.1.255";
}

std::string seedProblem(const std::string& text) {
    auto colon = text.rfind(':');
    if ((colon == std::string::npos ? text : text.substr(0, colon)).empty()) return "seed '" + text + "' has no host";
    if (colon == std::string::npos) return "";
    std::string digits = text.substr(colon + 1);
    bool valid = !digits.empty() && digits.size() <= 5 &&
                 std::all_of(digits.begin(), digits.end(), [](unsigned char ch) { return std::isdigit(ch); }) && std::stoi(digits) >= 1 &&
                 std::stoi(digits) <= 65535;
    return valid ? "" : "seed '" + text + "': the port must be 1-65535";
}

void declareTimings(sdk::SettingsSpec& s) {
    s.duration("broadcast_interval", "how often the node announces itself by broadcast").byDefault(milliseconds(5000)).range(milliseconds(100), std::chrono::hours(1));
    s.duration("probe_interval", "how often one member is probed").byDefault(milliseconds(1000)).range(milliseconds(10), std::chrono::hours(1));
    s.duration("probe_timeout", "how long a probe waits for its ack").byDefault(milliseconds(500)).range(milliseconds(5), std::chrono::hours(1));
    s.duration("gossip_interval", "how often queued updates are gossiped").byDefault(milliseconds(200)).range(milliseconds(10), std::chrono::hours(1));
    s.duration("push_pull_interval", "how often zone digests are exchanged with a peer").byDefault(milliseconds(30000)).range(milliseconds(100), std::chrono::hours(1));
    s.duration("max_packet_age", "older (or further in the future) packets are refused as stale").byDefault(milliseconds(30000)).range(milliseconds(1000), std::chrono::minutes(10));
    s.duration("http_timeout", "how long a zone fetch from a peer may take").byDefault(milliseconds(5000)).range(milliseconds(100), std::chrono::hours(1));
    s.duration("failed_retention", "failed and left members are forgotten after this").byDefault(milliseconds(24 * 3600 * 1000)).range(std::chrono::seconds(1), std::chrono::hours(24 * 365));
    s.integer("indirect_checks", "members asked to probe a member that did not answer").byDefault(3).range(0, 16);
    s.integer("gossip_fanout", "members each gossip round goes to").byDefault(3).range(1, 16);
    s.integer("suspicion_mult", "suspicion timeout, in probe intervals times log(members)").byDefault(4).range(1, 100);
    s.integer("suspicion_max_mult", "the longest suspicion, as a multiple of the shortest").byDefault(6).range(1, 100);
    s.integer("retransmit_mult", "how often an update is gossiped, times log(members)").byDefault(4).range(1, 100);
}

} // namespace

sdk::SettingsSpec swimSettingsSpec() {
    sdk::SettingsSpec s;
    s.text("node_id", "only the node's own node_id (the top-level key, the node's one identity); kept so configurations "
                      "that set both still load")
        .check(nodeIdProblem);
    s.text("cluster_key", "shared secret of at least 16 characters, the same on every node").required().check([](const std::string& k) {
        return k.size() < 16 ? std::string("must be a shared secret of at least 16 characters, the same on every node") : "";
    });
    s.text("bind_address", "IPv4 address the swim and discovery sockets listen on").byDefault("0.0.0.0").check(ipv4Problem);
    s.text("advertise_address", "address peers reach this node at (default: bind_address or the first non-loopback IPv4)").check(ipv4Problem);
    s.integer("swim_port", "UDP port of the swim protocol").byDefault(8890).range(1, 65535);
    s.integer("discovery_port", "UDP port of broadcast discovery").byDefault(8889).range(1, 65535);
    s.text("broadcast", "true, false, or the broadcast address (turns it on)").byDefault("false").check(broadcastProblem);
    s.text("broadcast_address", "where announcements are broadcast").byDefault("255.255.255.255").check(ipv4Problem);
    s.list("seeds", "peers to join: \"host:port\" (port defaults to swim_port)").check(seedProblem);
    declareTimings(s);
    s.rule("probe_timeout", [](const Settings& c) {
        return c.duration("probe_timeout") >= c.duration("probe_interval") ? "must be shorter than probe_interval" : "";
    });
    s.rule("discovery_port", [](const Settings& c) {
        bool broadcast = c.text("broadcast") != "false" && c.text("broadcast") != "no" && c.text("broadcast") != "off";
        return broadcast && c.integer("discovery_port") == c.integer("swim_port") ? "discovery_port and swim_port must differ" : "";
    });
    return s;
}

PeerAddress parsePeerAddress(const std::string& text, uint16_t defaultPort) {
    if (std::string problem = seedProblem(text); !problem.empty()) throw PermanentError("swim: " + problem);
    auto colon = text.rfind(':');
    return {colon == std::string::npos ? text : text.substr(0, colon),
            colon == std::string::npos ? defaultPort : static_cast<uint16_t>(std::stoi(text.substr(colon + 1)))};
}

SwimSettings readSwimSettings(const std::string& configJson, const std::string& nodeId, const std::string& instance) {
    Settings c = swimSettingsSpec().read(instance, configJson);
    SwimSettings s;
    // One identity per node: the one its changes are stamped with is its name in the cluster.
    s.nodeId = nodeId;
    if (c.has("node_id") && c.text("node_id") != nodeId)
        throw PermanentError(instance + ": node_id: '" + c.text("node_id") + "' is not this node's node_id '" + nodeId +
                             "': a node has one identity, the top-level node_id, which names it in the cluster and stamps its changes; "
                             "set node_id at the top level and remove it here");
    if (std::string problem = nodeIdProblem(s.nodeId); !problem.empty())
        throw PermanentError(instance + ": the node's node_id (top level) " + problem + " to name it in the cluster");
    s.clusterKey = c.text("cluster_key");
    s.bindAddress = c.text("bind_address");
    s.advertiseAddress = c.text("advertise_address");
    s.swimPort = static_cast<uint16_t>(c.integer("swim_port"));
    s.discoveryPort = static_cast<uint16_t>(c.integer("discovery_port"));
    std::string broadcast = c.text("broadcast");
    s.broadcast = isFlagText(broadcast) ? (broadcast == "true" || broadcast == "yes" || broadcast == "on") : true;
    s.broadcastAddress = isFlagText(broadcast) ? c.text("broadcast_address") : broadcast;
    if (c.has("broadcast_address")) s.broadcastAddress = c.text("broadcast_address");
    for (const auto& seed : c.list("seeds")) s.seeds.push_back(parsePeerAddress(seed, s.swimPort));
    s.broadcastInterval = c.duration("broadcast_interval");
    s.probeInterval = c.duration("probe_interval");
    s.probeTimeout = c.duration("probe_timeout");
    s.gossipInterval = c.duration("gossip_interval");
    s.pushPullInterval = c.duration("push_pull_interval");
    s.maxPacketAge = c.duration("max_packet_age");
    s.httpTimeout = c.duration("http_timeout");
    s.failedRetention = c.duration("failed_retention");
    s.indirectChecks = static_cast<int>(c.integer("indirect_checks"));
    s.gossipFanout = static_cast<int>(c.integer("gossip_fanout"));
    s.suspicionMult = static_cast<int>(c.integer("suspicion_mult"));
    s.suspicionMaxMult = static_cast<int>(c.integer("suspicion_max_mult"));
    s.retransmitMult = static_cast<int>(c.integer("retransmit_mult"));
    return s;
}

} // namespace dadns::swim
