// Reads the configuration file, applies DADNS_* environment overrides, validates.
#pragma once

#include "core/config/DaemonConfig.hpp"

#include <string>

namespace Poco::Util {
class LayeredConfiguration;
}

namespace dadns {

// Throws ConfigError naming the key and what is wrong. When layered is given, the flattened
// keys are added to it (secrets included: it is the process's own view) so Poco components
// read the same values.
DaemonConfig loadConfig(const std::string& path, Poco::Util::LayeredConfiguration* layered = nullptr);

} // namespace dadns
