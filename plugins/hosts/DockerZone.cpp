#include "DockerZone.hpp"

#include <algorithm>

namespace dadns::hosts {
namespace {

std::vector<std::string> without(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::vector<std::string> out;
    for (const auto& x : a)
        if (std::find(b.begin(), b.end(), x) == b.end()) out.push_back(x);
    return out;
}

} // namespace

std::string dockerOwner(const std::string& nodeId) { return "docker@" + nodeId; }

DockerZoneChange applyDockerHosts(ZoneLines& z, const DockerHostsWanted& wanted, const std::string& owner, uint32_t ttl) {
    DockerZoneChange out;
    auto hosts = z.hosts();
    for (const auto& fqdn : z.namesOwnedBy(owner)) {
        if (wanted.hosts.count(fqdn)) continue;
        out.addresses[fqdn].first = z.removeAddresses(fqdn);
        z.removeOwner(fqdn);
        ++out.removed;
        out.changed = true;
    }
    for (const auto& [fqdn, host] : wanted.hosts) {
        auto holder = z.owner(fqdn);
        bool free = !holder && !z.hasAny(fqdn); // glue, MX, TXT, a delegation: all someone's
        if (holder != owner && !free) {
            out.conflicts.push_back(fqdn + ": held by " + (holder ? *holder : std::string("host registration, the hosts file or the zone's own records")) +
                                    " (wanted by " + std::to_string(host.containers.size()) + " container(s))");
            continue;
        }
        std::vector<std::string> v4, v6;
        for (const auto& a : host.addresses) (a.find(':') == std::string::npos ? v4 : v6).push_back(a);
        bool changed = z.setAddresses(fqdn, "A", v4, ttl);
        changed |= z.setAddresses(fqdn, "AAAA", v6, ttl);
        changed |= z.setOwner(fqdn, owner, ttl);
        if (!changed) continue;
        auto had = hosts.count(fqdn) ? hosts[fqdn].ips : std::vector<std::string>{};
        out.addresses[fqdn] = {without(had, host.addresses), without(host.addresses, had)};
        ++(free ? out.added : out.updated);
        out.changed = true;
    }
    return out;
}

} // namespace dadns::hosts
