// The dadns command: a Poco ServerApplication with --config, --check-config, --list-plugins,
// --version (and Poco's --daemon, --pidfile).
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>

namespace dadns {

class DadnsApp final : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    enum class Action { Run, CheckConfig, ListPlugins, Version, Help };
    std::string resolveConfigPath() const;
    int checkConfig(const std::string& path);
    int listPlugins(const std::string& path);

    Action action_ = Action::Run;
    std::string configPath_;
    std::string role_ = "all";
};

} // namespace dadns
