// The host side of the ABI: the dadns_host_api table plugins call, backed by the core's
// intake, store, router, credentials and metrics. Each plugin file gets a table; each
// instance gets its own context (host_ctx), so every call knows which instance made it.
#pragma once

#include "core/http/BasicAuth.hpp"
#include "core/http/Router.hpp"
#include "core/intake/ChangeIntake.hpp"
#include "core/metrics/MetricsRegistry.hpp"
#include "core/store/ZoneStore.hpp"

#include <dadns/abi.h>

#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace dadns {

// What the host table reaches. Null members make the matching calls fail with a clear
// status (e.g. while only checking a configuration).
struct HostServices {
    ChangeIntake* intake = nullptr;
    ZoneStore* store = nullptr;
    Router* router = nullptr;
    const Credentials* credentials = nullptr;
    MetricsRegistry* metrics = nullptr;
    std::string nodeId;
    std::string apiUrl;
    // Names of the running backend lanes; set once they exist.
    std::function<std::vector<std::string>()> runningBackends;
};

class HostBridge {
public:
    explicit HostBridge(HostServices services);
    HostBridge(const HostBridge&) = delete;
    HostBridge& operator=(const HostBridge&) = delete;

    // The table for dadns_plugin_init of the shared object at path; valid as long as the bridge.
    const dadns_host_api* pluginTable(const std::string& path);
    // Set once the backend lanes exist (they are created after the plugins load).
    void setRunningBackends(std::function<std::vector<std::string>()> fn) { services_.runningBackends = std::move(fn); }
    // host_ctx for one instance of a plugin.
    void* instanceContext(const std::string& instanceName, const std::string& pluginName);

    struct Context {
        HostBridge* bridge;
        std::string instance;   // instance name, or the plugin file for plugin-level calls
        std::string plugin;
    };

    const HostServices& services() const { return services_; }

private:
    HostServices services_;
    std::mutex mutex_;
    std::deque<Context> contexts_;          // deque: addresses stay valid
    std::deque<dadns_host_api> tables_;
};

} // namespace dadns
