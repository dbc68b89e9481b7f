#include "support/DockerServer.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <stdexcept>

namespace dadns::test {
namespace {

bool isId(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

// The line of output that is a 64-digit id (the client also prints the engine's warnings).
std::string idIn(const std::string& output) {
    std::istringstream lines(output);
    std::string id;
    for (std::string line; std::getline(lines, line);)
        if (isId(line)) id = line;
    if (id.empty()) throw std::runtime_error("no id in the docker client's output: " + output);
    return id;
}

} // namespace

DockerServer::DockerServer() : dir_("dadns-docker") {}

DockerServer::~DockerServer() {
    try {
        stop();
    } catch (...) {
        // a destructor: what is left is the script's to sweep next time
    }
}

void DockerServer::script(const std::string& command) {
    auto r = runCommand({sourceDir() + "/tests/servers/docker.sh", command, dir_.path()});
    if (r.status != 0) throw std::runtime_error("docker.sh " + command + " failed: " + r.output);
}

void DockerServer::start() {
    script("start");
    state_ = State::Running;
}

void DockerServer::stop() {
    if (state_ == State::Stopped) return;
    state_ = State::Stopped;
    script("stop");
}

void DockerServer::kill9() {
    if (state_ != State::Running) return;
    script("kill");
    state_ = State::Killed;
}

void DockerServer::restart() {
    script("restart");
    state_ = State::Running;
}

std::string DockerServer::log() const { return readFile(dir_.file("dockerd.log")); }

std::string DockerServer::cli(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{"/usr/bin/docker", "--config", dir_.file("cli"), "-H", endpoint()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = runCommand(argv);
    if (r.status != 0) {
        std::string line;
        for (const auto& a : args) line += " " + a;
        throw std::runtime_error("docker" + line + " failed: " + r.output);
    }
    return r.output;
}

std::string DockerServer::run(const std::string& name, const std::map<std::string, std::string>& labels, const std::string& network) {
    std::vector<std::string> args{"run", "-d", "--init", "--name", name};
    for (const auto& [key, value] : labels) {
        args.push_back("--label");
        args.push_back(key + "=" + value);
    }
    if (!network.empty()) {
        args.push_back("--network");
        args.push_back(network);
    }
    args.insert(args.end(), {kImage, "/bin/busybox", "sleep", "3600"});
    return idIn(cli(args));
}

void DockerServer::stop(const std::string& container) { cli({"stop", container}); }

void DockerServer::kill(const std::string& container) { cli({"kill", container}); }

void DockerServer::remove(const std::string& container) { cli({"rm", "-f", container}); }

std::string DockerServer::createNetwork(const std::string& name, const std::string& subnet) {
    std::string id = idIn(cli({"network", "create", "--driver", "bridge", "--subnet", subnet, name}));
    // docker.sh deletes the bridges of recorded networks if dockerd cannot.
    std::string recorded = fileExists(dir_.file("networks")) ? readFile(dir_.file("networks")) : "";
    writeFile(dir_.file("networks"), recorded + id + "\n");
    return id;
}

std::string DockerServer::address(const std::string& container, const std::string& network) const {
    std::string out = cli({"inspect", "-f", "{{json .NetworkSettings.Networks}}", container});
    auto networks = Poco::JSON::Parser().parse(out.substr(0, out.find('\n'))).extract<Poco::JSON::Object::Ptr>();
    if (!networks || !networks->has(network)) return "";
    return networks->getObject(network)->optValue<std::string>("IPAddress", "");
}

std::string DockerServer::status(const std::string& container) const {
    auto r = runCommand({"/usr/bin/docker", "--config", dir_.file("cli"), "-H", endpoint(), "inspect", "-f", "{{.State.Status}}", container});
    if (r.status != 0) return "";
    return r.output.substr(0, r.output.find('\n'));
}

} // namespace dadns::test
