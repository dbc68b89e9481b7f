// Containers as a source, end to end: the hosts plugin following a real dockerd, the bind
// backend writing the zone. A labelled container's record appears and goes with it, an
// unlabelled one is ignored, the engine killed and restarted is survived with a resync, names
// shared by containers, and names other sources hold.
#include "support/DockerServer.hpp"
#include "support/SwimCluster.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <memory>
#include <sstream>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kNetwork = "dadnsnet";

// A daemon whose hosts plugin follows docker; the bind backend writes {dir}/zones.
std::string config(const DockerServer& docker, const std::string& extra = "") {
    return baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: {dir}/zones\n      named_conf: {dir}/named.conf.include\n"
                      "      rndc_command: \"\"\n      checkzone: false\n"
                      "ingestion:\n  hosts:\n    default_zone: hosts.example\n    docker_host: " + docker.endpoint() +
                      "\n    docker_retry_max: 1s\n" + extra);
}

// What the backend wrote: the zone file's records of name, as "TYPE rdata".
std::vector<std::string> served(const Daemon& d, const std::string& name) {
    std::ifstream in(d.dir() + "/zones/hosts.example.db");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string owner, ttl, cls, type, rdata;
        if (!(words >> owner >> ttl >> cls >> type) || owner != name) continue;
        std::getline(words >> std::ws, rdata);
        out.push_back(type + " " + rdata);
    }
    std::sort(out.begin(), out.end());
    return out;
}

Poco::JSON::Object::Ptr dockerStatus(Daemon& d) {
    auto status = Poco::JSON::Parser().parse(d.get("/api/v1/status").body).extract<Poco::JSON::Object::Ptr>();
    auto instances = status->getArray("instances");
    for (size_t i = 0; i < instances->size(); ++i) {
        auto inst = instances->getObject(static_cast<unsigned>(i));
        if (inst->getValue<std::string>("plugin") == "hosts" && inst->has("details")) return inst->getObject("details")->getObject("docker");
    }
    return nullptr;
}

// A started dockerd with the test network on subnet (one per case: cases may run side by side)
// and a daemon following it, stopped before the engine goes.
struct Following {
    DockerServer docker;
    std::unique_ptr<Daemon> daemon;
    explicit Following(const std::string& subnet) {
        docker.start();
        docker.createNetwork(kNetwork, subnet);
        daemon = std::make_unique<Daemon>(config(docker));
        daemon->start();
    }
};

bool reachable(Daemon& d) {
    auto s = dockerStatus(d);
    return s && s->getValue<bool>("reachable");
}

} // namespace

TEST_CASE("a labelled container's record follows it; an unlabelled one is ignored", "[docker]") {
    Following f("10.213.77.0/24");
    DockerServer& docker = f.docker;
    Daemon& d = *f.daemon;
    REQUIRE(eventually([&] { return reachable(d); }));

    auto started = Clock::now();
    std::string web = docker.run("web", {{"dadns.hostname", "web1"}}, kNetwork);
    std::string ip = docker.address(web, kNetwork);
    REQUIRE_FALSE(ip.empty());
    REQUIRE(eventually([&] { return served(d, "web1.hosts.example.") == std::vector<std::string>{"A " + ip}; }, std::chrono::seconds(10),
                       std::chrono::milliseconds(10)));
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    WARN("docker run to the record in the backend's zone file: " << ms << " ms (docker run itself included)");

    // Joyride's label works too; a container without a host-name label gets nothing.
    std::string legacy = docker.run("legacy", {{"joyride.host.name", "old"}}, kNetwork);
    docker.run("plain", {{"app", "x"}}, kNetwork);
    REQUIRE(eventually([&] { return served(d, "old.hosts.example.").size() == 1; }));
    auto status = dockerStatus(d);
    CHECK(status->getValue<int>("containers") == 2);
    CHECK(status->getValue<int>("names") == 2);
    CHECK(status->getValue<std::string>("last_event") == "start legacy");
    CHECK(served(d, "plain.hosts.example.").empty());

    // Stopping a container removes its record (and owner record); the other stays.
    docker.stop(web);
    REQUIRE(eventually([&] { return served(d, "web1.hosts.example.").empty(); }));
    CHECK(served(d, "_dadns-owner.web1.hosts.example.").empty());
    CHECK(served(d, "old.hosts.example.").size() == 1);
    CHECK(d.metricSum("dadns_docker_events_total{action=\"start\"") >= 2); // labelled ones only: the engine filters
    CHECK(d.metricSum("dadns_docker_records_changed_total{change=\"added\"") >= 2);
    // Counted after the zone was submitted, so possibly after the lane wrote it.
    CHECK(eventually([&] { return d.metricSum("dadns_docker_records_changed_total{change=\"removed\"") >= 1; }));
    d.stop();
}

TEST_CASE("the engine killed and restarted: records stay while it is away, and the resync removes what vanished", "[docker]") {
    Following f("10.213.78.0/24");
    DockerServer& docker = f.docker;
    Daemon& d = *f.daemon;
    std::string a = docker.run("app", {{"dadns.hostname", "app"}}, kNetwork);
    std::string b = docker.run("db", {{"dadns.hostname", "db"}}, kNetwork);
    REQUIRE(eventually([&] { return served(d, "app.hosts.example.").size() == 1 && served(d, "db.hosts.example.").size() == 1; }));

    docker.kill9();
    REQUIRE(eventually([&] { return !reachable(d); }));
    CHECK_FALSE(dockerStatus(d)->getValue<std::string>("error").empty());
    // Unreachable is not gone: nothing is removed while the engine is away.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK(served(d, "app.hosts.example.").size() == 1);
    CHECK(served(d, "db.hosts.example.").size() == 1);

    docker.restart(); // both come back stopped
    docker.remove(b);
    docker.cli({"start", a});
    std::string ip = docker.address(a, kNetwork);
    REQUIRE(eventually([&] { return served(d, "db.hosts.example.").empty() && served(d, "app.hosts.example.") == std::vector<std::string>{"A " + ip}; },
                       std::chrono::seconds(20)));
    auto status = dockerStatus(d);
    CHECK(status->getValue<bool>("reachable"));
    CHECK(status->getValue<int>("resyncs") >= 2);
    CHECK(status->getValue<std::string>("error").empty());
    d.stop();
}

