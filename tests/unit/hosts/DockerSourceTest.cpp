// The Docker source's life against a stand-in engine: it lists once the event stream is open,
// applies the newest state, looks a container up again on each event, keeps everything while
// the engine cannot be reached, and stops at once (it runs under the sanitizer builds too).
#include "DockerSource.hpp"
#include "FakeDockerEngine.hpp"

#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <mutex>

using namespace dadns::hosts;
using dadns::hosts::testing::FakeEngine;
using dadns::test::eventually;

namespace {

const std::string kListed = R"([{"Id":"aaa","Names":["/web"],"Labels":{"dadns.hostname":"web1"},"State":"running",)"
                            R"("NetworkSettings":{"Networks":{"n":{"IPAddress":"10.0.0.2","GlobalIPv6Address":""}}}}])";
const std::string kInspected = R"({"Id":"aaa","Name":"/web","Config":{"Labels":{"dadns.hostname":"web1"}},"State":{"Running":true},)"
                               R"("NetworkSettings":{"Networks":{"n":{"IPAddress":"10.0.0.2","GlobalIPv6Address":""}}}})";
const std::string kDie = R"({"Type":"container","Action":"die","Actor":{"ID":"aaa","Attributes":{"dadns.hostname":"web1","name":"web"}},)"
                         R"("time":1764402000,"timeNano":1764402000123456789})";

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// What apply() was given, in order: the container count of each state.
struct Applied {
    std::mutex mutex;
    std::vector<size_t> counts;
    void add(size_t n) {
        std::lock_guard<std::mutex> lock(mutex);
        counts.push_back(n);
    }
    std::vector<size_t> get() {
        std::lock_guard<std::mutex> lock(mutex);
        return counts;
    }
};

DockerSource::Options options(const std::string& endpoint) {
    DockerSource::Options o;
    o.endpoint = endpoint;
    o.labels = {"dadns.hostname", "joyride.host.name"};
    o.retryMin = std::chrono::milliseconds(50);
    o.retryMax = std::chrono::milliseconds(200);
    return o;
}

} // namespace

TEST_CASE("docker source: lists once the stream is open, follows events, and stops at once", "[hosts][docker]") {
    std::atomic<bool> died{false}, streamOpen{false};
    FakeEngine fake([&](FakeEngine& f, int fd, const std::string& target) {
        if (startsWith(target, "/v1.41/events")) {
            FakeEngine::chunkedHead(fd);
            streamOpen = true;
            while (!f.stopping() && !died) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            if (died) FakeEngine::chunk(fd, kDie + "\n");
            f.stall(std::chrono::seconds(30));
            return true;
        }
        if (startsWith(target, "/v1.41/containers/json")) return FakeEngine::answer(fd, 200, died ? "[]" : kListed);
        if (startsWith(target, "/v1.41/containers/aaa/json")) return died ? FakeEngine::answer(fd, 404, "{\"message\":\"no such container\"}")
                                                                          : FakeEngine::answer(fd, 200, kInspected);
        return false;
    });
    Applied applied;
    std::vector<std::string> actions;
    std::mutex actionsMutex;
    DockerSource::Callbacks callbacks;
    callbacks.apply = [&](const std::vector<Container>& running) { applied.add(running.size()); };
    callbacks.event = [&](const std::string& action) {
        std::lock_guard<std::mutex> lock(actionsMutex);
        actions.push_back(action);
    };
    DockerSource source(options(fake.endpoint()), callbacks);
    source.start();
    REQUIRE(eventually([&] { return !applied.get().empty(); }));
    CHECK(streamOpen); // the listing came after the stream was open
    CHECK(applied.get().front() == 1);
    auto status = source.status();
    CHECK(status.reachable);
    CHECK(status.containers == 1);
    CHECK(status.resyncs == 1);

    died = true;
    REQUIRE(eventually([&] { return applied.get().back() == 0; }));
    CHECK(source.status().lastEvent == "die web");
    {
        std::lock_guard<std::mutex> lock(actionsMutex);
        CHECK(actions == std::vector<std::string>{"die"});
    }
    auto stopping = std::chrono::steady_clock::now();
    source.stop(); // cancels the stream the engine keeps open
    CHECK(std::chrono::steady_clock::now() - stopping < std::chrono::seconds(2));
}

