// The hosts plugin's Docker Engine client against a real dockerd (tests/servers/docker.sh):
// endpoints, the labelled running containers with their addresses on a user-defined network,
// inspect, the event stream (what a labelled container's life sends, nothing of an unlabelled
// one), cancel(), a dockerd killed under a stream and started again, and a missing socket.
// Containers are driven with the docker command-line client, not with the client under test.
#include "DockerEngine.hpp"
#include "support/DockerServer.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

using namespace dadns::test;
using dadns::hosts::Container;
using dadns::hosts::ContainerEvent;
using dadns::hosts::DockerEngine;
using dadns::hosts::DockerEngineOptions;
using Clock = std::chrono::steady_clock;

namespace {

const std::vector<std::string> kLabels{"dadns.hostname", "joyride.host.name"};
// A private range unlikely to be in use; tests read addresses on it and send nothing there.
const std::string kSubnet = "10.213.77.0/24";

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// followEvents on a thread of its own, collecting what it delivers and how it ended.
class Follower {
public:
    Follower(DockerEngine& engine, std::vector<std::string> labels) {
        thread_ = std::thread([this, &engine, labels] {
            try {
                engine.followEvents(
                    labels,
                    [this](const ContainerEvent& e) {
                        std::lock_guard<std::mutex> lock(mutex_);
                        events_.push_back(e);
                    },
                    [this] { opened_ = true; });
            } catch (const std::exception& e) {
                std::lock_guard<std::mutex> lock(mutex_);
                error_ = e.what();
            }
            ended_ = Clock::now();
            done_ = true;
        });
    }
    ~Follower() {
        if (thread_.joinable()) thread_.join();
    }
    bool opened() const { return opened_; }
    bool done() const { return done_; }
    void join() { thread_.join(); }
    Clock::time_point ended() const { return ended_; }
    std::string error() {
        std::lock_guard<std::mutex> lock(mutex_);
        return error_;
    }
    std::vector<ContainerEvent> events() {
        std::lock_guard<std::mutex> lock(mutex_);
        return events_;
    }
    // The actions delivered for one container, in order.
    std::vector<std::string> actions(const std::string& id) {
        std::vector<std::string> out;
        for (const auto& e : events())
            if (e.id == id) out.push_back(e.action);
        return out;
    }
    bool saw(const std::string& id, const std::string& action) {
        for (const auto& e : events())
            if (e.id == id && e.action == action) return true;
        return false;
    }

private:
    std::thread thread_;
    std::mutex mutex_;
    std::vector<ContainerEvent> events_;
    std::string error_;
    std::atomic<bool> opened_{false}, done_{false};
    Clock::time_point ended_;
};

const Container* byId(const std::vector<Container>& list, const std::string& id) {
    for (const auto& c : list)
        if (c.id == id) return &c;
    return nullptr;
}

std::set<std::string> idsOf(const std::vector<Container>& list) {
    std::set<std::string> out;
    for (const auto& c : list) out.insert(c.id);
    return out;
}

} // namespace

TEST_CASE("socketPathOf accepts unix:// endpoints and absolute paths, and refuses the rest", "[docker]") {
    CHECK(DockerEngine::socketPathOf("unix:///var/run/docker.sock") == "/var/run/docker.sock");
    CHECK(DockerEngine::socketPathOf("/run/user/1000/docker.sock") == "/run/user/1000/docker.sock");
    for (const std::string& bad : std::vector<std::string>{"", "unix://", "unix://relative.sock", "docker.sock", "./docker.sock", "tcp://127.0.0.1:2375",
                                  "http://localhost/docker.sock", "npipe:////./pipe/docker_engine", "unix:/x"}) {
        INFO(bad);
        CHECK_THROWS_AS(DockerEngine::socketPathOf(bad), std::invalid_argument);
    }
    try {
        DockerEngine::socketPathOf("tcp://127.0.0.1:2375");
    } catch (const std::invalid_argument& e) {
        CHECK_THAT(e.what(), Catch::Contains("tcp://127.0.0.1:2375") && Catch::Contains("unix:///"));
    }
    CHECK_THROWS_AS(DockerEngine::socketPathOf("/" + std::string(200, 'a')), std::invalid_argument); // beyond sun_path
    CHECK_THROWS_AS(DockerEngine("tcp://localhost:2375"), std::invalid_argument);
}

