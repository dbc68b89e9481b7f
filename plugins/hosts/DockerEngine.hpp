// A client of the Docker Engine API (v1.41) over the engine's Unix socket: the running
// containers that carry given labels, one container's details, and the stream of container
// events. HTTP/1.1 through Poco, one connection per call. Every call has a timeout except the
// event stream's wait for the next event (an engine may be silent for hours); cancel() ends
// calls in progress from another thread.
//
// What the engine sends is read strictly but never trusted: fields of the wrong type read as
// missing, addresses that are not IP addresses read as none, an answer larger than
// maxResponseBytes or an event line longer than maxEventLineBytes is refused with an error
// (the caller then reconnects and lists again), and JSON nests at most 128 levels.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dadns::hosts {

struct Container {
    std::string id, name; // name without the leading '/'
    std::map<std::string, std::string> labels;
    // network name -> (IPv4 address, global IPv6 address), an empty string when it has none
    std::map<std::string, std::pair<std::string, std::string>> networks;
    bool running = false;
};

// One line of GET /events: Action ("create", "start", "kill", "die", "stop", "destroy", ...,
// also "exec_start: sh" and the like), the container's id, its name and Actor.Attributes (all
// its labels, plus "name", "image", "exitCode" on die, "signal" on kill).
struct ContainerEvent {
    std::string action, id, name;
    std::map<std::string, std::string> attributes;
    int64_t timeNano = 0;
};

struct DockerEngineOptions {
    std::chrono::milliseconds connectTimeout{3000};
    // Each call's whole answer (and, for the event stream, its headers) must come within this.
    std::chrono::milliseconds requestTimeout{5000};
    size_t maxResponseBytes = 16u << 20;
    size_t maxEventLineBytes = 1u << 20;
};

// The JSON of the engine's answers, read without an engine (the tests give it odd input).
// Invalid JSON throws std::runtime_error; entries without an id are left out.
std::vector<Container> parseContainerList(std::string_view body);       // GET /containers/json
std::optional<Container> parseContainerInspect(std::string_view body);  // GET /containers/{id}/json; nullopt without an id
std::optional<ContainerEvent> parseContainerEvent(std::string_view line); // one event; nullopt without Action or id
// Whether labels (or an event's attributes) carry any of wanted: "key" for the key with any
// value, "key=value" for that value (the engine's own label filter syntax).
bool carriesAnyLabel(const std::map<std::string, std::string>& labels, const std::vector<std::string>& wanted);

class DockerEngine {
public:
    // What a call throws once cancel() was called.
    struct Cancelled : std::runtime_error {
        using std::runtime_error::runtime_error;
    };

    static constexpr const char* kApiVersion = "v1.41";

    // "unix:///var/run/docker.sock" (DOCKER_HOST style) or "/var/run/docker.sock" ->
    // "/var/run/docker.sock". Anything else (tcp://, relative paths, empty) throws
    // std::invalid_argument saying what is accepted.
    static std::string socketPathOf(const std::string& endpoint);

    // Calls may run on several threads at once (and from within followEvents' callbacks),
    // each on its own connection. Destroy the engine only when no call runs any more (cancel()
    // and join first).
    explicit DockerEngine(const std::string& endpoint, DockerEngineOptions options = DockerEngineOptions());
    ~DockerEngine();
    DockerEngine(const DockerEngine&) = delete;
    DockerEngine& operator=(const DockerEngine&) = delete;

    const std::string& socketPath() const { return socketPath_; }
    // "Docker Engine at unix:///var/run/docker.sock", the start of every error message.
    std::string describe() const;

    // GET /_ping: true when the engine answers OK. Never throws.
    bool ping();

    // Running containers that carry any of labels (GET /containers/json, one request per
    // label: the engine ANDs the values of its label filter), each once. Throws
    // std::invalid_argument without labels, std::runtime_error when the engine cannot be
    // reached or answers an error, Cancelled after cancel().
    std::vector<Container> listRunning(const std::vector<std::string>& labels);

    // GET /containers/{id}/json; nullopt when the engine knows no such container. An id (or
    // name) that is not [A-Za-z0-9][A-Za-z0-9_.-]* throws std::invalid_argument.
    std::optional<Container> inspect(const std::string& id);

    // GET /events for containers carrying any of labels: calls onOpen (when given) once the
    // engine has accepted the stream (whatever happens from then on is delivered, so a
    // listRunning() there misses nothing), then onEvent for each event, in the engine's order,
    // on the calling thread. The stream starts a second or two before the call (the engine
    // subscribes it only after answering, and replays what it logged since then), so some
    // events may be older than the call: treat each as "look at this container again".
    // Blocks until:
    //  - cancel() is called: returns;
    //  - the engine ends the stream while it still answers /_ping: returns;
    //  - the engine goes away (killed, stopped, socket gone): throws std::runtime_error
    //    saying so; likewise for an HTTP error status (with the engine's message), invalid
    //    JSON or an event line longer than maxEventLineBytes (the rest of the stream is then
    //    abandoned: reconnect and list again).
    // An exception from onEvent or onOpen ends the stream and propagates.
    void followEvents(const std::vector<std::string>& labels, const std::function<void(const ContainerEvent&)>& onEvent,
                      const std::function<void()>& onOpen = {});

    // From any thread: every call in progress returns promptly (followEvents returns, the
    // others throw Cancelled, ping gives false), and so does every later call until reset().
    void cancel();
    bool cancelled() const;
    void reset();

private:
    struct Exchange;

    // Connects, sends GET target and reads the answer's status line and headers.
    std::unique_ptr<Exchange> open(const std::string& target, std::chrono::steady_clock::time_point deadline);
    // The whole body, at most limit bytes.
    std::string readBody(Exchange& exchange, const std::string& target, size_t limit, std::chrono::steady_clock::time_point deadline);
    // GET target: (status, body).
    std::pair<int, std::string> get(const std::string& target);
    [[noreturn]] void failStatus(const std::string& target, int status, const std::string& body) const;
    [[noreturn]] void failTransport(const std::string& what, const std::exception& e) const;
    std::string unreachable(const std::string& detail) const;
    // Adds socket to the sockets cancel() shuts down; throws Cancelled after cancel().
    std::list<Poco::Net::StreamSocket>::iterator enlist(const Poco::Net::StreamSocket& socket);
    void delist(std::list<Poco::Net::StreamSocket>::iterator it);

    std::string socketPath_;
    DockerEngineOptions options_;
    mutable std::mutex mutex_;
    bool cancelled_ = false;
    std::list<Poco::Net::StreamSocket> active_; // copies sharing the sockets of calls in progress
};

} // namespace dadns::hosts
