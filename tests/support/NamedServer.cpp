#include "support/NamedServer.hpp"

#include "support/Dig.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>

namespace dadns::test {

NamedServer::NamedServer() : dir_("dadns-named"), port_(freePort()), controlPort_(freePort()) {}

NamedServer::~NamedServer() { stop(); }

void NamedServer::start() {
    std::vector<std::string> args{sourceDir() + "/tests/servers/named.sh", "start", dir_.path(), std::to_string(port_), std::to_string(controlPort_)};
    if (!options_.empty() || !extraConfig_.empty()) args.push_back(options_); // empty: the default
    if (!extraConfig_.empty()) args.push_back(extraConfig_);
    std::map<std::string, std::string> env;
    if (startWaitSeconds_ > 0) env["NAMED_START_WAIT_SECONDS"] = std::to_string(startWaitSeconds_);
    auto r = runCommand(args, env);
    if (r.status != 0) throw std::runtime_error("named did not start: " + r.output);
    running_ = true;
}

void NamedServer::stop() {
    if (!running_) return;
    runCommand({sourceDir() + "/tests/servers/named.sh", "stop", dir_.path()});
    running_ = false;
}

int NamedServer::pid() const {
    if (!running_ || !fileExists(dir_.file("named.pid"))) return -1;
    try {
        return std::stoi(readFile(dir_.file("named.pid")));
    } catch (const std::exception&) {
        return -1;
    }
}

std::vector<std::string> NamedServer::query(const std::string& name, const std::string& type) const { return digShort(port_, name, type); }

std::set<std::string> NamedServer::transfer(const std::string& zone) const { return digTransfer(port_, zone); }

bool NamedServer::authoritative(const std::string& zone) const {
    auto r = runCommand({"dig", "@127.0.0.1", "-p", std::to_string(port_), "+time=2", "+tries=1", zone, "SOA"});
    auto flags = r.output.find("flags:");
    return r.output.find("status: NOERROR") != std::string::npos && flags != std::string::npos &&
           r.output.substr(flags, r.output.find(';', flags) - flags).find(" aa") != std::string::npos;
}

int NamedServer::zoneCount() const {
    auto r = runShell(rndcCommand() + " status");
    auto pos = r.output.find("number of zones: ");
    if (pos == std::string::npos) return -1;
    return std::stoi(r.output.substr(pos + 17));
}

} // namespace dadns::test
