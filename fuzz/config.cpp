// The configuration loader without its file and process side effects: YAML text -> ConfigTree
// (with DADNS_* environment overrides) -> DaemonConfig, as loadConfig() does. Properties: any
// text gives a configuration or a ConfigError (nothing else is thrown); every plugin section
// handed to a plugin is JSON the SDK's reader reads, as an object.
#include "FuzzCheck.hpp"

#include "core/config/ConfigTree.hpp"
#include "core/config/DaemonConfig.hpp"
#include "core/util/Errors.hpp"

#include <dadns/sdk/json.hpp>

using namespace dadns;

namespace {

void checkPluginJson(const std::string& what, const std::string& json) {
    sdk::Json parsed;
    try {
        parsed = sdk::Json::parse(json);
    } catch (const sdk::PermanentError& e) {
        fuzz::violated(what + ": the JSON for a plugin does not read: " + e.what() + "\n" + json);
    }
    fuzz::check(parsed.isObject(), what + ": the JSON for a plugin is an object");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(fuzz::text(data, size));
    DaemonConfig config;
    try {
        ConfigTree tree = ConfigTree::fromYamlText(text, "fuzz.yml");
        // Overrides of a key that may be in the file, of a default and of nothing known.
        tree.applyEnvironment({{"DADNS_APP_LOG_LEVEL", "debug"}, {"DADNS_HTTP_THREADS", "4"}, {"DADNS_NOT_A_KEY", "x"}},
                              DaemonConfig::knownKeys());
        for (const auto& section : {"dns.backends", "ingestion", "discovery"})
            for (const auto& name : tree.children(section)) checkPluginJson(std::string(section) + "." + name, tree.sectionJson(std::string(section) + "." + name));
        config = DaemonConfig::fromTree(tree);
    } catch (const ConfigError&) {
        return 0;
    }
    for (const auto& inst : config.backends) checkPluginJson(inst.key(), inst.json);
    for (const auto& inst : config.services) checkPluginJson(inst.key(), inst.json);
    return 0;
}
