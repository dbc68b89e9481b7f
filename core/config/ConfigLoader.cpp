#include "core/config/ConfigLoader.hpp"

#include "core/log/Logging.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Util/LayeredConfiguration.h>
#include <Poco/Util/MapConfiguration.h>

#include <cstdlib>
#include <ctime>

namespace dadns {

DaemonConfig loadConfig(const std::string& path, Poco::Util::LayeredConfiguration* layered) {
    ConfigTree tree = ConfigTree::fromYamlFile(path);
    auto unmatched = tree.applyEnvironment(ConfigTree::processEnvironment(), DaemonConfig::knownKeys());
    DaemonConfig config = DaemonConfig::fromTree(tree);
    if (!config.timezone.empty()) {
        // Log timestamps in the operator's zone, as the DaDNS seed's `timezone` does.
        setenv("TZ", config.timezone.c_str(), 1);
        tzset();
    }
    setupLogging(config.logLevel, config.logFormat);
    for (const auto& name : unmatched) logger("config")->warn("environment variable {} matches no configuration key; ignored", name);
    if (layered) {
        Poco::AutoPtr<Poco::Util::MapConfiguration> map(new Poco::Util::MapConfiguration);
        for (const auto& [key, value] : tree.values()) map->setString(key, value.text);
        layered->add(map, "dadns", 0, false);
    }
    return config;
}

} // namespace dadns
