#include "support/SwimCluster.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace dadns::test {

SwimCluster::SwimCluster(const SwimClusterOptions& options) : options_(options), discoveryPort_(freePort()) {
    for (size_t i = 0; i < options_.nodes; ++i) add(options_.clusterKey);
}

size_t SwimCluster::add(const std::string& clusterKey) {
    size_t i = nodes_.size();
    swimPorts_.push_back(freePort());
    nodes_.push_back(std::make_unique<Daemon>(config(i, clusterKey)));
    return i;
}

std::string SwimCluster::config(size_t i, const std::string& clusterKey) {
    std::string swim = "discovery:\n  swim:\n    bind_address: 127.0.0.1\n    swim_port: " +
                       std::to_string(swimPorts_[i]) + "\n    discovery_port: " + std::to_string(discoveryPort_) + "\n    cluster_key: \"" +
                       clusterKey + "\"\n" + options_.timing;
    if (options_.broadcast) swim += "    broadcast: 127.255.255.255\n    broadcast_interval: 300ms\n";
    else swim += "    seeds: [\"127.0.0.1:" + std::to_string(swimPorts_[0]) + "\"]\n";
    std::string stampIdentity = "node_id: " + (options_.sharedNodeId ? std::string("shared") : id(i)) + "\n";
    auto extra = options_.extraYaml.find(i);
    return baseConfig(stampIdentity + "dns:\n  backends:\n    bind:\n      zones_dir: {dir}/zones\n      checkzone: false\n" + swim +
                      (extra == options_.extraYaml.end() ? "" : extra->second));
}

void SwimCluster::startAll() {
    for (auto& n : nodes_) n->start();
}

std::map<std::string, std::string> SwimCluster::view(size_t i) {
    std::map<std::string, std::string> out;
    auto r = node(i).get("/api/v1/cluster");
    if (r.status != 200) return out;
    auto root = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
    auto nodes = root->getObject("cluster")->getArray("nodes");
    for (size_t k = 0; k < nodes->size(); ++k) {
        auto m = nodes->getObject(static_cast<unsigned>(k));
        out[m->getValue<std::string>("node_id")] = m->getValue<std::string>("state");
    }
    return out;
}

bool SwimCluster::sees(size_t i, const std::vector<std::string>& ids, const std::string& state) {
    auto v = view(i);
    for (const auto& id : ids)
        if (v[id] != state) return false;
    return true;
}

std::string SwimCluster::stamp(size_t i, const std::string& zone) {
    auto r = node(i).get("/api/v1/zones/" + zone);
    if (r.status != 200) return "";
    auto o = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
    if (o->optValue<bool>("deleted", false)) return "";
    return o->getValue<std::string>("stamp");
}

std::string SwimCluster::zoneFile(size_t i, const std::string& zone) {
    std::string path = node(i).dir() + "/zones/" + zone + ".db";
    return fileExists(path) ? readFile(path) : "";
}

} // namespace dadns::test