TEST_CASE("docker source: an engine that cannot be reached is retried and removes nothing", "[hosts][docker]") {
    dadns::test::TempDir dir("dadns-no-docker");
    Applied applied;
    std::atomic<int> reports{0};
    DockerSource::Callbacks callbacks;
    callbacks.apply = [&](const std::vector<Container>& running) { applied.add(running.size()); };
    callbacks.report = [&](bool bad, const std::string&) { reports += bad ? 1 : 100; };
    DockerSource source(options("unix://" + dir.file("missing.sock")), callbacks);
    source.start();
    REQUIRE(eventually([&] { return !source.status().error.empty(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // several attempts
    auto status = source.status();
    CHECK_FALSE(status.reachable);
    CHECK(status.error.find("missing.sock") != std::string::npos);
    CHECK(applied.get().empty()); // nothing listed: nothing applied, nothing removed
    CHECK(reports == 1);          // one log line for the outage, not one per attempt
    source.stop();
}

TEST_CASE("docker source: a failed apply is tried again with the newest state", "[hosts][docker]") {
    FakeEngine fake([&](FakeEngine& f, int fd, const std::string& target) {
        if (startsWith(target, "/v1.41/events")) {
            FakeEngine::chunkedHead(fd);
            f.stall(std::chrono::seconds(30));
            return true;
        }
        if (startsWith(target, "/v1.41/containers/json")) return FakeEngine::answer(fd, 200, kListed);
        return false;
    });
    std::atomic<int> calls{0};
    DockerSource::Callbacks callbacks;
    callbacks.apply = [&](const std::vector<Container>&) {
        if (++calls < 3) throw std::runtime_error("the store is busy");
    };
    DockerSource source(options(fake.endpoint()), callbacks);
    source.start();
    REQUIRE(eventually([&] { return calls >= 3; }));
    CHECK(eventually([&] { return source.status().applyError.empty(); }));
    source.stop();
}

TEST_CASE("docker source: a periodic listing catches what no container event says", "[hosts][docker]") {
    // The container's address changes without an event (a network connected or disconnected).
    std::atomic<int> listings{0};
    FakeEngine fake([&](FakeEngine& f, int fd, const std::string& target) {
        if (startsWith(target, "/v1.41/events")) {
            FakeEngine::chunkedHead(fd);
            f.stall(std::chrono::seconds(30));
            return true;
        }
        if (startsWith(target, "/v1.41/containers/json")) {
            std::string listed = kListed;
            if (++listings > 1) listed.replace(listed.find("10.0.0.2"), 8, "10.0.0.7");
            return FakeEngine::answer(fd, 200, listed);
        }
        return false;
    });
    std::mutex mutex;
    std::vector<std::string> addresses;
    DockerSource::Callbacks callbacks;
    callbacks.apply = [&](const std::vector<Container>& running) {
        std::lock_guard<std::mutex> lock(mutex);
        for (const auto& c : running) addresses.push_back(c.networks.at("n").first);
    };
    auto o = options(fake.endpoint());
    o.resyncInterval = std::chrono::milliseconds(200);
    DockerSource source(o, callbacks);
    source.start();
    REQUIRE(eventually([&] {
        std::lock_guard<std::mutex> lock(mutex);
        return !addresses.empty() && addresses.back() == "10.0.0.7";
    }));
    CHECK(addresses.front() == "10.0.0.2");
    CHECK(source.status().reachable);
    CHECK(source.status().error.empty()); // a resync is not an outage
    CHECK(source.status().resyncs >= 2);
    source.stop();
}
