// One configured ingestion or discovery instance: a plugin's service table and its handle.
#pragma once

#include "core/plugin/PluginLoader.hpp"

#include <atomic>
#include <string>

namespace dadns {

class ServiceInstance {
public:
    // Throws std::runtime_error with the plugin's message when create fails.
    ServiceInstance(const LoadedPlugin& plugin, void* hostCtx, std::string name, const std::string& configJson);
    ~ServiceInstance();
    ServiceInstance(const ServiceInstance&) = delete;
    ServiceInstance& operator=(const ServiceInstance&) = delete;

    const std::string& name() const { return name_; }
    const LoadedPlugin& plugin() const { return plugin_; }

    // Throws std::runtime_error with the plugin's message when start fails.
    void start();
    void stop();
    void zoneChanged(const std::string& zone, uint64_t version, const std::string& stamp);
    // The instance's own JSON description, or "{}".
    std::string describe();

private:
    const LoadedPlugin& plugin_;
    std::string name_;
    void* handle_ = nullptr;
    // Read by zoneChanged on whichever thread stores a change: routes serve (and changes
    // arrive) while the main thread is still starting the services.
    std::atomic<bool> started_{false};
};

} // namespace dadns
