#include "core/app/Daemon.hpp"

#include "core/config/ConfigLoader.hpp"
#include "core/events/ChangeEvents.hpp"
#include "core/log/Logging.hpp"
#include "core/metrics/ProcessMetrics.hpp"
#include "core/store/PostgresZoneStore.hpp"
#include "core/store/SqliteZoneStore.hpp"
#include "core/util/WallClock.hpp"

#include <Poco/File.h>
#include <Poco/Path.h>

#include <unistd.h>

namespace dadns {

std::string defaultPluginDir() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "plugins";
    buf[n] = '\0';
    Poco::Path exe(buf);
    Poco::Path buildTree = exe.parent().popDirectory().pushDirectory("plugins");
    if (Poco::File(buildTree).exists()) return buildTree.toString();
    Poco::Path installed(exe.parent().popDirectory().toString() + DADNS_INSTALL_PLUGINDIR_RELATIVE);
    return installed.makeDirectory().toString();
}

void loadConfiguredPlugins(const DaemonConfig& config, PluginLoader& loader) {
    std::string dir = config.pluginDir.empty() ? defaultPluginDir() : config.pluginDir;
    try {
        loader.loadDirectory(dir);
    } catch (const std::runtime_error& e) {
        throw ConfigFileError(config.source, "plugins.dir", e.what());
    }
    for (const auto& path : config.pluginExtraPaths) {
        Poco::File f(path);
        if (f.exists() && f.isDirectory()) loader.loadDirectory(path);
        else loader.loadFile(path);
    }
}

Daemon::Daemon(DaemonConfig config) : config_(std::move(config)) {}

Daemon::~Daemon() { stop(); }

void Daemon::start() {
    auto log = logger("app");
    addProcessMetrics(metrics_);

    if (config_.storeEngine == "postgresql") {
        PostgresZoneStore::Options storeOptions;
        storeOptions.historyPerZone = config_.historyPerZone;
        storeOptions.nodeId = config_.nodeId;
        storeOptions.poolSize = config_.storePoolSize;
        store_ = std::make_unique<PostgresZoneStore>(config_.storeDsn, storeOptions);
    } else {
        SqliteZoneStore::Options storeOptions;
        storeOptions.historyPerZone = config_.historyPerZone;
        storeOptions.nodeId = config_.nodeId;
        store_ = std::make_unique<SqliteZoneStore>(config_.queueLocation, storeOptions);
    }
    intake_ = std::make_unique<ChangeIntake>(*store_, metrics_);
    intake_->setOwnershipRule(*parseOwnershipRule(config_.zoneOwnership)); // checked by DaemonConfig
    intake_->setSafety(config_.safety);
    intake_->setSoaSerialPolicy(SoaSerialPolicy(*parseSoaSerialMode(config_.soaSerial)));

    server_ = std::make_unique<ApiServer>(config_.api, Credentials(config_.authUsername, config_.authPassword), router_, metrics_);

    HostServices services;
    services.intake = intake_.get();
    services.store = store_.get();
    services.router = &router_;
    services.credentials = &server_->credentials();
    services.metrics = &metrics_;
    services.nodeId = config_.nodeId;
    const std::string& address = config_.api.connections.address;
    services.apiUrl = "http://" + (address == "0.0.0.0" ? std::string("127.0.0.1") : address) + ":" + std::to_string(config_.api.connections.port);
    bridge_ = std::make_unique<HostBridge>(services);
    loader_ = std::make_unique<PluginLoader>([this](const std::string& path) { return bridge_->pluginTable(path); });
    loadConfiguredPlugins(config_, *loader_); // logs each plugin it loads or refuses

    // A split role leaves out what another instance does: backends on an ingest instance,
    // ingestion and discovery on a dispatch instance.
    DaemonConfig instanceConfig = config_;
    if (config_.role == "ingest") instanceConfig.backends.clear();
    if (config_.role == "dispatch") instanceConfig.services.clear();
    instances_.create(instanceConfig, *loader_, *bridge_);
    refuseFailedInstances();

    DispatchOptions dispatch = config_.dispatch;
    // Unique per process: several instances may run on one host with one node id.
    dispatch.holder = config_.nodeId + ":" + std::to_string(::getpid()) + ":" + std::to_string(nowMs());
    dispatcher_ = std::make_unique<Dispatcher>(*store_, metrics_, dispatch);
    for (const auto& backend : instances_.backends()) {
        uint32_t parallel = backend->parallelism();
        for (const auto& b : config_.backends) {
            bool mine = b.name == backend->name() || backend->name().rfind(b.name + ".", 0) == 0; // an instance or one of its targets
            if (mine && b.parallel > 0) parallel = static_cast<uint32_t>(b.parallel);
        }
        dispatcher_->addBackend(backend, parallel);
    }
    bridge_->setRunningBackends([this] {
        std::vector<std::string> names;
        for (const auto& backend : instances_.backends()) names.push_back(backend->name());
        return names;
    });
    dispatcher_->setResultListener([events = events_](const ZoneResult& result) { publishZoneResult(*events, result); });
    intake_->addListener([this](const ZoneChange& change) {
        publishZoneChange(*events_, change); // before this daemon's lanes can report on it
        dispatcher_->notify(change);
        for (const auto& s : instances_.services()) s->zoneChanged(change.zone, change.version, change.stamp);
    });

    api_ = std::make_unique<ApiContext>(ApiContext{config_, *store_, *intake_, *dispatcher_, *loader_, instances_, metrics_,
                                                   std::chrono::steady_clock::now(), events_});
    addStatusRoutes(router_, *api_);
    addZoneRoutes(router_, *api_);
    addBackendRoutes(router_, *api_);
    addEventRoutes(router_, *api_);
    addConsoleRoutes(router_);

    server_->start();
    dispatcher_->start();
    running_ = true;
    instances_.startServices();
    if (!instances_.failedRequired().empty()) {
        stop();
        refuseFailedInstances();
    }
    StoreStats stats = store_->stats();
    log->info("dadns listening on {}:{} (node {}, role {}, {} zone(s) stored, {} backend(s))", config_.api.connections.address, server_->port(),
              config_.nodeId, config_.role, stats.zones, instances_.backends().size());
    if (server_->tlsPort() >= 0) log->info("dadns listening for HTTPS on {}:{}", config_.api.connections.address, server_->tlsPort());
}

void Daemon::refuseFailedInstances() const {
    auto failed = instances_.failedRequired();
    if (failed.empty()) return;
    // As --check-config says it: the file, the key, the problem.
    std::string what;
    for (const auto& st : failed) {
        if (!what.empty()) what += "; ";
        what += config_.source + ": " + st.errorKey + ": " + st.error;
    }
    throw std::runtime_error(what + " (an instance the daemon may run without says optional: true)");
}

void Daemon::stop() {
    if (!running_) return;
    running_ = false;
    auto log = logger("app");
    log->info("stopping: no new requests; waiting up to {} ms for work in flight", config_.shutdownGrace.count());
    server_->stop(config_.shutdownGrace);
    instances_.destroy(&router_); // services first: they may submit changes
    dispatcher_->stop();
    dispatcher_.reset(); // the lanes hold the last references to the backend instances
    store_->flush();
    log->info("stopped");
}

} // namespace dadns
