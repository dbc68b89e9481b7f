#include "SwimSettings.hpp"

#include <dadns/sdk/json.hpp>
#include <dadns/sdk/settings.hpp>
#include <dadns/sdk/types.hpp>

#include <Poco/Net/IPAddress.h>

#include <algorithm>
#include <cctype>
#include <unistd.h>

namespace dadns::swim {
namespace {

using sdk::Json;
using sdk::PermanentError;

[[noreturn]] void refuse(const std::string& why) { throw PermanentError("swim: " + why); }

bool validNodeId(const std::string& id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '-' || c == '_' || c == '.';
           });
}

uint16_t port(const Json& c, const std::string& key, uint16_t def) {
    long long v = c.getInt(key, def);
    if (v < 1 || v > 65535) refuse(key + " must be a port number (1-65535)");
    return static_cast<uint16_t>(v);
}

int count(const Json& c, const std::string& key, int def, int min, int max) {
    long long v = c.getInt(key, def);
    if (v < min || v > max) refuse(key + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return static_cast<int>(v);
}

std::string address(const Json& c, const std::string& key, const std::string& def) {
    std::string a = c.getString(key, def);
    Poco::Net::IPAddress ip;
    if (!Poco::Net::IPAddress::tryParse(a, ip) || ip.family() != Poco::Net::AddressFamily::IPv4)
        refuse(key + " must be an IPv4 address, got '" + a + "'");
    return a;
}

} // namespace

PeerAddress parsePeerAddress(const std::string& text, uint16_t defaultPort) {
    PeerAddress p;
    auto colon = text.rfind(':');
    p.host = colon == std::string::npos ? text : text.substr(0, colon);
    p.port = defaultPort;
    if (colon != std::string::npos) {
        std::string digits = text.substr(colon + 1);
        if (digits.empty() || digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), [](unsigned char ch) { return std::isdigit(ch); }) || std::stoi(digits) < 1 ||
            std::stoi(digits) > 65535)
            refuse("seed '" + text + "': the port must be 1-65535");
        p.port = static_cast<uint16_t>(std::stoi(digits));
    }
    if (p.host.empty()) refuse("seed '" + text + "' has no host");
    return p;
}

SwimSettings readSwimSettings(const std::string& configJson) {
    Json c = Json::parse(configJson.empty() ? "{}" : configJson);
    SwimSettings s;
    if (c.has("node_id")) {
        s.nodeId = c.getString("node_id");
    } else {
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        s.nodeId = std::string(host) + "-" + std::to_string(::getpid());
    }
    if (!validNodeId(s.nodeId)) refuse("node_id must be 1-64 of A-Z, a-z, 0-9, '-', '_', '.', got '" + s.nodeId + "'");

    s.clusterKey = c.getString("cluster_key");
    if (s.clusterKey.size() < 16) refuse("cluster_key is required: a shared secret of at least 16 characters, the same on every node");

    s.bindAddress = address(c, "bind_address", s.bindAddress);
    if (c.has("advertise_address")) s.advertiseAddress = address(c, "advertise_address", "");
    s.swimPort = port(c, "swim_port", s.swimPort);
    s.discoveryPort = port(c, "discovery_port", s.discoveryPort);

    // broadcast: true/false, or the broadcast address itself (which turns it on).
    if (c.has("broadcast")) {
        const Json& b = c["broadcast"];
        if (b.type() == Json::Type::Bool) {
            s.broadcast = b.asBool();
        } else if (b.type() == Json::Type::String) {
            s.broadcast = true;
            s.broadcastAddress = address(c, "broadcast", "");
        } else {
            refuse("broadcast must be true, false or a broadcast address such as 192.168.1.255");
        }
    }
    if (c.has("broadcast_address")) s.broadcastAddress = address(c, "broadcast_address", "");
    s.broadcastInterval = sdk::durationSetting(c, "broadcast_interval", s.broadcastInterval, "swim", std::chrono::milliseconds(100));
    if (s.broadcast && s.discoveryPort == s.swimPort) refuse("discovery_port and swim_port must differ");

    if (c.has("seeds")) {
        if (!c["seeds"].isArray()) refuse("seeds must be a list of \"host:port\" (port defaults to swim_port)");
        for (const auto& seed : c["seeds"].items()) s.seeds.push_back(parsePeerAddress(seed.asString(), s.swimPort));
    }

    s.probeInterval = sdk::durationSetting(c, "probe_interval", s.probeInterval, "swim", std::chrono::milliseconds(10));
    s.probeTimeout = sdk::durationSetting(c, "probe_timeout", s.probeTimeout, "swim", std::chrono::milliseconds(5));
    if (s.probeTimeout >= s.probeInterval) refuse("probe_timeout must be shorter than probe_interval");
    s.gossipInterval = sdk::durationSetting(c, "gossip_interval", s.gossipInterval, "swim", std::chrono::milliseconds(10));
    s.pushPullInterval = sdk::durationSetting(c, "push_pull_interval", s.pushPullInterval, "swim", std::chrono::milliseconds(100));
    s.maxPacketAge = sdk::durationSetting(c, "max_packet_age", s.maxPacketAge, "swim", std::chrono::milliseconds(1000),
                                          std::chrono::minutes(10));
    s.httpTimeout = sdk::durationSetting(c, "http_timeout", s.httpTimeout, "swim", std::chrono::milliseconds(100));
    s.failedRetention = sdk::durationSetting(c, "failed_retention", s.failedRetention, "swim", std::chrono::seconds(1),
                                             std::chrono::hours(24 * 365));
    s.indirectChecks = count(c, "indirect_checks", s.indirectChecks, 0, 16);
    s.gossipFanout = count(c, "gossip_fanout", s.gossipFanout, 1, 16);
    s.suspicionMult = count(c, "suspicion_mult", s.suspicionMult, 1, 100);
    s.suspicionMaxMult = count(c, "suspicion_max_mult", s.suspicionMaxMult, 1, 100);
    s.retransmitMult = count(c, "retransmit_mult", s.retransmitMult, 1, 100);
    return s;
}

} // namespace dadns::swim
