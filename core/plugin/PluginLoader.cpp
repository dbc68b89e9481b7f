#include "core/plugin/PluginLoader.hpp"

#include "core/log/Logging.hpp"

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <stdexcept>
#include <sys/stat.h>

namespace dadns {
namespace {

bool validName(const char* name) {
    if (!name || !*name || std::strlen(name) > 64) return false;
    for (const char* p = name; *p; ++p)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
    return true;
}

// Copies a plugin's table into a zeroed host-sized one (docs/abi.md, "Minor versions"): an
// older minor's smaller table reads as NULL beyond its end; a newer minor's larger table is read
// only as far as the host knows it. A larger table from a plugin that claims no newer minor is a
// layout the host cannot trust.
template <class Table>
bool copyTable(const Table* from, Table& to, const char* what, bool newerMinor, std::string& reason) {
    if (!from) {
        reason = std::string("missing function table: ") + what;
        return false;
    }
    uint32_t size = from->struct_size;
    if (size < sizeof(uint32_t)) {
        reason = std::string("invalid struct_size of ") + what + ": " + std::to_string(size);
        return false;
    }
    if (size > sizeof(Table) && !newerMinor) {
        reason = std::string("oversized struct: ") + what + " is " + std::to_string(size) + " bytes, host knows " +
                 std::to_string(sizeof(Table)) + " and the plugin claims no newer minor";
        return false;
    }
    std::memset(&to, 0, sizeof(Table));
    std::memcpy(&to, from, std::min<size_t>(size, sizeof(Table)));
    return true;
}

// The members every major keeps in place (abi.h): enough to name a plugin and check its major.
constexpr size_t kStableDescPrefix = offsetof(dadns_plugin_desc, name) + sizeof(const char*);

} // namespace

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

// Reads and checks a plugin's descriptor into d. Sets report.name as soon as it is known, so a
// refusal names the plugin. Returns the refusal reason, empty when accepted.
std::string PluginLoader::readDescriptor(const dadns_plugin_desc* desc, dadns_plugin_desc& d, PluginReport& report) const {
    if (!desc) return "null descriptor";
    if (desc->struct_size < kStableDescPrefix) return "invalid descriptor struct_size " + std::to_string(desc->struct_size);
    if (validName(desc->name)) report.name = desc->name;
    report.abi = std::to_string(desc->abi_major) + "." + std::to_string(desc->abi_minor);
    if (desc->abi_major != DADNS_ABI_MAJOR)
        return "other ABI major: plugin " + std::to_string(desc->abi_major) + ", host " + std::to_string(DADNS_ABI_MAJOR);
    if (desc->struct_size < offsetof(dadns_plugin_desc, kind) + sizeof(int32_t))
        return "invalid descriptor struct_size " + std::to_string(desc->struct_size);
    std::string reason;
    if (!copyTable(desc, d, "plugin descriptor", desc->abi_minor > DADNS_ABI_MINOR, reason)) return reason;
    if (!validName(d.name)) return "invalid name: plugin names use a-z, 0-9 and '_' (at most 64)";
    report.version = d.version ? d.version : "";
    report.kind = kindName(d.kind);
    if (report.kind.empty()) return "unknown kind " + std::to_string(d.kind);
    if (const LoadedPlugin* existing = find(report.name))
        return "duplicate plugin name: " + report.name + " (already loaded from " + existing->path + ")";
    return "";
}

// Copies the function table of the plugin's kind and checks its required members.
std::string PluginLoader::readFunctions(const dadns_plugin_desc& d, LoadedPlugin& plugin) const {
    std::string reason;
    bool newerMinor = d.abi_minor > DADNS_ABI_MINOR;
    if (d.kind == DADNS_KIND_BACKEND) {
        if (!copyTable(d.backend, plugin.backend, "backend table", newerMinor, reason)) return reason;
        const auto& b = plugin.backend;
        for (auto [fn, name] : {std::pair<bool, const char*>{b.create != nullptr, "create"}, {b.destroy != nullptr, "destroy"},
                                {b.apply != nullptr, "apply"}, {b.remove != nullptr, "remove"}, {b.count != nullptr, "count"}})
            if (!fn) return std::string("missing required function ") + name;
        return "";
    }
    if (!copyTable(d.service, plugin.service, "service table", newerMinor, reason)) return reason;
    if (!plugin.service.create) return "missing required function create";
    if (!plugin.service.destroy) return "missing required function destroy";
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
    if (std::string reason = readFunctions(d, *plugin); !reason.empty()) return refuse(handle, reason);
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
