#include "core/config/DaemonConfig.hpp"

#include "core/config/ConfigKeys.hpp"
#include "core/util/Errors.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <unistd.h>

namespace dadns {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

class Reader {
public:
    explicit Reader(const ConfigTree& tree) : tree_(tree) {}

    std::string str(const std::string& key, const std::string& def) const {
        auto v = tree_.find(key);
        if (!v || v->kind == ConfigValue::Kind::Null) return def;
        if (v->kind == ConfigValue::Kind::EmptyMap || v->kind == ConfigValue::Kind::EmptyList)
            throw ConfigError(key, "must be a single value");
        return v->text;
    }
    long long integer(const std::string& key, long long def, long long min, long long max) const {
        auto v = tree_.find(key);
        if (!v || v->kind == ConfigValue::Kind::Null) return def;
        try {
            size_t used = 0;
            long long n = std::stoll(v->text, &used);
            if (used != v->text.size()) throw std::invalid_argument("trailing");
            if (n < min || n > max)
                throw ConfigError(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + v->text);
            return n;
        } catch (const std::logic_error&) {
            throw ConfigError(key, "must be a whole number, got '" + v->text + "'");
        }
    }
    double number(const std::string& key, double def, double min, double max) const {
        auto v = tree_.find(key);
        if (!v || v->kind == ConfigValue::Kind::Null) return def;
        try {
            size_t used = 0;
            double d = std::stod(v->text, &used);
            if (used != v->text.size() || !std::isfinite(d)) throw std::invalid_argument("bad");
            if (d < min || d > max) throw ConfigError(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
            return d;
        } catch (const std::logic_error&) {
            throw ConfigError(key, "must be a number, got '" + v->text + "'");
        }
    }
    bool boolean(const std::string& key, bool def) const {
        auto v = tree_.find(key);
        if (!v || v->kind == ConfigValue::Kind::Null) return def;
        std::string t = lower(v->text);
        if (t == "true" || t == "yes" || t == "on") return true;
        if (t == "false" || t == "no" || t == "off") return false;
        throw ConfigError(key, "must be true or false, got '" + v->text + "'");
    }
    std::chrono::milliseconds duration(const std::string& key, std::chrono::milliseconds def) const {
        auto v = tree_.find(key);
        if (!v || v->kind == ConfigValue::Kind::Null) return def;
        try {
            return parseDuration(v->text);
        } catch (const std::invalid_argument& e) {
            throw ConfigError(key, e.what());
        }
    }
    std::vector<std::string> list(const std::string& key) const {
        std::vector<std::string> out;
        auto single = tree_.find(key);
        if (single && single->kind != ConfigValue::Kind::EmptyList && single->kind != ConfigValue::Kind::Null) {
            out.push_back(single->text); // a single value where a list is expected
            return out;
        }
        for (size_t i = 0;; ++i) {
            auto v = tree_.find(key + "[" + std::to_string(i) + "]");
            if (!v) break;
            out.push_back(v->text);
        }
        return out;
    }

private:
    const ConfigTree& tree_;
};

void checkInstanceName(const std::string& key, const std::string& name) {
    if (name.empty() || name.size() > 64 ||
        !std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_' || c == '-'; }))
        throw ConfigError(key, "instance names use a-z, 0-9, '_' and '-' (at most 64)");
}

std::vector<PluginInstanceConfig> readInstances(const ConfigTree& tree, const Reader& r, const std::string& section) {
    std::vector<PluginInstanceConfig> out;
    auto v = tree.find(section);
    if ((v && v->kind != ConfigValue::Kind::EmptyMap && v->kind != ConfigValue::Kind::Null) || tree.hasPrefix(section + "["))
        throw ConfigError(section, "must be a mapping of instance names to their settings");
    for (const auto& name : tree.children(section)) {
        PluginInstanceConfig inst;
        inst.section = section;
        inst.name = name;
        std::string key = section + "." + name;
        checkInstanceName(key, name);
        if (auto v = tree.find(key); v && v->kind != ConfigValue::Kind::EmptyMap && v->kind != ConfigValue::Kind::Null)
            throw ConfigError(key, "must be a mapping of settings");
        inst.enabled = r.boolean(key + ".enabled", true);
        inst.optional = r.boolean(key + ".optional", false);
        inst.type = r.str(key + ".type", name);
        checkInstanceName(key + ".type", inst.type);
        inst.parallel = static_cast<int>(r.integer(key + ".parallel", 0, 0, 1024));
        inst.json = tree.sectionJson(key);
        out.push_back(std::move(inst));
    }
    return out;
}

namespace fs = std::filesystem;

// A path as the process would open it: absolute, symbolic links resolved where they exist,
// no "." or ".." or trailing '/'.
std::string normalPath(const std::string& text) {
    std::error_code ec;
    fs::path p = fs::absolute(text, ec);
    if (ec) return "";
    fs::path w = fs::weakly_canonical(p, ec);
    std::string out = (ec ? p.lexically_normal() : w.lexically_normal()).string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

bool looksLikeNumberOrBoolean(const ConfigValue& v) {
    if (v.kind != ConfigValue::Kind::Scalar) return false;
    std::string t = lower(v.text);
    if (t == "true" || t == "false" || t == "yes" || t == "no" || t == "on" || t == "off") return true;
    char* end = nullptr;
    std::strtod(t.c_str(), &end);
    return end && *end == '\0';
}

// No plugin setting may name the SQLite store's directory or its database files: a backend
// that writes or lists files there (zone files, renames over a temporary) destroys the store.
// One rule for every string a plugin instance is given, whatever the plugin calls the key.
void checkStoreNotShared(const DaemonConfig& c, const ConfigTree& tree) {
    if (c.storeEngine != "sqlite") return;
    std::string dir = normalPath(c.queueLocation);
    if (dir.empty()) return;
    std::string db = dir + "/dadns.db"; // SqliteZoneStore's file, with its -wal, -shm and -journal
    std::vector<const PluginInstanceConfig*> all;
    for (const auto& b : c.backends) all.push_back(&b);
    for (const auto& s : c.services) all.push_back(&s);
    for (const auto* inst : all) {
        std::string block = inst->key();
        for (auto it = tree.values().lower_bound(block); it != tree.values().end() && it->first.compare(0, block.size(), block) == 0; ++it) {
            const auto& [key, v] = *it;
            if (key.size() == block.size() || (key[block.size()] != '.' && key[block.size()] != '[')) continue;
            if (v.kind != ConfigValue::Kind::String && v.kind != ConfigValue::Kind::Scalar) continue;
            if (v.text.empty() || v.text.find("://") != std::string::npos || isSecretKey(key) || looksLikeNumberOrBoolean(v)) continue;
            std::string p = normalPath(v.text);
            if (p.empty()) continue;
            if (p == dir)
                throw ConfigError(key, "is the zone store's directory (queue_location: " + c.queueLocation +
                                           "); a plugin must not use it: give it a directory of its own (e.g. " + c.queueLocation + "/zones)");
            for (const char* suffix : {"", "-wal", "-shm", "-journal"})
                if (p == db + suffix)
                    throw ConfigError(key, "is a file of the zone store (" + db + suffix + "); a plugin must not use it");
        }
    }
}

size_t count(Reader& r, const std::string& key, size_t def, long long min, long long max) {
    return static_cast<size_t>(r.integer(key, static_cast<long long>(def), min, max));
}

std::chrono::milliseconds seconds(Reader& r, const std::string& key, std::chrono::milliseconds def) {
    return std::chrono::milliseconds(r.integer(key, def.count() / 1000, 1, 3600) * 1000);
}

void readApiSettings(Reader& r, ApiServerOptions& api) {
    HttpFrontEndOptions& c = api.connections;
    api.publicStatus = r.boolean("http.public_status", api.publicStatus);
    api.maxEventStreams = count(r, "http.max_event_streams", api.maxEventStreams, 0, 100000);
    c.readThreads = count(r, "http.threads", c.readThreads, 1, 1024);
    c.mutationThreads = count(r, "http.mutation_threads", c.mutationThreads, 1, 1024);
    c.queue = count(r, "http.queue", c.queue, 1, 100000);
    c.limits.maxBodyBytes = count(r, "http.max_body_bytes", c.limits.maxBodyBytes, 1024, 1LL << 32);
    c.ioTimeout = seconds(r, "http.timeout_seconds", c.ioTimeout);
    c.headerTimeout = seconds(r, "http.header_timeout_seconds", c.headerTimeout);
    c.keepAliveTimeout = seconds(r, "http.keepalive_timeout_seconds", c.keepAliveTimeout);
    c.keepAliveRequests = static_cast<uint32_t>(count(r, "http.keepalive_requests", c.keepAliveRequests, 1, 1000000));
    c.maxConnections = count(r, "http.max_connections", c.maxConnections, 16, 1000000);
    c.maxConnectionsPerClient = count(r, "http.max_connections_per_client", c.maxConnectionsPerClient, 1, 1000000);
}

void readDispatchSettings(Reader& r, DispatchOptions& d) {
    d.retryBackoff = r.duration("dispatch.retry_backoff", d.retryBackoff);
    d.retryBackoffMax = r.duration("dispatch.retry_backoff_max", d.retryBackoffMax);
    d.maxAttempts = static_cast<int>(r.integer("dispatch.max_attempts", d.maxAttempts, 1, 1000));
    d.breakerFailures = static_cast<int>(r.integer("dispatch.breaker_failures", d.breakerFailures, 1, 100000));
    d.driftInterval = r.duration("dispatch.drift_interval", d.driftInterval);
    d.verifySettle = r.duration("dispatch.verify_settle", d.verifySettle);
    if (d.verifySettle > std::chrono::minutes(10)) throw ConfigError("dispatch.verify_settle", "must be at most 10m");
    d.removeUnknownZones = r.boolean("dispatch.remove_unknown_zones", d.removeUnknownZones);
    d.maxDeleteFraction = r.number("dispatch.max_delete_fraction", d.maxDeleteFraction, 0.0, 1.0);
    d.pollInterval = r.duration("dispatch.poll_interval", d.pollInterval);
    d.lease = r.duration("dispatch.lease", d.lease);
    if (d.pollInterval.count() < 10) throw ConfigError("dispatch.poll_interval", "must be at least 10ms");
    if (d.lease < std::chrono::seconds(1)) throw ConfigError("dispatch.lease", "must be at least 1s");
}

std::string hostName() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "dadns";
    return buf;
}

} // namespace

std::chrono::milliseconds parseDuration(const std::string& text) {
    std::string t = lower(text);
    size_t used = 0;
    double value = 0;
    try {
        value = std::stod(t, &used);
    } catch (const std::logic_error&) {
        throw std::invalid_argument("must be a duration like 500ms, 30s, 5m or 1h, got '" + text + "'");
    }
    std::string unit = t.substr(used);
    double ms;
    if (unit.empty() || unit == "s") ms = value * 1000;
    else if (unit == "ms") ms = value;
    else if (unit == "m") ms = value * 60000;
    else if (unit == "h") ms = value * 3600000;
    else throw std::invalid_argument("unknown duration unit '" + unit + "' in '" + text + "' (use ms, s, m or h)");
    if (!std::isfinite(ms) || ms < 0 || ms > 1e12) throw std::invalid_argument("duration out of range: '" + text + "'");
    return std::chrono::milliseconds(static_cast<long long>(ms));
}

std::vector<std::string> DaemonConfig::knownKeys() { return environmentKeys(); }

DaemonConfig DaemonConfig::fromTree(const ConfigTree& tree) {
    checkConfigKeys(tree);
    Reader r(tree);
    DaemonConfig c;
    c.source = tree.source();

    c.logLevel = lower(r.str("log_level", c.logLevel));
    if (c.logLevel == "warning") c.logLevel = "warn";
    if (c.logLevel == "success") c.logLevel = "info"; // the DaDNS seed's loguru level
    static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (!levels.count(c.logLevel)) throw ConfigError("log_level", "must be one of trace, debug, info, warn, error, critical, off");
    c.logFormat = lower(r.str("log_format", c.logFormat));
    if (c.logFormat != "text" && c.logFormat != "json") throw ConfigError("log_format", "must be text or json");
    c.timezone = r.str("timezone", "");
    c.queueLocation = r.str("queue_location", c.queueLocation);
    if (c.queueLocation.empty()) throw ConfigError("queue_location", "must not be empty");
    // The node's one identity. Configurations from before it was one key set it for the
    // cluster only (discovery.swim.node_id): that still names the node when node_id is absent.
    c.nodeId = r.str("node_id", r.str("discovery.swim.node_id", hostName()));
    c.shutdownGrace = std::chrono::milliseconds(r.integer("shutdown_grace_seconds", 10, 0, 3600) * 1000);

    c.authUsername = r.str("app.auth_username", "");
    c.authPassword = r.str("app.auth_password", "");
    if (c.authUsername.empty()) throw ConfigError("app.auth_username", "must be set: mutating API calls need credentials");
    if (c.authPassword.empty()) throw ConfigError("app.auth_password", "must be set (or DADNS_APP_AUTH_PASSWORD)");
    if (c.authUsername.find(':') != std::string::npos) throw ConfigError("app.auth_username", "must not contain ':'");
    HttpFrontEndOptions& http = c.api.connections;
    http.address = r.str("app.listen_address", http.address);
    http.port = static_cast<int>(r.integer("app.listen_port", http.port, 0, 65535));
    http.tlsPort = static_cast<int>(r.integer("app.tls_port", http.tlsPort, 0, 65535));
    http.tlsCert = r.str("app.tls_cert", http.tlsCert);
    http.tlsKey = r.str("app.tls_key", http.tlsKey);
    if (http.tlsPort >= 0 && (http.tlsCert.empty() || http.tlsKey.empty()))
        throw ConfigError("app.tls_port", "needs app.tls_cert and app.tls_key (PEM files)");
    if (http.tlsPort < 0 && (!http.tlsCert.empty() || !http.tlsKey.empty()))
        throw ConfigError("app.tls_cert", "is set but app.tls_port is not: say which port serves HTTPS");
    if (http.tlsPort >= 0 && http.tlsPort == http.port && http.tlsPort != 0)
        throw ConfigError("app.tls_port", "must differ from app.listen_port");

    c.backends = readInstances(tree, r, "dns.backends");
    c.defaultBackend = r.str("dns.default_backend", "");
    if (!c.defaultBackend.empty() &&
        std::none_of(c.backends.begin(), c.backends.end(), [&](const auto& b) { return b.name == c.defaultBackend; }))
        throw ConfigError("dns.default_backend", "names no instance under dns.backends: '" + c.defaultBackend + "'");
    for (const char* section : {"ingestion", "discovery"})
        for (auto& inst : readInstances(tree, r, section)) c.services.push_back(std::move(inst));

    c.pluginDir = r.str("plugins.dir", "");
    c.pluginExtraPaths = r.list("plugins.extra_paths");

    // store.type; store.engine is its earlier name.
    std::string typeKey = tree.find("store.type") ? "store.type" : "store.engine";
    c.storeEngine = lower(r.str(typeKey, c.storeEngine));
    if (c.storeEngine == "postgres") c.storeEngine = "postgresql";
    if (c.storeEngine != "sqlite" && c.storeEngine != "postgresql")
        throw ConfigError(typeKey, "unknown engine '" + c.storeEngine + "' (available: sqlite, postgresql)");
    c.storeDsn = r.str("store.dsn", "");
    if (c.storeEngine == "postgresql" && c.storeDsn.empty())
        throw ConfigError("store.dsn", "must be set for store.type postgresql (e.g. \"host=db port=5432 dbname=dadns user=dadns\")");
    c.storePoolSize = static_cast<size_t>(r.integer("store.pool_size", static_cast<long long>(c.storePoolSize), 1, 256));
    c.historyPerZone = static_cast<size_t>(r.integer("store.history_per_zone", static_cast<long long>(c.historyPerZone), 1, 1000));
    c.zoneOwnership = lower(r.str("zones.ownership", c.zoneOwnership));
    if (c.zoneOwnership != "per_source" && c.zoneOwnership != "shared")
        throw ConfigError("zones.ownership", "must be per_source or shared, got '" + c.zoneOwnership + "'");
    c.safety.maxRemoveShare = r.number("zones.safety.max_remove_share", c.safety.maxRemoveShare, 0.0, 1.0);
    c.safety.minRecords = static_cast<size_t>(r.integer("zones.safety.min_records", static_cast<long long>(c.safety.minRecords), 1, 1000000));
    c.safety.maxDeletes = static_cast<size_t>(r.integer("zones.safety.max_deletes", static_cast<long long>(c.safety.maxDeletes), 0, 100000000));
    c.safety.deleteWindow = r.duration("zones.safety.delete_window", c.safety.deleteWindow);
    if (c.safety.deleteWindow < std::chrono::seconds(1)) throw ConfigError("zones.safety.delete_window", "must be at least 1s");
    c.soaSerial = lower(r.str("zones.soa_serial", c.soaSerial));
    if (c.soaSerial != "keep" && c.soaSerial != "increase")
        throw ConfigError("zones.soa_serial", "must be keep or increase, got '" + c.soaSerial + "'");

    readApiSettings(r, c.api);
    readDispatchSettings(r, c.dispatch);
    checkStoreNotShared(c, tree);
    return c;
}

} // namespace dadns
