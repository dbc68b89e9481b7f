#include "core/plugin/PluginInstances.hpp"

#include "core/log/Logging.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace dadns {
namespace {

int expectedKind(const PluginInstanceConfig& inst) {
    if (inst.section == "dns.backends") return DADNS_KIND_BACKEND;
    if (inst.section == "ingestion") return DADNS_KIND_INGESTION;
    return DADNS_KIND_DISCOVERY;
}

} // namespace

std::string instanceProblem(const PluginInstanceConfig& inst, const PluginLoader& loader) {
    const LoadedPlugin* plugin = loader.find(inst.type);
    if (!plugin) {
        // A plugin refused before its name could be read is matched by its file name.
        for (const auto& r : loader.reports()) {
            std::string stem = r.path.substr(r.path.find_last_of('/') + 1);
            stem = stem.substr(0, stem.rfind(".so"));
            if (!r.loaded && (r.name == inst.type || stem == inst.type)) return "plugin '" + inst.type + "' was refused: " + r.reason;
        }
        return "plugin '" + inst.type + "' not found";
    }
    if (plugin->kind != expectedKind(inst))
        return "plugin '" + inst.type + "' is a " + kindName(plugin->kind) + " plugin, not a " + kindName(expectedKind(inst)) + " plugin";
    return "";
}

std::vector<SettingsProblem> settingsProblems(const PluginInstanceConfig& inst, const LoadedPlugin& plugin) {
    std::vector<SettingsProblem> out;
    if (!plugin.checkSettings) return out;
    struct Sink {
        const PluginInstanceConfig& inst;
        std::vector<SettingsProblem>& out;
    } sink{inst, out};
    // Called from the plugin's code: nothing may be thrown back across the ABI.
    auto add = [](void* ctx, dadns_str key, dadns_str problem) {
        auto* s = static_cast<Sink*>(ctx);
        try {
            std::string k(sdk::view(key));
            if (s->out.size() < 100) s->out.push_back({s->inst.key() + (k.empty() ? "" : "." + k), std::string(sdk::view(problem))});
        } catch (...) {
        }
    };
    dadns_status status{};
    if (plugin.checkSettings(sdk::str(inst.name), sdk::str(inst.json), &sink, add, &status) != DADNS_OK)
        out.push_back({inst.key(), "the plugin could not check its settings: " +
                                       std::string(status.message, std::min<size_t>(status.message_len, DADNS_STATUS_MESSAGE_MAX))});
    return out;
}

namespace {

// One line for status and the log: every problem, keyed below the instance.
std::string describe(const std::vector<SettingsProblem>& problems, const std::string& instanceKey) {
    std::string out = "invalid settings: ";
    for (size_t i = 0; i < problems.size(); ++i) {
        std::string key = problems[i].key.size() > instanceKey.size() ? problems[i].key.substr(instanceKey.size() + 1) : "";
        out += (i ? "; " : "") + (key.empty() ? "" : key + ": ") + problems[i].problem;
    }
    return out;
}

struct BackendTarget {
    std::string name;       // lane name: the instance's, or "<instance>.<target>"
    std::string configJson;
};

bool validTargetName(const std::string& name) {
    return !name.empty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_' || c == '-'; });
}

// The targets a backend instance stands for (ABI 1.1): itself, unless the plugin splits it.
std::vector<BackendTarget> backendTargets(const LoadedPlugin& plugin, const PluginInstanceConfig& inst) {
    if (!plugin.backend.targets) return {{inst.name, inst.json}};
    std::vector<BackendTarget> out;
    dadns_status status{};
    auto sink = [](void* ctx, dadns_str name, dadns_str config) {
        static_cast<std::vector<BackendTarget>*>(ctx)->push_back({std::string(sdk::view(name)), std::string(sdk::view(config))});
    };
    if (plugin.backend.targets(sdk::str(inst.name), sdk::str(inst.json), &out, sink, &status) != DADNS_OK)
        throw std::runtime_error(std::string(status.message, std::min<size_t>(status.message_len, DADNS_STATUS_MESSAGE_MAX)));
    if (out.empty()) return {{inst.name, inst.json}};
    std::set<std::string> seen;
    for (auto& t : out) {
        if (!validTargetName(t.name)) throw std::runtime_error("invalid target name '" + t.name + "' (a-z, 0-9, '_', '-', at most 64)");
        if (!seen.insert(t.name).second) throw std::runtime_error("duplicate target name '" + t.name + "'");
        t.name = inst.name + "." + t.name;
    }
    return out;
}

} // namespace

