// Reads the configuration file, applies DADNS_* environment overrides, validates: the one way
// the configuration is loaded, for the start, --check-config and --list-plugins alike.
#pragma once

#include "core/config/DaemonConfig.hpp"

#include <stdexcept>
#include <string>

namespace Poco::Util {
class LayeredConfiguration;
}

namespace dadns {

// What is wrong with a configuration and where: what() is "<file>: <key>: <problem>", the
// problem ending with the line, or the environment variable, the value came from.
struct ConfigFileError : std::runtime_error {
    ConfigFileError(const std::string& file, const std::string& key, const std::string& problem);
    std::string file;
    std::string key; // "" when the problem is the file's (unreadable, not YAML)
    std::string problem;
};

// Throws ConfigFileError. When layered is given, the flattened keys are added to it (secrets
// included: it is the process's own view) so Poco components read the same values.
DaemonConfig loadConfig(const std::string& path, Poco::Util::LayeredConfiguration* layered = nullptr);

// As loadConfig, from a tree already read and an environment given (no logging set up).
DaemonConfig configFromTree(ConfigTree& tree, const std::map<std::string, std::string>& env);

} // namespace dadns
