// The powerdns instance configuration: its servers (each becomes one target, see
// Backend::targets) and the settings every server of the instance shares.
#pragma once

#include <dadns/sdk.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace dadns::powerdns {

struct PdnsServer {
    std::string name;      // target name: a-z, 0-9, '_', '-'
    std::string apiUrl;    // as configured, for messages
    std::string host;
    uint16_t port = 80;
    std::string basePath;  // before "/api/v1" ("" unless the API sits behind a proxy prefix)
    std::string apiKey;
    std::string serverId = "localhost";
};

struct PdnsSettings {
    PdnsServer server;
    std::chrono::milliseconds timeout{5000};
    int retryAttempts = 3;                   // further tries of a failed call within one apply
    std::chrono::milliseconds retryDelay{1000};
    std::string zoneKind = "Native";
    std::vector<std::string> nameservers;    // apex NS of zones that bring none, with trailing dots
    std::string soaEditApi;                  // "" = serials exactly as the zone has them
    uint32_t parallel = 8;
    size_t cachedZones = 100000;             // zones whose rrset fingerprints are kept
};

// The declared settings of a powerdns instance; a target's config is one too, with one server.
sdk::SettingsSpec pdnsSettingsSpec();

// One target per enabled server (only the first when multi_server is false). Each target's
// config is the instance's with "servers" holding that one server.
std::vector<sdk::Target> serverTargets(const std::string& instance, const std::string& configJson);

// The settings of one target, from the config serverTargets made for it. Errors are
// sdk::PermanentError naming the instance and the key.
PdnsSettings readSettings(const std::string& instance, const std::string& configJson);

} // namespace dadns::powerdns
