// What the Docker source wants in the zone, from the containers running: each container whose
// host-name label (the first of the configured label keys it carries) is a usable host name
// gives <label value>.<zone> its address. Pure: the source's rules in one place.
//
// - The address is host_address when configured (every container is reached through this
//   host, as Joyride does), else the container's address on the configured network, else on
//   the first network (by name) where it has one. IPv4 and IPv6 both count.
// - Containers sharing a name all give it their addresses (round robin, as replicas of one
//   service expect); the name lists them.
// - A label is one label ("web1") or a name inside the zone ("web1.hosts.example.com"), as in
//   the hosts file; a dotted name outside the zone is skipped.
// - A container without a usable name or address is skipped, with the reason.
#pragma once

#include "DockerEngine.hpp"

#include <map>
#include <string>
#include <vector>

namespace dadns::hosts {

struct DockerHostsOptions {
    std::vector<std::string> labels; // label keys, in order of preference
    std::string zone;                // without the trailing dot
    std::string network;             // "" = the first network with an address
    std::string hostAddress;         // "" = the container's own address
};

struct DockerHost {
    std::vector<std::string> addresses;  // canonical, sorted, no duplicates
    std::vector<std::string> containers; // container names giving them, sorted
};

struct DockerHostsWanted {
    std::map<std::string, DockerHost> hosts; // absolute fqdn (trailing dot) -> what it gets
    std::vector<std::string> skipped;        // "container NAME: why"
};

DockerHostsWanted dockerHosts(const std::vector<Container>& running, const DockerHostsOptions& options);

} // namespace dadns::hosts
