// The daemon's typed, validated configuration. Every key has its default here; validation
// names the key and what is wrong (ConfigError).
#pragma once

#include "core/config/ConfigTree.hpp"

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
    std::string listenAddress = "127.0.0.1";
    int listenPort = 2222;
    // An HTTPS listener beside the plain one (same routes and credentials), e.g. for
    // DirectAdmin's "use SSL": on when tlsPort is set; PEM files.
    int tlsPort = -1;
    std::string tlsCert;
    std::string tlsKey;

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
    size_t storePoolSize = 16;              // postgresql: connections
    size_t historyPerZone = 10;
    // Which source may change which zone (core/intake/ZoneOwnership.hpp): per_source | shared.
    std::string zoneOwnership = "per_source";

    int httpThreads = 32;                 // workers for reads (GET, HEAD, OPTIONS)
    int httpMutationThreads = 16;         // workers for everything else
    int httpQueue = 1024;                 // requests waiting per worker pool before 503
    size_t maxBodyBytes = 8 * 1024 * 1024;
    bool publicStatus = true;
    std::chrono::milliseconds httpTimeout{30000};         // a body or an answer may pause this long
    std::chrono::milliseconds httpHeaderTimeout{10000};   // a request head must arrive within this
    std::chrono::milliseconds httpKeepAliveTimeout{15000}; // idle time between requests
    int httpKeepAliveRequests = 1000;
    int httpMaxConnections = 10000;
    int httpMaxConnectionsPerClient = 256;

    std::chrono::milliseconds retryBackoff{1000};     // first retry delay, doubled each attempt
    std::chrono::milliseconds retryBackoffMax{300000};
    int maxAttempts = 8;                              // then dead letter
    int breakerFailures = 5;                          // consecutive failures -> backend down
    std::chrono::milliseconds driftInterval{300000};  // 0 disables the drift scan
    std::chrono::milliseconds pollInterval{1000};     // shared store: look for other instances' changes
    std::chrono::milliseconds lease{30000};           // shared store: how long a claim on a zone lasts
    bool removeUnknownZones = false;
    double maxDeleteFraction = 0.1;

    // Builds and validates; throws ConfigError(key, what).
    static DaemonConfig fromTree(const ConfigTree& tree);
    // Keys that may be absent from a file but can still be set from the environment (every core
    // key: ConfigKeys.cpp lists them).
    static std::vector<std::string> knownKeys();
};

// Parses "250ms", "30s", "5m", "1h" or a plain number of seconds.
std::chrono::milliseconds parseDuration(const std::string& text);

} // namespace dadns
