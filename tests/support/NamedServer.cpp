#include "support/NamedServer.hpp"

#include "support/Dig.hpp"

#include <algorithm>
#include <random>
#include <map>
#include <sstream>
#include <stdexcept>

namespace dadns::test {

TsigKey TsigKey::random(const std::string& name) {
    std::random_device device;
    std::string bytes;
    for (int i = 0; i < 32; ++i) bytes.push_back(static_cast<char>(device() & 0xff));
    TsigKey key;
    key.name = name;
    key.secret = base64(bytes);
    return key;
}

std::string TsigKey::statement() const {
    return "key \"" + name + "\" { algorithm " + algorithm + "; secret \"" + secret + "\"; };";
}

std::string TsigKey::digArgument() const { return algorithm + ":" + name + ":" + secret; }

NamedServer::NamedServer() : dir_("dadns-named"), port_(freePort()), controlPort_(freePort()) {}

NamedServer::~NamedServer() { stop(); }

void NamedServer::start() {
    std::string config;
    for (const auto& key : keys_) config += key.statement() + "\n";
    config += extraConfig_;
    std::vector<std::string> args{sourceDir() + "/tests/servers/named.sh", "start", dir_.path(), std::to_string(port_), std::to_string(controlPort_)};
    if (!options_.empty() || !config.empty()) args.push_back(options_); // empty: the default
    if (!config.empty()) args.push_back(config);
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

std::string NamedServer::log() const {
    try {
        return readFile(logFile());
    } catch (...) {
        return "";
    }
}

CommandResult NamedServer::rndc(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{"rndc", "-c", rndcConf()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv);
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

std::set<std::string> NamedServer::transfer(const std::string& zone, const TsigKey& key) const {
    return digTransfer(port_, zone, key.digArgument());
}

NamedServer::Reply NamedServer::reply(const std::string& name, const std::string& type) const {
    auto r = runCommand({"dig", "@127.0.0.1", "-p", std::to_string(port_), "+time=2", "+tries=1", name, type});
    Reply out;
    auto status = r.output.find("status: ");
    out.status = status == std::string::npos ? "(no answer)" : r.output.substr(status + 8, r.output.find(',', status) - status - 8);
    auto flags = r.output.find("flags:");
    out.authoritative = flags != std::string::npos && r.output.substr(flags, r.output.find(';', flags) - flags).find(" aa") != std::string::npos;
    return out;
}

bool NamedServer::authoritative(const std::string& zone) const {
    auto r = reply(zone, "SOA");
    return r.status == "NOERROR" && r.authoritative;
}

int NamedServer::zoneCount() const {
    auto r = runShell(rndcCommand() + " status");
    auto pos = r.output.find("number of zones: ");
    if (pos == std::string::npos) return -1;
    return std::stoi(r.output.substr(pos + 17));
}

} // namespace dadns::test
