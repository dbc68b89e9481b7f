// The hosts plugin's Docker Engine client against odd answers: JSON of the wrong shape, answers
// and event lines beyond the limits, error statuses, an engine that stalls, cancel() during a
// call, and the end of an event stream. A fake engine on a Unix socket gives the answers; the
// real engine is tests/integration/docker.
#include "DockerEngine.hpp"
#include "FakeDockerEngine.hpp"

#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>

using namespace dadns::hosts;
using dadns::hosts::testing::FakeEngine;
using dadns::test::TempDir;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

const char* kEvent = R"({"status":"start","id":"aaa","from":"img","Type":"container","Action":"start",)"
                     R"("Actor":{"ID":"aaa","Attributes":{"dadns.hostname":"web1","image":"img","name":"web1"}},)"
                     R"("scope":"local","time":1764402000,"timeNano":1764402000123456789})";

} // namespace

TEST_CASE("the container list is read leniently: wrong types read as missing, entries without an id are left out", "[hosts][docker]") {
    auto list = parseContainerList(R"([
        {"Id":"a1","Names":["/web1"],"Labels":{"dadns.hostname":"web1","n":5,"o":{"x":1}},"State":"running",
         "NetworkSettings":{"Networks":{"net":{"IPAddress":"10.0.0.2","GlobalIPv6Address":"2001:db8::2"},
                                        "odd":{"IPAddress":12,"GlobalIPv6Address":"10.0.0.9"},
                                        "bad":{"IPAddress":"999.1.1.1","GlobalIPv6Address":"not an address"},
                                        "none":"x"}}},
        {"Id":"b2","Names":"/notalist","Labels":["x"],"State":5,"NetworkSettings":[]},
        {"Id":"c3","Names":["/other/alias","/c3"],"State":"exited"},
        {"Names":["/noid"]}, {"Id":7}, 5, "x", null, []
    ])");
    REQUIRE(list.size() == 3);
    CHECK(list[0].id == "a1");
    CHECK(list[0].name == "web1");
    CHECK(list[0].running);
    CHECK(list[0].labels == std::map<std::string, std::string>{{"dadns.hostname", "web1"}});
    CHECK(list[0].networks.at("net") == std::pair<std::string, std::string>{"10.0.0.2", "2001:db8::2"});
    CHECK(list[0].networks.at("odd") == std::pair<std::string, std::string>{"", ""});
    CHECK(list[0].networks.at("bad") == std::pair<std::string, std::string>{"", ""});
    CHECK(list[1].id == "b2");
    CHECK(list[1].name.empty());
    CHECK(list[1].labels.empty());
    CHECK(list[1].networks.empty());
    CHECK_FALSE(list[1].running);
    CHECK(list[2].name == "c3"); // its own name, not a link's
    CHECK_FALSE(list[2].running);

    CHECK(parseContainerList("[]").empty());
    CHECK_THROWS_AS(parseContainerList("{}"), std::runtime_error);
    CHECK_THROWS_AS(parseContainerList("not json"), std::runtime_error);
    CHECK_THROWS_AS(parseContainerList("[{\"Id\":\"a\"}"), std::runtime_error);
    CHECK_THROWS_AS(parseContainerList(std::string(100000, '[') + std::string(100000, ']')), std::runtime_error); // no stack overflow
    CHECK_THROWS_AS(parseContainerList(""), std::runtime_error);
}

