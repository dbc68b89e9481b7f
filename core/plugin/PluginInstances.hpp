// Creates the configured plugin instances (backends, ingestion, discovery) from the loaded
// plugins, and remembers which failed and why, for status and --check-config.
#pragma once

#include "core/config/DaemonConfig.hpp"
#include "core/plugin/BackendInstance.hpp"
#include "core/plugin/HostBridge.hpp"
#include "core/plugin/PluginLoader.hpp"
#include "core/plugin/ServiceInstance.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dadns {

struct InstanceStatus {
    std::string key;        // "dns.backends.bind"
    std::string name;       // a backend target's: "<instance>.<target>"
    std::string kind;       // "backend", "ingestion", "discovery"
    std::string plugin;
    bool enabled = true;
    bool optional = false;  // the daemon runs without it when it fails
    std::string state;      // "running", "failed", "disabled"
    std::string error;
    std::string errorKey;   // the key the error is about ("dns.backends.bind.type", "dns.backends.bind")
};

// Why an instance cannot be created from what is loaded: "" when it can.
std::string instanceProblem(const PluginInstanceConfig& inst, const PluginLoader& loader);

struct SettingsProblem {
    std::string key;     // "dns.backends.bind.zones_dir"; the instance's own key for the whole
    std::string problem; // "is required (directory the zone files are written to)"
};

// The problems the plugin's check_settings hook (ABI 1.2) finds in an instance's settings;
// none when the plugin has no hook. Run by --check-config and before create.
std::vector<SettingsProblem> settingsProblems(const PluginInstanceConfig& inst, const LoadedPlugin& plugin);

class PluginInstances {
public:
    // Creates every enabled instance; a failure is recorded, never thrown (see failedRequired).
    void create(const DaemonConfig& config, const PluginLoader& loader, HostBridge& bridge);
    // Enabled instances that failed to be created or started and are not optional: the daemon
    // must not run without them.
    std::vector<InstanceStatus> failedRequired() const;

    const std::vector<std::shared_ptr<BackendInstance>>& backends() const { return backends_; }
    const std::vector<std::shared_ptr<ServiceInstance>>& services() const { return services_; }
    // A copy: a service failing to start updates it while the API reads it.
    std::vector<InstanceStatus> statuses() const;
    void markFailed(const std::string& name, const std::string& error);

    // Starts ingestion and discovery services (after the HTTP server listens).
    void startServices();
    // Stops services, then destroys every instance (services first, then backends).
    void destroy(Router* router);

private:
    void createService(const PluginInstanceConfig& inst, const LoadedPlugin& plugin, HostBridge& bridge, InstanceStatus st);
    void createBackend(const PluginInstanceConfig& inst, const LoadedPlugin& plugin, HostBridge& bridge, InstanceStatus st);
    void record(InstanceStatus st, const std::string& state);

    std::vector<std::shared_ptr<BackendInstance>> backends_;
    std::vector<std::shared_ptr<ServiceInstance>> services_;
    mutable std::mutex statusMutex_;
    std::vector<InstanceStatus> statuses_;
};

} // namespace dadns
