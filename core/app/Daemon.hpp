// The running daemon: every component, wired in dependency order, started and stopped as one.
#pragma once

#include "core/api/ApiContext.hpp"
#include "core/plugin/PluginInstances.hpp"
#include "core/config/DaemonConfig.hpp"
#include "core/dispatch/Dispatcher.hpp"
#include "core/events/EventLog.hpp"
#include "core/http/ApiServer.hpp"
#include "core/http/Router.hpp"
#include "core/intake/ChangeIntake.hpp"
#include "core/metrics/MetricsRegistry.hpp"
#include "core/plugin/HostBridge.hpp"
#include "core/plugin/PluginLoader.hpp"
#include "core/store/ZoneStore.hpp"

#include <memory>

namespace dadns {

// Where plugins are looked for when plugins.dir is not set: next to the binary in a build
// tree (bin/../plugins), or the installed lib/dadns/plugins.
std::string defaultPluginDir();

// Loads plugins.dir and plugins.extra_paths with a host table from bridge. Throws
// ConfigFileError (plugins.dir) when the plugin directory is missing.
void loadConfiguredPlugins(const DaemonConfig& config, PluginLoader& loader);

class Daemon {
public:
    explicit Daemon(DaemonConfig config);
    ~Daemon();

    // Throws std::runtime_error saying why the daemon cannot start.
    void start();
    // Stops accepting requests, lets in-flight work finish within shutdown_grace_seconds.
    void stop();

    int port() const { return server_ ? server_->port() : 0; }

private:
    // Throws naming each enabled instance that failed and is not optional.
    void refuseFailedInstances() const;

    DaemonConfig config_;
    MetricsRegistry metrics_;
    Router router_;
    std::unique_ptr<ZoneStore> store_;
    std::unique_ptr<ChangeIntake> intake_;
    std::shared_ptr<EventLog> events_ = std::make_shared<EventLog>();
    std::unique_ptr<ApiServer> server_;
    std::unique_ptr<HostBridge> bridge_;
    std::unique_ptr<PluginLoader> loader_;
    PluginInstances instances_;
    std::unique_ptr<Dispatcher> dispatcher_;
    std::unique_ptr<ApiContext> api_;
    bool running_ = false;
};

} // namespace dadns