TEST_CASE("a container's details and an event line are read leniently", "[hosts][docker]") {
    auto c = parseContainerInspect(R"({"Id":"a1","Name":"/web1","State":{"Running":true},"Config":{"Labels":{"k":"v"}},)"
                                   R"("NetworkSettings":{"Networks":{"n":{"IPAddress":"192.0.2.7","GlobalIPv6Address":""}}}})");
    REQUIRE(c);
    CHECK(c->name == "web1");
    CHECK(c->running);
    CHECK(c->labels.at("k") == "v");
    CHECK(c->networks.at("n").first == "192.0.2.7");
    auto odd = parseContainerInspect(R"({"Id":"a1","Name":5,"State":{"Running":"true"},"Config":null,"NetworkSettings":{"Networks":[1]}})");
    REQUIRE(odd);
    CHECK(odd->name.empty());
    CHECK_FALSE(odd->running); // only a JSON true is running
    CHECK(odd->labels.empty());
    CHECK_FALSE(parseContainerInspect(R"({"Name":"/x"})"));
    CHECK_THROWS_AS(parseContainerInspect("[]"), std::runtime_error);

    auto e = parseContainerEvent(kEvent);
    REQUIRE(e);
    CHECK(e->action == "start");
    CHECK(e->id == "aaa");
    CHECK(e->name == "web1");
    CHECK(e->timeNano == 1764402000123456789); // exactly: beyond a double's precision
    CHECK(e->attributes.at("dadns.hostname") == "web1");
    auto fromTime = parseContainerEvent(R"({"Action":"die","id":"b","time":1764402000,"Actor":{"Attributes":{"exitCode":0,"name":"x"}}})");
    REQUIRE(fromTime);
    CHECK(fromTime->timeNano == 1764402000000000000);
    CHECK(fromTime->attributes == std::map<std::string, std::string>{{"name", "x"}});
    CHECK(parseContainerEvent(R"({"Action":"start","Actor":{"ID":"c"}})")->id == "c");
    CHECK_FALSE(parseContainerEvent(R"({"Action":"start"})"));
    CHECK_FALSE(parseContainerEvent(R"({"id":"a","Action":7})"));
    auto hugeTime = parseContainerEvent(R"({"Action":"start","id":"a","timeNano":1e300,"time":"x"})");
    REQUIRE(hugeTime);
    CHECK(hugeTime->timeNano == 0);
    CHECK_THROWS_AS(parseContainerEvent("[1]"), std::runtime_error);
    CHECK_THROWS_AS(parseContainerEvent("{\"Action\":"), std::runtime_error);

    CHECK(carriesAnyLabel({{"a", "1"}, {"b", "2"}}, {"x", "b"}));
    CHECK(carriesAnyLabel({{"a", "1"}}, {"a=1"}));
    CHECK_FALSE(carriesAnyLabel({{"a", "1"}}, {"a=2", "c"}));
    CHECK(carriesAnyLabel({{"a", "x=y"}}, {"a=x=y"}));
}

TEST_CASE("answers beyond the limits, error statuses and invalid JSON are errors that say so", "[hosts][docker]") {
    FakeEngine fake([](FakeEngine&, int fd, const std::string& target) {
        if (startsWith(target, "/v1.41/containers/json")) {
            if (target.find("huge") != std::string::npos) {
                // 16 MiB of JSON whitespace, then a list: one byte over the limit.
                FakeEngine::answer(fd, 200, std::string(16u << 20, ' ') + "[]");
            } else if (target.find("fail") != std::string::npos) {
                FakeEngine::answer(fd, 500, R"({"message":"boom: the daemon\nbroke"})");
            } else if (target.find("garbage") != std::string::npos) {
                FakeEngine::answer(fd, 200, "<html>not json</html>");
            } else {
                FakeEngine::answer(fd, 200, std::string(1000, ' ') + "[]");
            }
            return true;
        }
        if (startsWith(target, "/v1.41/containers/missing/json")) return FakeEngine::answer(fd, 404, R"({"message":"No such container: missing"})");
        if (startsWith(target, "/v1.41/containers/")) return FakeEngine::answer(fd, 409, "plain text");
        if (startsWith(target, "/v1.41/events")) return FakeEngine::answer(fd, 400, R"({"message":"invalid filter"})");
        return false;
    });
    DockerEngine engine(fake.endpoint());
    CHECK(engine.ping());
    CHECK(engine.listRunning({"ok"}).empty());
    CHECK_THROWS_WITH(engine.listRunning({"ok", "huge"}), Catch::Contains(fake.endpoint()) && Catch::Contains("larger than 16777216 bytes"));
    CHECK_THROWS_WITH(engine.listRunning({"fail"}), Catch::Contains("HTTP 500: boom: the daemon broke"));
    CHECK_THROWS_WITH(engine.listRunning({"garbage"}), Catch::Contains("invalid JSON"));
    CHECK_FALSE(engine.inspect("missing"));
    CHECK_THROWS_WITH(engine.inspect("other"), Catch::Contains("HTTP 409: plain text"));
    CHECK_THROWS_WITH(engine.followEvents({"x"}, [](const ContainerEvent&) {}), Catch::Contains("HTTP 400: invalid filter"));

    DockerEngineOptions small;
    small.maxResponseBytes = 999;
    DockerEngine limited(fake.endpoint(), small);
    CHECK_THROWS_WITH(limited.listRunning({"ok"}), Catch::Contains("larger than 999 bytes"));
}

