// The Docker source's records in its zone, and who owns a name. A node's Docker source owns the
// names it created, marked by their owner record "docker@<node_id>" (ZoneLines::owner): it
// changes and removes those only, and takes a name only when nobody holds it (no owner record
// and no record of any type there). A name registered through the API, listed in the hosts file or owned by
// another node's Docker source is left alone and reported as a conflict; it is taken once its
// holder lets it go. Registration and the hosts file leave names with an owner record alone.
#pragma once

#include "DockerHosts.hpp"
#include "HostsZone.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dadns::hosts {

struct DockerZoneChange {
    bool changed = false;
    size_t added = 0, updated = 0, removed = 0; // names
    std::vector<std::string> conflicts;         // "fqdn: held by ..."
    // fqdn -> addresses removed, addresses added (for PTRs)
    std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> addresses;
};

// "docker@<node>": the owner record of names a node's Docker source manages.
std::string dockerOwner(const std::string& nodeId);

// Makes z hold the names wanted for owner, as the rules above allow.
DockerZoneChange applyDockerHosts(ZoneLines& z, const DockerHostsWanted& wanted, const std::string& owner, uint32_t ttl);

} // namespace dadns::hosts
