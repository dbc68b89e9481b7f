#include "core/app/DadnsApp.hpp"

#include "core/util/BuildInfo.hpp"
#include "core/app/Daemon.hpp"
#include "core/app/ConfigCheck.hpp"
#include "core/app/SystemdNotify.hpp"
#include "core/config/ConfigLoader.hpp"
#include "core/log/Logging.hpp"
#include "core/util/Errors.hpp"

#include <Poco/File.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <iostream>

namespace dadns {

void DadnsApp::defineOptions(Poco::Util::OptionSet& options) {
    ServerApplication::defineOptions(options);
    options.addOption(Poco::Util::Option("config", "c", "configuration file (default: etc/dadns.yml, then " DADNS_SYSTEM_CONFIG ")")
                          .required(false).repeatable(false).argument("FILE"));
    options.addOption(Poco::Util::Option("role", "", "ingest (API and ingestion only), dispatch (backends only) or all (default); "
                                                      "split roles share a PostgreSQL store")
                          .required(false).repeatable(false).argument("ROLE"));
    options.addOption(Poco::Util::Option("check-config", "", "validate the configuration and the plugins it names, then exit"));
    options.addOption(Poco::Util::Option("list-plugins", "", "list the plugins found and why any was refused, then exit"));
    options.addOption(Poco::Util::Option("version", "v", "print the version and exit"));
    options.addOption(Poco::Util::Option("help", "h", "print this help and exit"));
}

void DadnsApp::handleOption(const std::string& name, const std::string& value) {
    ServerApplication::handleOption(name, value);
    if (name == "config") configPath_ = value;
    else if (name == "role") role_ = value;
    else if (name == "check-config") action_ = Action::CheckConfig;
    else if (name == "list-plugins") action_ = Action::ListPlugins;
    else if (name == "version") action_ = Action::Version;
    else if (name == "help") {
        action_ = Action::Help;
        stopOptionsProcessing();
    }
}

std::string DadnsApp::resolveConfigPath() const {
    if (!configPath_.empty()) return configPath_;
    for (const char* candidate : {"etc/dadns.yml", DADNS_SYSTEM_CONFIG})
        if (Poco::File(candidate).exists()) return candidate;
    return "etc/dadns.yml";
}

int DadnsApp::checkConfig(const std::string& path) {
    try {
        // The start loads the same way (loadConfig, loadConfiguredPlugins) and refuses the
        // same instances (Daemon::start); only the plugins' host table differs.
        DaemonConfig config = loadConfig(path);
        auto loader = makeOfflineLoader();
        loadConfiguredPlugins(config, *loader);
        int errors = 0; // a refused plugin matters only when an instance names it, which says so below
        for (const auto& p : configPluginProblems(config, *loader)) {
            if (p.optional) {
                std::cout << path << ": " << p.key << ": " << p.problem << " (optional: dadns runs without it)\n";
            } else {
                std::cerr << path << ": " << p.key << ": " << p.problem << "\n";
                ++errors;
            }
        }
        if (errors > 0) return 1;
        std::cout << path << ": ok (" << config.backends.size() << " backend(s), " << config.services.size()
                  << " ingestion/discovery instance(s))\n";
        return 0;
    } catch (const ConfigFileError& e) {
        std::cerr << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << path << ": " << e.what() << "\n";
        return 1;
    }
}

int DadnsApp::listPlugins(const std::string& path) {
    try {
        DaemonConfig config = loadConfig(path);
        auto loader = makeOfflineLoader();
        loadConfiguredPlugins(config, *loader);
        for (const auto& r : loader->reports()) {
            if (r.loaded) std::cout << "loaded   " << r.name << " " << r.version << " (" << r.kind << ") " << r.path << "\n";
            else std::cout << "refused  " << (r.name.empty() ? "" : r.name + " ") << r.path << ": " << r.reason << "\n";
        }
        return 0;
    } catch (const ConfigFileError& e) {
        std::cerr << "dadns: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "dadns: " << path << ": " << e.what() << "\n";
        return 1;
    }
}

int DadnsApp::main(const std::vector<std::string>&) {
    switch (action_) {
    case Action::Help: {
        Poco::Util::HelpFormatter help(options());
        help.setCommand(commandName());
        help.setUsage("[--config=FILE] [--role=ingest|dispatch|all] [--check-config | --list-plugins | --version]");
        help.setHeader("dadns: keeps every DNS backend holding the desired state of every zone.");
        help.format(std::cout);
        return EXIT_OK;
    }
    case Action::Version: std::cout << versionString() << "\n"; return EXIT_OK;
    case Action::CheckConfig:
    case Action::ListPlugins:
        // These commands print what they find, once; the loader's log lines would repeat it.
        setupLogging("off", "text");
        return action_ == Action::CheckConfig ? checkConfig(resolveConfigPath()) : listPlugins(resolveConfigPath());
    case Action::Run: break;
    }
    std::string path = resolveConfigPath();
    try {
        DaemonConfig config = loadConfig(path, &this->config());
        if (role_ != "all" && role_ != "ingest" && role_ != "dispatch") throw std::runtime_error("--role must be ingest, dispatch or all, got '" + role_ + "'");
        if (role_ != "all" && config.storeEngine != "postgresql")
            throw std::runtime_error("--role " + role_ + " needs a store other instances share (store.type: postgresql)");
        config.role = role_;
        Daemon daemon(std::move(config));
        daemon.start();
        // The API listens: a Type=notify unit counts the daemon as started from here, and the
        // watchdog pings (when WatchdogSec= asks for them) run until the stop begins.
        systemdNotify("READY=1\nSTATUS=listening on port " + std::to_string(daemon.port()));
        SystemdWatchdog watchdog(systemdWatchdogInterval());
        waitForTerminationRequest();
        systemdNotify("STOPPING=1");
        watchdog.stop();
        daemon.stop();
        return EXIT_OK;
    } catch (const std::exception& e) {
        std::cerr << "dadns: cannot start: " << e.what() << "\n";
        dadns::logger("app")->flush();
        return 1;
    }
}

} // namespace dadns