TEST_CASE("containers sharing a name all answer for it; names other sources hold are left alone", "[docker]") {
    Following f("10.213.79.0/24");
    DockerServer& docker = f.docker;
    Daemon& d = *f.daemon;
    REQUIRE(eventually([&] { return reachable(d); }));
    // A host registered over the API before any container wants its name.
    REQUIRE(d.call("POST", "/api/v1/hosts", "{\"hostname\":\"laptop\",\"ip\":\"192.0.2.5\"}", "application/json").status == 201);

    std::string one = docker.run("api-1", {{"dadns.hostname", "api"}}, kNetwork);
    std::string two = docker.run("api-2", {{"dadns.hostname", "api"}}, kNetwork);
    docker.run("squatter", {{"dadns.hostname", "laptop"}}, kNetwork);
    std::vector<std::string> both{"A " + docker.address(one, kNetwork), "A " + docker.address(two, kNetwork)};
    std::sort(both.begin(), both.end());
    REQUIRE(eventually([&] { return served(d, "api.hosts.example.") == both; }));
    // The registered host keeps its address; the container wanting it is reported.
    CHECK(served(d, "laptop.hosts.example.") == std::vector<std::string>{"A 192.0.2.5"});
    REQUIRE(eventually([&] { return dockerStatus(d)->getArray("conflicts")->size() == 1; }));
    CHECK(dockerStatus(d)->getArray("conflicts")->getElement<std::string>(0).find("laptop.hosts.example.: held by host registration") == 0);

    // The API cannot take or delete a name the Docker source holds.
    auto taken = d.call("POST", "/api/v1/hosts", "{\"hostname\":\"api\",\"ip\":\"192.0.2.9\"}", "application/json");
    CHECK(taken.status == 409);
    CHECK(taken.body.find("managed by docker@") != std::string::npos);
    CHECK(d.call("DELETE", "/api/v1/hosts/api").status == 409);

    // One replica goes: the name keeps the other's address. When the registered host is
    // deleted, the container that wanted its name takes it.
    docker.remove(one);
    REQUIRE(eventually([&] { return served(d, "api.hosts.example.") == std::vector<std::string>{"A " + docker.address(two, kNetwork)}; }));
    REQUIRE(d.call("DELETE", "/api/v1/hosts/laptop").status == 200);
    CHECK(eventually([&] { return served(d, "laptop.hosts.example.").size() == 1 && served(d, "laptop.hosts.example.")[0] != "A 192.0.2.5"; }));
    d.stop();
}

TEST_CASE("most containers going at once is not held as a mass delete", "[docker]") {
    Following f("10.213.81.0/24"); // zones.safety at its defaults: more than half of 10+ records held
    DockerServer& docker = f.docker;
    Daemon& d = *f.daemon;
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(docker.run("svc" + std::to_string(i), {{"dadns.hostname", "svc" + std::to_string(i)}}, kNetwork));
    REQUIRE(eventually([&] { return served(d, "svc4.hosts.example.").size() == 1 && served(d, "svc0.hosts.example.").size() == 1; }));
    for (int i = 1; i < 5; ++i) docker.remove(ids[static_cast<size_t>(i)]); // 8 of the zone's 12 records
    CHECK(eventually([&] { return served(d, "svc4.hosts.example.").empty() && served(d, "svc1.hosts.example.").empty(); }));
    CHECK(served(d, "svc0.hosts.example.").size() == 1);
    CHECK(dockerStatus(d)->getValue<std::string>("apply_error").empty());
    d.stop();
}

TEST_CASE("a container on one node resolves through another node's backends", "[docker][swim]") {
    DockerServer docker;
    docker.start();
    docker.createNetwork(kNetwork, "10.213.80.0/24");
    SwimClusterOptions o;
    o.nodes = 2;
    o.extraYaml[0] = "ingestion:\n  hosts:\n    default_zone: hosts.example\n    docker_host: " + docker.endpoint() + "\n";
    SwimCluster c(o);
    c.startAll();
    REQUIRE(eventually([&] { return c.sees(0, {c.id(1)}, "alive") && c.sees(1, {c.id(0)}, "alive"); }, std::chrono::seconds(45)));
    std::string web = docker.run("web", {{"dadns.hostname", "web1"}}, kNetwork);
    std::string ip = docker.address(web, kNetwork);
    auto onSecondNode = [&] {
        std::string file = c.zoneFile(1, "hosts.example");
        return file.find("web1.hosts.example.") != std::string::npos && file.find(ip) != std::string::npos;
    };
    REQUIRE(eventually(onSecondNode, std::chrono::seconds(30)));
    // The owner record travels with the zone: node 2 knows the name is node 1's.
    CHECK(c.zoneFile(1, "hosts.example").find("\"docker@" + c.id(0) + "\"") != std::string::npos);
    docker.stop(web);
    CHECK(eventually([&] { return !onSecondNode(); }, std::chrono::seconds(30)));
}
