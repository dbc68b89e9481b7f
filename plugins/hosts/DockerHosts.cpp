#include "DockerHosts.hpp"

#include "HostsZone.hpp"

#include <algorithm>

namespace dadns::hosts {
namespace {

// The container's host name: the value of the first configured label it carries.
std::string labelledName(const Container& c, const std::vector<std::string>& labels) {
    for (const auto& key : labels)
        if (auto it = c.labels.find(key); it != c.labels.end() && !it->second.empty()) return it->second;
    return "";
}

// The container's addresses, as the options choose them; empty with why when it has none.
std::vector<std::string> addressesOf(const Container& c, const DockerHostsOptions& o, std::string& why) {
    std::vector<std::string> raw;
    if (!o.hostAddress.empty()) {
        raw.push_back(o.hostAddress);
    } else if (!o.network.empty()) {
        auto it = c.networks.find(o.network);
        if (it == c.networks.end()) why = "not on network " + o.network;
        else raw = {it->second.first, it->second.second};
    } else {
        for (const auto& [name, addresses] : c.networks) { // std::map: by name
            if (addresses.first.empty() && addresses.second.empty()) continue;
            raw = {addresses.first, addresses.second};
            break;
        }
        if (raw.empty()) why = "no address on any network (--network none?)";
    }
    std::vector<std::string> out;
    for (const auto& a : raw) {
        std::string canonical;
        if (!a.empty() && !addressType(a, canonical).empty()) out.push_back(canonical);
    }
    if (out.empty() && why.empty()) why = "no usable address";
    return out;
}

// The name a label gives in zone, by the hosts file's rule: one label ("web1"), or a dotted
// name inside the zone; never a dotted name outside it, one starting with '_' (the owner
// records' names), or one whose owner record would be longer than a name can be.
std::optional<std::string> nameOf(const std::string& label, const std::string& zone, std::string& why) {
    std::string bare = label;
    if (!bare.empty() && bare.back() == '.') bare.pop_back();
    std::string suffix = "." + zone;
    bool inside = bare.size() > suffix.size() && bare.compare(bare.size() - suffix.size(), std::string::npos, suffix) == 0;
    if (bare.find('.') != std::string::npos && !inside) {
        why = "outside " + zone;
        return std::nullopt;
    }
    if (!bare.empty() && bare.front() == '_') {
        why = "names starting with '_' are not host names";
        return std::nullopt;
    }
    auto fqdn = hostFqdn(bare, zone, why);
    if (fqdn && fqdn->size() + std::string("_dadns-owner.").size() > 254) {
        why = "too long: its owner record's name would exceed 253 characters";
        return std::nullopt;
    }
    return fqdn;
}

void addSorted(std::vector<std::string>& into, const std::vector<std::string>& more) {
    into.insert(into.end(), more.begin(), more.end());
    std::sort(into.begin(), into.end());
    into.erase(std::unique(into.begin(), into.end()), into.end());
}

} // namespace

DockerHostsWanted dockerHosts(const std::vector<Container>& running, const DockerHostsOptions& options) {
    DockerHostsWanted out;
    for (const auto& c : running) {
        if (!c.running) continue;
        std::string label = labelledName(c, options.labels);
        if (label.empty()) continue;
        std::string why;
        auto fqdn = nameOf(label, options.zone, why);
        if (!fqdn) {
            out.skipped.push_back("container " + c.name + ": label '" + label + "': " + why);
            continue;
        }
        auto addresses = addressesOf(c, options, why);
        if (addresses.empty()) {
            out.skipped.push_back("container " + c.name + ": " + why);
            continue;
        }
        DockerHost& host = out.hosts[*fqdn];
        addSorted(host.addresses, addresses);
        addSorted(host.containers, {c.name});
    }
    return out;
}

} // namespace dadns::hosts
