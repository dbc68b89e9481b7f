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

// "dns.backends.x.type: plugin 'x' not found", one per enabled instance that cannot be created.
std::vector<std::string> configPluginProblems(const DaemonConfig& config, const PluginLoader& loader);

} // namespace dadns