TEST_CASE("the event stream: odd events are skipped, an end while the engine answers returns, a too long line is an error", "[hosts][docker]") {
    FakeEngine fake([](FakeEngine& f, int fd, const std::string& target) {
        if (!startsWith(target, "/v1.41/events")) return false;
        FakeEngine::chunkedHead(fd);
        if (target.find("long") != std::string::npos) { // label "long": an event, then a line past 1 MiB
            FakeEngine::chunk(fd, R"({"Action":"start","id":"l","Actor":{"Attributes":{"long":"1"}}})" "\n");
            FakeEngine::chunk(fd, "{\"x\":\"" + std::string(1u << 20, 'x'));
            f.stall(std::chrono::seconds(5));
        } else if (target.find("bad") != std::string::npos) {
            FakeEngine::chunk(fd, "{\"Action\":\"start\",\n");
        } else {
            if (target.find("&since=") == std::string::npos) return FakeEngine::send(fd, "0\r\n\r\n");
            // An event in two chunks, odd ones, blank lines and CRLF, then the end of the stream.
            std::string event(kEvent);
            FakeEngine::chunk(fd, event.substr(0, 40));
            FakeEngine::chunk(fd, event.substr(40) + "\n\n");
            FakeEngine::chunk(fd, R"({"Action":"start"})" "\n" R"({"Action":"start","id":"b","Actor":5})" "\r\n");
            FakeEngine::chunk(fd, R"({"Action":"die","id":"c","Actor":{"Attributes":{"dadns.hostname":7,"name":"c"}}})" "\n");
            FakeEngine::send(fd, "0\r\n\r\n");
        }
        return true;
    });
    DockerEngine engine(fake.endpoint());
    std::vector<ContainerEvent> events;
    bool opened = false;
    engine.followEvents({"dadns.hostname"}, [&](const ContainerEvent& e) { events.push_back(e); }, [&] { opened = true; });
    CHECK(opened);
    REQUIRE(events.size() == 1);
    CHECK(events[0].id == "aaa");
    CHECK(events[0].name == "web1");

    events.clear();
    auto t0 = Clock::now();
    CHECK_THROWS_WITH(engine.followEvents({"long"}, [&](const ContainerEvent& e) { events.push_back(e); }),
                      Catch::Contains("an event longer than 1048576 bytes"));
    CHECK(secondsSince(t0) < 3.0); // refused at the limit, not when the engine ends the line
    CHECK(events.size() == 1);      // what came before was delivered
    CHECK_THROWS_WITH(engine.followEvents({"bad"}, [](const ContainerEvent&) {}), Catch::Contains("unreadable event"));
}

TEST_CASE("a stalled engine times out, and cancel() ends a call in progress", "[hosts][docker]") {
    FakeEngine fake([](FakeEngine& f, int fd, const std::string& target) {
        if (target == "/_ping") return false;
        // Headers promise 100 bytes; ten come, then nothing.
        FakeEngine::send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[         ");
        f.stall(std::chrono::seconds(10));
        return true;
    });
    DockerEngineOptions options;
    options.requestTimeout = std::chrono::milliseconds(300);
    DockerEngine engine(fake.endpoint(), options);
    auto t0 = Clock::now();
    CHECK_THROWS_WITH(engine.listRunning({"x"}), Catch::Contains("/v1.41/containers/json") && Catch::Contains("timed out after 300 ms"));
    CHECK(secondsSince(t0) < 1.5);

    DockerEngine patient(fake.endpoint(), DockerEngineOptions{std::chrono::milliseconds(3000), std::chrono::milliseconds(8000)});
    std::atomic<bool> cancelled{false};
    std::thread caller([&] {
        try {
            patient.inspect("web1");
        } catch (const DockerEngine::Cancelled&) {
            cancelled = true;
        } catch (...) {
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto t1 = Clock::now();
    patient.cancel();
    caller.join();
    CHECK(secondsSince(t1) < 1.0);
    CHECK(cancelled);
}
