// Loads plugin shared objects and checks them against the ABI before anything else runs.
#pragma once

#include <dadns/abi.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dadns {

// One loaded, accepted plugin. Its tables are copies, zero-extended when the plugin was built
// against an older minor (smaller struct), so a member the plugin does not know reads as NULL,
// and cut to the host's size when it was built against a newer one.
struct LoadedPlugin {
    std::string name;
    std::string version;
    std::string path;
    dadns_plugin_kind kind = DADNS_KIND_BACKEND;
    uint16_t abiMajor = 0;
    uint16_t abiMinor = 0;
    dadns_backend_api backend{};  // valid when kind == DADNS_KIND_BACKEND
    dadns_service_api service{};  // valid for ingestion and discovery
    decltype(dadns_plugin_desc::check_settings) checkSettings = nullptr; // ABI 1.2; NULL when absent
    void* handle = nullptr;       // dlopen handle; never closed (plugin code may hold threads)
};

// What happened to every file the loader looked at: shown by --list-plugins, the log and
// GET /api/v1/plugins.
struct PluginReport {
    std::string path;
    std::string name;      // empty when refused before the descriptor named the plugin
    std::string version;
    std::string kind;      // "backend", "ingestion", "discovery" or ""
    std::string abi;       // the ABI version the plugin was built for ("1.2"); "" when unread
    bool loaded = false;
    std::string reason;    // why it was refused, e.g. "other ABI major: plugin 2, host 1"
};

std::string kindName(int kind);

class PluginLoader {
public:
    // Gives the host table to hand to dadns_plugin_init of the shared object at path. The
    // table must stay valid for the life of the process.
    using HostTableFactory = std::function<const dadns_host_api*(const std::string& path)>;

    explicit PluginLoader(HostTableFactory hostTables);

    // Loads every "*.so" in dir, in name order. Throws std::runtime_error when dir is missing.
    void loadDirectory(const std::string& dir);
    // Loads one file. Never throws for a bad plugin: the refusal goes into reports().
    void loadFile(const std::string& path);

    const LoadedPlugin* find(const std::string& name) const;
    const std::vector<std::unique_ptr<LoadedPlugin>>& plugins() const { return plugins_; }
    const std::vector<PluginReport>& reports() const { return reports_; }

private:
    std::string readDescriptor(const dadns_plugin_desc* desc, dadns_plugin_desc& d, PluginReport& report) const;

    HostTableFactory hostTables_;
    std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
    std::vector<PluginReport> reports_;
};

} // namespace dadns
