#include "support/DadnsCommand.hpp"

namespace dadns::test {

std::string withPlaceholders(std::string cfg, const TempDir& dir, int port) {
    auto replace = [&](const std::string& from, const std::string& to) {
        for (size_t p = cfg.find(from); p != std::string::npos; p = cfg.find(from, p + to.size())) cfg.replace(p, from.size(), to);
    };
    replace("{dir}", dir.path());
    replace("{port}", std::to_string(port));
    replace("{plugins}", pluginDir());
    replace("{test_plugins}", testPluginDir());
    return cfg;
}

std::string testPluginConfigWithPlaceholders(const std::string& extra) {
    std::string cfg = baseConfig(extra);
    cfg.replace(cfg.find("{plugins}"), 9, "{test_plugins}");
    return cfg;
}

std::string testPluginsConfig(const TempDir& dir, const std::string& extra) {
    std::string cfg = withPlaceholders(baseConfig(extra), dir, freePort());
    cfg.replace(cfg.find(pluginDir()), pluginDir().size(), testPluginDir());
    return cfg;
}

CommandResult runDadns(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    std::vector<std::string> argv{daemonPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, env);
}

CommandResult startRefused(const std::string& file, const std::map<std::string, std::string>& env) {
    return runCommand({"timeout", "30", daemonPath(), "--config=" + file}, env);
}

} // namespace dadns::test
