#include "core/app/ConfigCheck.hpp"

#include "core/plugin/PluginInstances.hpp"
#include "core/plugin/HostBridge.hpp"

namespace dadns {

std::unique_ptr<PluginLoader> makeOfflineLoader() {
    static HostBridge bridge{HostServices{}};
    return std::make_unique<PluginLoader>([](const std::string& path) { return bridge.pluginTable(path); });
}

std::vector<InstanceProblem> configPluginProblems(const DaemonConfig& config, const PluginLoader& loader) {
    std::vector<InstanceProblem> problems;
    std::vector<const PluginInstanceConfig*> all;
    for (const auto& b : config.backends) all.push_back(&b);
    for (const auto& s : config.services) all.push_back(&s);
    for (const auto* inst : all) {
        if (!inst->enabled) continue;
        std::string problem = instanceProblem(*inst, loader);
        if (!problem.empty()) {
            problems.push_back({inst->key() + ".type", problem, inst->optional});
            continue;
        }
        for (auto& p : settingsProblems(*inst, *loader.find(inst->type))) problems.push_back({p.key, p.problem, inst->optional});
    }
    return problems;
}

} // namespace dadns
