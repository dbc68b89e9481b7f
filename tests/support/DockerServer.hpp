// A real Docker Engine (tests/servers/docker.sh): dockerd on a private socket, data root and
// exec root in a temp directory, touching no firewall rule and no system socket; several run
// side by side. Containers are driven through the docker command-line client
// (/usr/bin/docker), never through dadns's own client, which is what the tests check.
#pragma once

#include "support/TestSupport.hpp"

#include <map>
#include <string>
#include <vector>

namespace dadns::test {

class DockerServer {
public:
    static constexpr const char* kImage = "dadns-probe:1"; // busybox-static, imported by start()

    DockerServer();
    ~DockerServer(); // stop()
    DockerServer(const DockerServer&) = delete;
    DockerServer& operator=(const DockerServer&) = delete;

    // Starts dockerd, waits until /_ping answers and imports kImage (once: the data root keeps it).
    void start();
    // Removes every container and network, stops dockerd; no container process, mount or
    // bridge of it is left (after kill9() too).
    void stop();
    // SIGKILL to dockerd; its containerd dies with it, the socket file stays with nothing
    // behind it, and the containers' processes live on until restart().
    void kill9();
    // dockerd again on the same data root (stopped first when it runs): containers that were
    // running come back stopped, removed ones stay gone, networks and the image stay.
    void restart();
    bool running() const { return state_ == State::Running; }

    std::string socketPath() const { return dir_.file("docker.sock"); }
    std::string endpoint() const { return "unix://" + socketPath(); } // DOCKER_HOST style
    const std::string& dir() const { return dir_.path(); }
    std::string log() const;

    // docker ARGS against this engine; its output (stdout and stderr). Throws with the output
    // when it fails.
    std::string cli(const std::vector<std::string>& args) const;

    // docker run -d --init --name NAME --label K=V... [--network NETWORK] kImage sleep 3600;
    // the container id.
    std::string run(const std::string& name, const std::map<std::string, std::string>& labels, const std::string& network = "");
    void stop(const std::string& container);   // docker stop (quick: --init passes SIGTERM on)
    void kill(const std::string& container);   // docker kill
    void remove(const std::string& container); // docker rm -f
    // A bridge network with the subnet given (e.g. "10.213.77.0/24"); its id. stop() removes it.
    std::string createNetwork(const std::string& name, const std::string& subnet);
    // The container's IPv4 address on network, "" when it has none.
    std::string address(const std::string& container, const std::string& network) const;
    // docker inspect's State.Status: "running", "exited", ...; "" for no such container.
    std::string status(const std::string& container) const;

private:
    enum class State { Stopped, Running, Killed };
    void script(const std::string& command);

    TempDir dir_;
    State state_ = State::Stopped;
};

} // namespace dadns::test
