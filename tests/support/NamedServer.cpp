#include "support/NamedServer.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace dadns::test {

NamedServer::NamedServer() : dir_("dadns-named"), port_(freePort()), controlPort_(freePort()) {}

NamedServer::~NamedServer() { stop(); }

void NamedServer::start() {
    auto r = runCommand({sourceDir() + "/tests/servers/named.sh", "start", dir_.path(), std::to_string(port_), std::to_string(controlPort_)});
    if (r.status != 0) throw std::runtime_error("named did not start: " + r.output);
    running_ = true;
}

void NamedServer::stop() {
    if (!running_) return;
    runCommand({sourceDir() + "/tests/servers/named.sh", "stop", dir_.path()});
    running_ = false;
}

std::vector<std::string> NamedServer::query(const std::string& name, const std::string& type) const {
    auto r = runCommand({"dig", "@127.0.0.1", "-p", std::to_string(port_), "+short", "+time=2", "+tries=1", name, type});
    std::vector<std::string> out;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != ';') out.push_back(line);
    std::sort(out.begin(), out.end());
    return out;
}

std::set<std::string> NamedServer::transfer(const std::string& zone) const {
    auto r = runCommand({"dig", "@127.0.0.1", "-p", std::to_string(port_), "+nocmd", "+nostats", "+nocomments", "+time=5", "AXFR", zone});
    std::set<std::string> out;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == ';') continue;
        std::istringstream words(line);
        std::string joined, w;
        while (words >> w) joined += (joined.empty() ? "" : " ") + w;
        out.insert(joined);
    }
    return out;
}

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