TEST_CASE("a client pointed at a missing socket fails fast with a clear message", "[docker]") {
    TempDir dir("dadns-docker-missing");
    DockerEngine engine("unix://" + dir.file("docker.sock"));
    auto t0 = Clock::now();
    CHECK_FALSE(engine.ping());
    try {
        engine.listRunning(kLabels);
        FAIL("listRunning succeeded without an engine");
    } catch (const std::runtime_error& e) {
        CHECK_THAT(e.what(), Catch::Contains(dir.file("docker.sock")) && Catch::Contains("does not exist"));
    }
    CHECK_THROWS_WITH(engine.inspect("web1"), Catch::Contains("does not exist"));
    CHECK_THROWS_WITH(engine.followEvents(kLabels, [](const ContainerEvent&) {}), Catch::Contains("does not exist"));
    CHECK(secondsSince(t0) < 1.0);

    // A file that is not a socket, and a socket nothing listens on.
    writeFile(dir.file("docker.sock"), "");
    CHECK_THROWS_WITH(engine.listRunning(kLabels), Catch::Contains("is not a socket"));
    ::unlink(dir.file("docker.sock").c_str());
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", dir.file("docker.sock").c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    t0 = Clock::now();
    CHECK_THROWS_WITH(engine.listRunning(kLabels), Catch::Contains("unreachable"));
    CHECK_FALSE(engine.ping());
    CHECK(secondsSince(t0) < 1.0);
    ::close(fd);
}

TEST_CASE("listRunning finds labelled running containers with their addresses, inspect reads one", "[docker]") {
    DockerServer docker;
    docker.start();
    DockerEngine engine(docker.endpoint());
    REQUIRE(engine.ping());
    docker.createNetwork("dadns-net", kSubnet);

    std::string web1 = docker.run("web1", {{"dadns.hostname", "web1"}, {"other", "x"}}, "dadns-net");
    std::string web2 = docker.run("web2", {{"joyride.host.name", "web2"}}, "dadns-net");
    std::string both = docker.run("both", {{"dadns.hostname", "both"}, {"joyride.host.name", "both"}}, "dadns-net");
    std::string plain = docker.run("plain", {}, "dadns-net");
    std::string isolated = docker.run("isolated", {{"dadns.hostname", "isolated"}}, "none");
    std::string stopped = docker.run("stopped", {{"dadns.hostname", "stopped"}}, "dadns-net");
    docker.stop(stopped);

    // The engine ANDs the values of its label filter (why the client asks once per label).
    std::string andFilter = docker.cli({"ps", "-q", "--no-trunc", "--filter", "label=dadns.hostname", "--filter", "label=joyride.host.name"});
    CHECK(andFilter.find(both) != std::string::npos);
    CHECK(andFilter.find(web1) == std::string::npos);

    auto list = engine.listRunning(kLabels);
    CHECK(list.size() == 4); // "both" once
    CHECK(idsOf(list) == std::set<std::string>{web1, web2, both, isolated});

    const Container* c = byId(list, web1);
    REQUIRE(c);
    CHECK(c->name == "web1");
    CHECK(c->running);
    CHECK(c->labels == std::map<std::string, std::string>{{"dadns.hostname", "web1"}, {"other", "x"}});
    REQUIRE(c->networks.count("dadns-net") == 1);
    std::string address = docker.address(web1, "dadns-net");
    CHECK(address.rfind("10.213.77.", 0) == 0);
    CHECK(c->networks.at("dadns-net").first == address);
    CHECK(c->networks.at("dadns-net").second.empty()); // no IPv6 on this network
    CHECK(byId(list, web2)->labels.at("joyride.host.name") == "web2");
    CHECK(byId(list, web2)->networks.at("dadns-net").first == docker.address(web2, "dadns-net"));
    const Container* none = byId(list, isolated);
    REQUIRE(none);
    for (const auto& [net, addresses] : none->networks) {
        INFO(net);
        CHECK(addresses.first.empty());
        CHECK(addresses.second.empty());
    }

    CHECK(idsOf(engine.listRunning({"joyride.host.name"})) == std::set<std::string>{web2, both});
    CHECK(idsOf(engine.listRunning({"dadns.hostname=both"})) == std::set<std::string>{both});
    CHECK(engine.listRunning({"no.such.label"}).empty());

    auto details = engine.inspect(web1);
    REQUIRE(details);
    CHECK(details->id == web1);
    CHECK(details->name == "web1");
    CHECK(details->running);
    CHECK(details->labels == c->labels);
    CHECK(details->networks == c->networks);
    CHECK(engine.inspect("web1")->id == web1); // by name too
    auto down = engine.inspect(stopped);
    REQUIRE(down);
    CHECK_FALSE(down->running);
    CHECK(engine.inspect(plain)->labels.empty());

    CHECK_FALSE(engine.inspect("0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef"));
    CHECK_FALSE(engine.inspect("no-such-container"));
    CHECK_THROWS_AS(engine.inspect("../../_ping"), std::invalid_argument);
    CHECK_THROWS_AS(engine.inspect(""), std::invalid_argument);
    CHECK_THROWS_AS(engine.listRunning({}), std::invalid_argument);
}

