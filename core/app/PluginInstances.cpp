#include "core/app/PluginInstances.hpp"

#include "core/log/Logging.hpp"

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

void PluginInstances::create(const DaemonConfig& config, const PluginLoader& loader, HostBridge& bridge) {
    auto log = logger("plugins");
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
        if (!inst->enabled) {
            st.state = "disabled";
            std::lock_guard<std::mutex> lock(statusMutex_);
            statuses_.push_back(st);
            continue;
        }
        st.error = instanceProblem(*inst, loader);
        if (st.error.empty()) {
            const LoadedPlugin& plugin = *loader.find(inst->type);
            try {
                void* ctx = bridge.instanceContext(inst->name, plugin.name);
                if (plugin.kind == DADNS_KIND_BACKEND)
                    backends_.push_back(std::make_shared<BackendInstance>(plugin, ctx, inst->name, inst->json));
                else
                    services_.push_back(std::make_shared<ServiceInstance>(plugin, ctx, inst->name, inst->json));
            } catch (const std::exception& e) {
                st.error = std::string("create failed: ") + e.what();
            }
        }
        st.state = st.error.empty() ? "running" : "failed";
        if (st.error.empty()) log->info("{} '{}' created from plugin {}", st.kind, inst->name, inst->type);
        else log->error("{} '{}' failed: {}", st.kind, inst->name, st.error);
        std::lock_guard<std::mutex> lock(statusMutex_);
        statuses_.push_back(st);
    }
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
