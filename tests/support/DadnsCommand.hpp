// The dadns command run by tests with a configuration file: the placeholders of baseConfig
// filled in, the test plugins loaded instead of the real ones, a start that must be refused.
#pragma once

#include "support/TestSupport.hpp"

#include <map>
#include <string>
#include <vector>

namespace dadns::test {

// cfg with {dir}, {port}, {plugins} and {test_plugins} substituted.
std::string withPlaceholders(std::string cfg, const TempDir& dir, int port);

// baseConfig(extra) loading the test plugins instead of the real ones, placeholders kept
// (for Daemon, which fills them).
std::string testPluginConfigWithPlaceholders(const std::string& extra);

// baseConfig(extra) loading the test plugins, placeholders filled for dir and a free port.
std::string testPluginsConfig(const TempDir& dir, const std::string& extra);

CommandResult runDadns(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

// Starts dadns with the config; it must refuse to start. A daemon that starts after all is
// killed after 30 s (exit 124).
CommandResult startRefused(const std::string& file, const std::map<std::string, std::string>& env = {});

} // namespace dadns::test
