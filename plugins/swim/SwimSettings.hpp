// The swim plugin's configuration (discovery.swim), read and checked once at start.
#pragma once

#include <dadns/sdk/settings.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace dadns::swim {

struct PeerAddress {
    std::string host;
    uint16_t port = 0;
};

struct SwimSettings {
    std::string nodeId;            // default: hostname-pid
    std::string bindAddress = "0.0.0.0";
    std::string advertiseAddress;  // address peers reach this node at; default bind_address or the first non-loopback IPv4
    uint16_t swimPort = 8890;
    uint16_t discoveryPort = 8889;
    bool broadcast = false;        // announce on UDP broadcast and listen for others' announcements
    std::string broadcastAddress = "255.255.255.255";
    std::chrono::milliseconds broadcastInterval{5000};
    std::vector<PeerAddress> seeds;
    std::string clusterKey;
    std::chrono::milliseconds probeInterval{1000};
    std::chrono::milliseconds probeTimeout{500};
    int indirectChecks = 3;
    int gossipFanout = 3;
    std::chrono::milliseconds gossipInterval{200};
    int suspicionMult = 4;
    int suspicionMaxMult = 6;      // Lifeguard: a suspicion starts at this multiple of the minimum
    int retransmitMult = 4;
    std::chrono::milliseconds pushPullInterval{30000};
    std::chrono::milliseconds maxPacketAge{30000}; // older (or further in the future) packets are stale
    std::chrono::milliseconds httpTimeout{5000};
    std::chrono::milliseconds failedRetention{24 * 3600 * 1000}; // failed and left members are forgotten after this
};

// The declared settings of a swim instance (SwimPlugin::settings, --check-config).
sdk::SettingsSpec swimSettingsSpec();

// nodeId: the node's identity (the host's node_id), its name in the cluster too; the
// settings' own node_id may only repeat it (older configurations set it there). Throws
// sdk::PermanentError naming the instance and the key.
SwimSettings readSwimSettings(const std::string& configJson, const std::string& nodeId, const std::string& instance = "swim");

// "host:port" or "host" (then defaultPort).
PeerAddress parsePeerAddress(const std::string& text, uint16_t defaultPort);

} // namespace dadns::swim
