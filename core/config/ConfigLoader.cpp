#include "core/config/ConfigLoader.hpp"

#include "core/config/ConfigKeys.hpp"
#include "core/log/Logging.hpp"
#include "core/util/Errors.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Util/LayeredConfiguration.h>
#include <Poco/Util/MapConfiguration.h>

#include <cstdlib>
#include <ctime>

namespace dadns {
namespace {

std::string describe(const std::string& key, const std::string& problem) { return key.empty() ? problem : key + ": " + problem; }

// Where a key's value came from: its line in the file or its environment variable.
std::string origin(const ConfigTree& tree, const std::string& key) {
    if (key.empty()) return "";
    auto it = tree.values().lower_bound(key);
    if (it == tree.values().end() || it->first.compare(0, key.size(), key) != 0) return "";
    if (it->first.size() > key.size() && it->first[key.size()] != '.' && it->first[key.size()] != '[') return "";
    if (!it->second.envVar.empty()) return " (from " + it->second.envVar + ")";
    if (it->second.line > 0) return " (line " + std::to_string(it->second.line) + ")";
    return "";
}

ConfigFileError located(const std::string& file, const ConfigTree& tree, const ConfigError& e) {
    std::string what = e.what();
    std::string problem = !e.key.empty() && what.rfind(e.key + ": ", 0) == 0 ? what.substr(e.key.size() + 2) : what;
    return ConfigFileError(file, e.key, problem + origin(tree, e.key));
}

} // namespace

ConfigFileError::ConfigFileError(const std::string& file, const std::string& key, const std::string& problem)
    : std::runtime_error(file + ": " + describe(key, problem)), file(file), key(key), problem(problem) {}

DaemonConfig configFromTree(ConfigTree& tree, const std::map<std::string, std::string>& env) {
    auto unmatched = tree.applyEnvironment(env, DaemonConfig::knownKeys(), environmentSections(tree));
    if (!unmatched.empty()) {
        std::vector<std::string> names;
        for (const auto& key : DaemonConfig::knownKeys()) names.push_back(ConfigTree::environmentName(key));
        for (const auto& [key, value] : tree.values()) names.push_back(ConfigTree::environmentName(key));
        std::string near = nearestName(unmatched.front(), names);
        throw ConfigError(unmatched.front(), "names no configuration key" + (near.empty() ? std::string() : " (did you mean " + near + "?)"));
    }
    return DaemonConfig::fromTree(tree);
}

DaemonConfig loadConfig(const std::string& path, Poco::Util::LayeredConfiguration* layered) {
    ConfigTree tree;
    DaemonConfig config;
    try {
        tree = ConfigTree::fromYamlFile(path);
        config = configFromTree(tree, ConfigTree::processEnvironment());
    } catch (const ConfigError& e) {
        throw located(path, tree, e);
    }
    if (!config.timezone.empty()) {
        // Log timestamps in the operator's zone, as the DaDNS seed's `timezone` does.
        setenv("TZ", config.timezone.c_str(), 1);
        tzset();
    }
    setupLogging(config.logLevel, config.logFormat);
    if (layered) {
        Poco::AutoPtr<Poco::Util::MapConfiguration> map(new Poco::Util::MapConfiguration);
        for (const auto& [key, value] : tree.values()) map->setString(key, value.text);
        layered->add(map, "dadns", 0, false);
    }
    return config;
}

} // namespace dadns
