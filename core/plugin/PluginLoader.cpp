#include "core/plugin/PluginLoader.hpp"

#include "core/log/Logging.hpp"

#include <dadns/sdk/plugin_tables.hpp>

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <stdexcept>
#include <sys/stat.h>

namespace dadns {

std::string kindName(int kind) {
    switch (kind) {
    case DADNS_KIND_BACKEND: return "backend";
    case DADNS_KIND_INGESTION: return "ingestion";
    case DADNS_KIND_DISCOVERY: return "discovery";
    default: return "";
    }
}

PluginLoader::PluginLoader(HostTableFactory hostTables) : hostTables_(std::move(hostTables)) {}

void PluginLoader::loadDirectory(const std::string& dir) {
    struct stat st {};
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw std::runtime_error("plugin directory not found: " + dir);
    std::vector<std::string> files;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d)) {
            std::string name = e->d_name;
            if (name.size() > 3 && name.compare(name.size() - 3, 3, ".so") == 0)
                files.push_back(dir + (dir.back() == '/' ? "" : "/") + name);
        }
        closedir(d);
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) loadFile(f);
}

// Reads and checks a plugin's descriptor into d (the ABI rules in sdk/plugin_tables.hpp), and
// that no other file gave its name. Sets report's name and ABI as soon as they are known, so a
// refusal names the plugin. Returns the refusal reason, empty when accepted.
std::string PluginLoader::readDescriptor(const dadns_plugin_desc* desc, dadns_plugin_desc& d, PluginReport& report) const {
    sdk::tables::DescriptorFacts facts;
    std::string reason = sdk::tables::readDescriptor(desc, d, facts);
    report.name = facts.name;
    report.abi = facts.abi;
    if (!reason.empty()) return reason;
    report.version = d.version ? d.version : "";
    report.kind = kindName(d.kind);
    if (const LoadedPlugin* existing = find(report.name))
        return "duplicate plugin name: " + report.name + " (already loaded from " + existing->path + ")";
    return "";
}

void PluginLoader::loadFile(const std::string& path) {
    PluginReport report;
    report.path = path;
    auto refuse = [&](void* handle, const std::string& reason) {
        if (handle) dlclose(handle);
        report.reason = reason;
        // The one log line of a refusal; --list-plugins and /api/v1/plugins read reports().
        logger("plugins")->error("plugin {}refused: {}: {}", report.name.empty() ? "" : report.name + " ", path, reason);
        reports_.push_back(report);
    };

    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* err = dlerror();
        return refuse(nullptr, std::string("not a loadable shared object: ") + (err ? err : "unknown error"));
    }
    auto init = reinterpret_cast<dadns_plugin_init_fn>(dlsym(handle, DADNS_PLUGIN_INIT_SYMBOL));
    if (!init) return refuse(handle, "missing init symbol dadns_plugin_init");

    const dadns_plugin_desc* desc = nullptr;
    try {
        desc = init(hostTables_(path));
    } catch (...) {
        return refuse(handle, "dadns_plugin_init threw an exception");
    }
    dadns_plugin_desc d{};
    if (std::string reason = readDescriptor(desc, d, report); !reason.empty()) return refuse(handle, reason);

    auto plugin = std::make_unique<LoadedPlugin>();
    plugin->name = report.name;
    plugin->version = report.version;
    plugin->path = path;
    plugin->kind = static_cast<dadns_plugin_kind>(d.kind);
    plugin->abiMajor = d.abi_major;
    plugin->abiMinor = d.abi_minor;
    plugin->checkSettings = d.check_settings;
    plugin->handle = handle;
    if (std::string reason = sdk::tables::readFunctions(d, plugin->backend, plugin->service); !reason.empty()) return refuse(handle, reason);
    report.loaded = true;
    logger("plugins")->info("plugin {} {} ({}, ABI {}.{}) loaded from {}", report.name, report.version, report.kind, d.abi_major, d.abi_minor, path);
    reports_.push_back(report);
    plugins_.push_back(std::move(plugin));
}

const LoadedPlugin* PluginLoader::find(const std::string& name) const {
    for (const auto& p : plugins_)
        if (p->name == name) return p.get();
    return nullptr;
}

} // namespace dadns
