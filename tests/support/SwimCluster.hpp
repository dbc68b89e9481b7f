// A cluster of dadns daemons on loopback, each with its own store, a bind backend writing zone
// files into its own directory, and the swim plugin; node 0 is every other node's seed unless
// broadcast discovery is asked for.
#pragma once

#include "support/TestSupport.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dadns::test {

struct SwimClusterOptions {
    size_t nodes = 5;
    std::string clusterKey = "test-cluster-key-0123456789";
    bool broadcast = false;           // find each other by broadcast on 127.255.255.255, no seeds
    bool sharedNodeId = false;        // every node stamps its changes with one node_id (a misconfiguration)
    std::map<size_t, std::string> extraYaml; // node -> more top-level YAML for it (e.g. an ingestion plugin)
    std::string timing = "    probe_interval: 200ms\n    probe_timeout: 80ms\n    gossip_interval: 50ms\n"
                         "    push_pull_interval: 2s\n";
};

class SwimCluster {
public:
    explicit SwimCluster(const SwimClusterOptions& options = {});

    size_t size() const { return nodes_.size(); }
    Daemon& node(size_t i) { return *nodes_.at(i); }
    std::string id(size_t i) const { return "node" + std::to_string(i + 1); }
    int swimPort(size_t i) const { return swimPorts_.at(i); }
    void startAll();
    // Adds a node (not started) with its own options, e.g. another cluster key.
    size_t add(const std::string& clusterKey);

    // Member states as node i reports them (GET /api/v1/cluster): id -> "alive", "suspect", ...
    std::map<std::string, std::string> view(size_t i);
    // True when node i sees every id in ids in state.
    bool sees(size_t i, const std::vector<std::string>& ids, const std::string& state);
    // The zone's stamp in node i's store; empty when unknown or deleted.
    std::string stamp(size_t i, const std::string& zone);
    // The zone file node i's bind backend wrote; empty when there is none.
    std::string zoneFile(size_t i, const std::string& zone);

private:
    std::string config(size_t i, const std::string& clusterKey);

    SwimClusterOptions options_;
    int discoveryPort_;
    std::vector<int> swimPorts_;
    std::vector<std::unique_ptr<Daemon>> nodes_;
};

} // namespace dadns::test
