// What --check-config and --list-plugins need beyond parsing: plugins loaded without a
// running daemon, and every configured instance checked against them.
#pragma once

#include "core/config/DaemonConfig.hpp"
#include "core/plugin/PluginLoader.hpp"

#include <memory>
#include <string>
#include <vector>

namespace dadns {

// A loader whose plugins get a host table with no store or server behind it.
std::unique_ptr<PluginLoader> makeOfflineLoader();

struct InstanceProblem {
    std::string key;     // "dns.backends.x.type"
    std::string problem; // "plugin 'x' not found"
    bool optional = false;
};

// One per enabled instance whose plugin is missing, refused or of the wrong kind, and one per
// problem the plugin finds in an instance's settings.
std::vector<InstanceProblem> configPluginProblems(const DaemonConfig& config, const PluginLoader& loader);

} // namespace dadns