void PluginInstances::create(const DaemonConfig& config, const PluginLoader& loader, HostBridge& bridge) {
    std::vector<const PluginInstanceConfig*> all;
    for (const auto& b : config.backends) all.push_back(&b);
    for (const auto& s : config.services) all.push_back(&s);
    for (const auto* inst : all) {
        InstanceStatus st;
        st.key = inst->key();
        st.name = inst->name;
        st.kind = kindName(expectedKind(*inst));
        st.plugin = inst->type;
        st.enabled = inst->enabled;
        st.optional = inst->optional;
        st.errorKey = inst->key();
        if (!inst->enabled) {
            record(st, "disabled");
            continue;
        }
        st.error = instanceProblem(*inst, loader);
        if (!st.error.empty()) {
            st.errorKey = inst->key() + ".type";
            record(st, "failed");
            continue;
        }
        const LoadedPlugin& plugin = *loader.find(inst->type);
        if (auto problems = settingsProblems(*inst, plugin); !problems.empty()) {
            st.error = problems.size() == 1 ? problems.front().problem : describe(problems, inst->key());
            st.errorKey = problems.size() == 1 ? problems.front().key : inst->key();
            record(st, "failed");
        } else if (plugin.kind == DADNS_KIND_BACKEND) {
            createBackend(*inst, plugin, bridge, st);
        } else {
            createService(*inst, plugin, bridge, st);
        }
    }
}

void PluginInstances::createService(const PluginInstanceConfig& inst, const LoadedPlugin& plugin, HostBridge& bridge, InstanceStatus st) {
    try {
        services_.push_back(std::make_shared<ServiceInstance>(plugin, bridge.instanceContext(inst.name, plugin.name), inst.name, inst.json));
    } catch (const std::exception& e) {
        st.error = std::string("create failed: ") + e.what();
    }
    record(st, st.error.empty() ? "running" : "failed");
}

// One instance per target (ABI 1.1), each with its own status.
void PluginInstances::createBackend(const PluginInstanceConfig& inst, const LoadedPlugin& plugin, HostBridge& bridge, InstanceStatus st) {
    std::vector<BackendTarget> targets;
    try {
        targets = backendTargets(plugin, inst);
    } catch (const std::exception& e) {
        st.error = std::string("create failed: ") + e.what();
        return record(st, "failed");
    }
    for (const auto& target : targets) {
        InstanceStatus tst = st;
        tst.name = target.name;
        try {
            backends_.push_back(std::make_shared<BackendInstance>(plugin, bridge.instanceContext(target.name, plugin.name), target.name,
                                                                  target.configJson));
        } catch (const std::exception& e) {
            tst.error = std::string("create failed: ") + e.what();
        }
        record(tst, tst.error.empty() ? "running" : "failed");
    }
}

void PluginInstances::record(InstanceStatus st, const std::string& state) {
    st.state = state;
    auto log = logger("plugins");
    if (state == "running") log->info("{} '{}' created from plugin {}", st.kind, st.name, st.plugin);
    else if (state == "failed" && st.optional) log->error("{} '{}' failed (optional: running without it): {}", st.kind, st.name, st.error);
    else if (state == "failed") log->error("{} '{}' failed: {}", st.kind, st.name, st.error);
    std::lock_guard<std::mutex> lock(statusMutex_);
    statuses_.push_back(std::move(st));
}

std::vector<InstanceStatus> PluginInstances::failedRequired() const {
    std::vector<InstanceStatus> out;
    for (const auto& st : statuses())
        if (st.enabled && !st.optional && st.state == "failed") out.push_back(st);
    return out;
}

std::vector<InstanceStatus> PluginInstances::statuses() const {
    std::lock_guard<std::mutex> lock(statusMutex_);
    return statuses_;
}

void PluginInstances::markFailed(const std::string& name, const std::string& error) {
    std::lock_guard<std::mutex> lock(statusMutex_);
    for (auto& st : statuses_)
        if (st.name == name) {
            st.state = "failed";
            st.error = error;
        }
}

void PluginInstances::startServices() {
    for (auto& s : services_) {
        try {
            s->start();
        } catch (const std::exception& e) {
            logger("plugins")->error("'{}' failed to start: {}", s->name(), e.what());
            markFailed(s->name(), std::string("start failed: ") + e.what());
        }
    }
}

void PluginInstances::destroy(Router* router) {
    for (auto& s : services_) s->stop();
    for (auto& s : services_)
        if (router) router->removeOwner(s->name());
    services_.clear();
    for (auto& b : backends_)
        if (router) router->removeOwner(b->name());
    backends_.clear();
}

} // namespace dadns
