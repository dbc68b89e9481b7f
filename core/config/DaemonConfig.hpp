// The daemon's typed, validated configuration. Every key has its default here; validation
// names the key and what is wrong (ConfigError).
#pragma once

#include "core/config/ConfigTree.hpp"
#include "core/dispatch/DispatchOptions.hpp"
#include "core/http/ApiServerOptions.hpp"
#include "core/intake/ChangeSafety.hpp"
#include "core/store/ZoneStore.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace dadns {

// One configured plugin instance: a backend (dns.backends.<name>), an ingestion
// (ingestion.<name>) or a discovery (discovery.<name>) section.
struct PluginInstanceConfig {
    std::string section;   // "dns.backends", "ingestion" or "discovery"
    std::string name;      // instance name
    std::string type;      // plugin name (default: the instance name)
    bool enabled = true;
    bool optional = false; // the daemon may run without it when it cannot be created or started
    int parallel = 0;      // backends: overrides the plugin's parallelism when > 0
    std::string json;      // the whole section as a JSON object, handed to the plugin
    std::string key() const { return section + "." + name; }
};

struct DaemonConfig {
    std::string source;                     // file the config came from

    std::string logLevel = "info";
    std::string logFormat = "text";        // text | json
    std::string timezone;
    std::string queueLocation = "./data";
    std::string nodeId;                     // default: the host name
    std::chrono::milliseconds shutdownGrace{10000};

    std::string authUsername;
    std::string authPassword;
    // The API: app.listen_*, app.tls_* and http.* (defaults in ApiServerOptions.hpp).
    ApiServerOptions api;

    std::string defaultBackend;
    std::vector<PluginInstanceConfig> backends;
    std::vector<PluginInstanceConfig> services; // ingestion and discovery

    std::string pluginDir;                  // empty: next to the binary
    std::vector<std::string> pluginExtraPaths;

    // What this instance does (--role): "ingest" (API and ingestion, no dispatching), "dispatch"
    // (backends only, no ingestion plugins) or "all". Split roles need a shared store.
    std::string role = "all";
    std::string storeEngine = "sqlite";     // or "postgresql" (store.type)
    std::string storeDsn;                   // postgresql: libpq connection string or URI
    size_t storePoolSize = kDefaultStorePoolSize; // postgresql: connections
    size_t historyPerZone = kDefaultHistoryPerZone;
    // Which source may change which zone (core/intake/ZoneOwnership.hpp): per_source | shared.
    std::string zoneOwnership = "per_source";
    SafetyOptions safety;      // zones.safety.*
    // Which SOA serial is stored (core/intake/SoaSerialPolicy.hpp): keep | increase.
    std::string soaSerial = "keep";

    // dispatch.* (defaults in DispatchOptions.hpp); holder is set at start.
    DispatchOptions dispatch;

    // Builds and validates; throws ConfigError(key, what).
    static DaemonConfig fromTree(const ConfigTree& tree);
    // Keys that may be absent from a file but can still be set from the environment (every core
    // key: ConfigKeys.cpp lists them).
    static std::vector<std::string> knownKeys();
};

// Parses "250ms", "30s", "5m", "1h" or a plain number of seconds.
std::chrono::milliseconds parseDuration(const std::string& text);

} // namespace dadns