TEST_CASE("followEvents delivers a labelled container's life and nothing of an unlabelled one", "[docker]") {
    DockerServer docker;
    docker.start();
    docker.createNetwork("dadns-net", kSubnet);
    DockerEngine engine(docker.endpoint());
    // Both labels (matched by the client) and one label (filtered by the engine), on one
    // engine object at the same time.
    Follower any(engine, kLabels);
    Follower one(engine, {"dadns.hostname"});
    REQUIRE(eventually([&] { return any.opened() && one.opened(); }, std::chrono::seconds(10)));

    std::string plain = docker.run("plain", {}, "dadns-net");
    std::string web1 = docker.run("web1", {{"dadns.hostname", "web1"}}, "dadns-net");
    std::string web2 = docker.run("web2", {{"joyride.host.name", "web2"}}, "dadns-net");
    docker.stop(web1);
    docker.remove(web1);
    docker.remove(web2); // running: kill, die, destroy, no stop
    docker.stop(plain);
    docker.remove(plain);
    std::string last = docker.run("last", {{"dadns.hostname", "last"}});
    // Events come in order: once "last" started, everything before it was delivered.
    REQUIRE(eventually([&] { return any.saw(last, "start") && one.saw(last, "start"); }, std::chrono::seconds(10)));
    engine.cancel();
    any.join();
    one.join();
    CHECK(any.error().empty());
    CHECK(one.error().empty());

    std::vector<std::string> life{"create", "start", "kill", "die", "stop", "destroy"};
    CHECK(any.actions(web1) == life);
    CHECK(one.actions(web1) == life);
    CHECK(any.actions(web2) == std::vector<std::string>{"create", "start", "kill", "die", "destroy"});
    CHECK(one.actions(web2).empty());
    CHECK(any.actions(plain).empty());
    CHECK(one.actions(plain).empty());

    int64_t previous = 0;
    for (const auto& e : any.events()) {
        INFO(e.action << " " << e.name);
        CHECK(e.timeNano >= previous);
        CHECK(e.timeNano > 1'600'000'000'000'000'000);
        previous = e.timeNano;
        if (e.id == web1) {
            CHECK(e.name == "web1");
            CHECK(e.attributes.at("dadns.hostname") == "web1");
            CHECK(e.attributes.at("image") == DockerServer::kImage);
        }
    }
    for (const auto& e : any.events())
        if (e.id == web1 && e.action == "die") CHECK(e.attributes.count("exitCode") == 1);
}

