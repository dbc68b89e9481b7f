// One configured backend instance: a plugin's backend table plus its opaque handle, called
// with C++ types. Every call returns a BackendResult instead of throwing.
#pragma once

#include "core/plugin/PluginLoader.hpp"

#include <dadns/sdk/plugin_tables.hpp>

#include <dadns/sdk/types.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dadns {

struct BackendResult {
    dadns_status_code code = DADNS_OK;
    std::string message;
    bool ok() const { return code == DADNS_OK; }
    bool retryable() const { return code != DADNS_OK && code != DADNS_ERR_PERMANENT; }
};

class BackendInstance {
public:
    // Creates the instance through the plugin; throws std::runtime_error with the plugin's
    // message when create fails.
    BackendInstance(const LoadedPlugin& plugin, void* hostCtx, std::string name, const std::string& configJson);
    ~BackendInstance();
    BackendInstance(const BackendInstance&) = delete;
    BackendInstance& operator=(const BackendInstance&) = delete;

    const std::string& name() const { return name_; }
    const std::string& pluginName() const { return plugin_.name; }

    BackendResult apply(const sdk::Zone& zone, int64_t& expectedCount);
    BackendResult remove(const std::string& zone);
    BackendResult count(const std::string& zone, int64_t& count);
    BackendResult listZones(std::vector<std::string>& zones);
    BackendResult reconcile(const sdk::Zone& zone);
    // ABI 1.3: whether the plugin reads back what its server serves (served_records); the
    // daemon then verifies by content instead of count.
    bool reportsServedRecords() const { return plugin_.backend.served_records != nullptr; }
    // What the server serves for the zone; served is nullopt when it does not serve it.
    BackendResult servedRecords(const std::string& zone, std::optional<std::vector<sdk::Record>>& served);
    BackendResult health();
    uint32_t parallelism();
    // ABI 1.4: the plugin's JSON object of its own state; "{}" when it has none.
    std::string describe() const { return sdk::tables::describeInstance(plugin_.backend.describe, handle_); }

private:
    const LoadedPlugin& plugin_;
    std::string name_;
    void* handle_ = nullptr;
};

} // namespace dadns