TEST_CASE("cancel() returns a blocked followEvents within a second, and later calls until reset(); a dockerd stopped ends it", "[docker]") {
    DockerServer docker;
    docker.start();
    DockerEngineOptions options;
    options.requestTimeout = std::chrono::milliseconds(500); // the stream itself has no read timeout
    DockerEngine engine(docker.endpoint(), options);
    Follower follower(engine, kLabels);
    REQUIRE(eventually([&] { return follower.opened(); }, std::chrono::seconds(10)));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // silent for three request timeouts
    CHECK_FALSE(follower.done());

    auto t0 = Clock::now();
    engine.cancel();
    REQUIRE(eventually([&] { return follower.done(); }, std::chrono::seconds(5), std::chrono::milliseconds(5)));
    double took = std::chrono::duration<double>(follower.ended() - t0).count();
    CHECK(took < 1.0);
    follower.join();
    CHECK(follower.error().empty()); // cancelled: returns, no error

    CHECK(engine.cancelled());
    CHECK_FALSE(engine.ping());
    CHECK_THROWS_AS(engine.listRunning(kLabels), DockerEngine::Cancelled);
    CHECK_THROWS_AS(engine.inspect("web1"), DockerEngine::Cancelled);
    auto t1 = Clock::now();
    engine.followEvents(kLabels, [](const ContainerEvent&) {}); // returns at once
    CHECK(secondsSince(t1) < 0.5);

    engine.reset();
    CHECK(engine.ping());
    CHECK(engine.listRunning(kLabels).empty());

    // dockerd stopped in order: the stream ends as promptly, with the error of a killed one
    // (seen every time: dockerd closes its socket with the stream) or, should /_ping still
    // answer at that moment, without one.
    Follower last(engine, kLabels);
    REQUIRE(eventually([&] { return last.opened(); }, std::chrono::seconds(10)));
    auto t2 = Clock::now();
    docker.stop();
    REQUIRE(eventually([&] { return last.done(); }, std::chrono::seconds(10), std::chrono::milliseconds(5)));
    CHECK(std::chrono::duration<double>(last.ended() - t2).count() < 5.0);
    last.join();
    if (!last.error().empty()) CHECK_THAT(last.error(), Catch::Contains("no longer answers"));
}

TEST_CASE("a dockerd killed under followEvents ends it promptly with a clear error; after restart all works again", "[docker]") {
    DockerServer docker;
    docker.start();
    docker.createNetwork("dadns-net", kSubnet);
    std::string web1 = docker.run("web1", {{"dadns.hostname", "web1"}}, "dadns-net");
    std::string gone = docker.run("gone", {{"dadns.hostname", "gone"}}, "dadns-net");
    docker.remove(gone);
    DockerEngine engine(docker.endpoint());

    Follower follower(engine, kLabels);
    REQUIRE(eventually([&] { return follower.opened(); }, std::chrono::seconds(10)));
    auto t0 = Clock::now();
    docker.kill9();
    REQUIRE(eventually([&] { return follower.done(); }, std::chrono::seconds(10), std::chrono::milliseconds(5)));
    double took = std::chrono::duration<double>(follower.ended() - t0).count();
    CHECK(took < 2.0);
    follower.join();
    std::string error = follower.error();
    INFO(error);
    CHECK_THAT(error, Catch::Contains(docker.endpoint()) && Catch::Contains("no longer answers"));

    // Nothing listens on the socket file now.
    auto t1 = Clock::now();
    CHECK_FALSE(engine.ping());
    try {
        engine.listRunning(kLabels);
        FAIL("listRunning succeeded with dockerd killed");
    } catch (const std::runtime_error& e) {
        CHECK_THAT(e.what(), Catch::Contains(docker.endpoint()) && Catch::Contains("unreachable"));
    }
    CHECK(secondsSince(t1) < 1.0);

    docker.restart();
    REQUIRE(engine.ping());
    // The container that ran came back stopped; the removed one stays gone.
    CHECK(docker.status(web1) == "exited");
    CHECK(engine.listRunning(kLabels).empty());
    auto details = engine.inspect(web1);
    REQUIRE(details);
    CHECK_FALSE(details->running);
    CHECK_FALSE(engine.inspect(gone));

    Follower again(engine, kLabels);
    REQUIRE(eventually([&] { return again.opened(); }, std::chrono::seconds(10)));
    docker.cli({"start", web1});
    REQUIRE(eventually([&] { return again.saw(web1, "start"); }, std::chrono::seconds(10)));
    auto running = engine.listRunning(kLabels);
    REQUIRE(running.size() == 1);
    CHECK(running[0].networks.at("dadns-net").first == docker.address(web1, "dadns-net"));
    engine.cancel();
    again.join();
    CHECK(again.error().empty());
}
