#include "DockerEngine.hpp"

#include <dadns/sdk/json.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <istream>

namespace dadns::hosts {
namespace {

using sdk::Json;
using Clock = std::chrono::steady_clock;

// An error answer's body is read for its message only.
constexpr size_t kMaxErrorBody = 64 * 1024;

std::string str(const Json& v) { return v.type() == Json::Type::String ? v.asString() : std::string(); }

// The string members of an object (labels, event attributes); members of other types are left out.
std::map<std::string, std::string> stringMap(const Json& v) {
    std::map<std::string, std::string> out;
    if (!v.isObject()) return out;
    for (const auto& [key, value] : v.members())
        if (value.type() == Json::Type::String) out.emplace(key, value.asString());
    return out;
}

bool isAddress(int family, const std::string& text) {
    unsigned char buf[16];
    return !text.empty() && text.size() < 64 && text.find('\0') == std::string::npos && inet_pton(family, text.c_str(), buf) == 1;
}

// NetworkSettings.Networks: name -> (IPAddress, GlobalIPv6Address); text that is not an
// address of the right family reads as none.
std::map<std::string, std::pair<std::string, std::string>> networksOf(const Json& networks) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    if (!networks.isObject()) return out;
    for (const auto& [name, net] : networks.members()) {
        std::string v4 = str(net["IPAddress"]), v6 = str(net["GlobalIPv6Address"]);
        out[name] = {isAddress(AF_INET, v4) ? v4 : "", isAddress(AF_INET6, v6) ? v6 : ""};
    }
    return out;
}

std::string withoutSlash(std::string name) {
    if (!name.empty() && name[0] == '/') name.erase(0, 1);
    return name;
}

// The integer a JSON number stands for, exactly when it is written as one (timeNano exceeds a
// double's 53 bits); 0 for anything else.
int64_t integerOf(const Json& v) {
    if (v.type() != Json::Type::Number) return 0;
    const std::string& text = v.asString();
    int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size()) return n;
    double d = v.asNumber();
    if (std::isfinite(d) && d > -9.2e18 && d < 9.2e18) return static_cast<int64_t>(d);
    return 0;
}

Json parseJson(std::string_view text) {
    try {
        return Json::parse(text);
    } catch (const std::exception& e) {
        throw std::runtime_error(e.what());
    }
}

std::string percentEncode(std::string_view s) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

// {"key":["value",...],...} for the engine's filters parameter.
std::string filtersParameter(const std::vector<std::pair<std::string, std::vector<std::string>>>& filters) {
    std::string json = "{";
    for (const auto& [key, values] : filters) {
        if (json.size() > 1) json += ",";
        json += sdk::jsonQuote(key) + ":[";
        for (size_t i = 0; i < values.size(); ++i) json += (i ? "," : "") + sdk::jsonQuote(values[i]);
        json += "]";
    }
    return "filters=" + percentEncode(json + "}");
}

void checkLabels(const std::vector<std::string>& labels) {
    if (labels.empty()) throw std::invalid_argument("Docker Engine: no container label to look for");
    for (const auto& label : labels)
        if (label.empty() || label[0] == '=') throw std::invalid_argument("Docker Engine: an empty container label to look for");
}

// The engine's {"message": "..."} of an error answer, or the start of its body, on one line.
std::string engineMessage(const std::string& body) {
    std::string text;
    try {
        Json j = Json::parse(body);
        text = str(j["message"]);
    } catch (const std::exception&) {
        // not JSON: the raw body
    }
    if (text.empty()) text = body;
    if (text.size() > 300) text = text.substr(0, 300) + "...";
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return text.empty() ? "no details" : text;
}

std::chrono::milliseconds::rep millis(std::chrono::milliseconds d) { return d.count(); }

} // namespace

std::vector<Container> parseContainerList(std::string_view body) {
    Json list = parseJson(body);
    if (!list.isArray()) throw std::runtime_error("the container list is not a JSON array");
    std::vector<Container> out;
    for (const Json& c : list.items()) {
        Container container;
        container.id = str(c["Id"]);
        if (container.id.empty()) continue;
        // Legacy links add names like "/other/alias": the container's own name has no second '/'.
        for (const Json& n : c["Names"].items()) {
            std::string name = withoutSlash(str(n));
            if (name.empty()) continue;
            if (container.name.empty() || (container.name.find('/') != std::string::npos && name.find('/') == std::string::npos))
                container.name = name;
        }
        container.labels = stringMap(c["Labels"]);
        container.networks = networksOf(c["NetworkSettings"]["Networks"]);
        container.running = str(c["State"]) == "running";
        out.push_back(std::move(container));
    }
    return out;
}

std::optional<Container> parseContainerInspect(std::string_view body) {
    Json c = parseJson(body);
    if (!c.isObject()) throw std::runtime_error("the container details are not a JSON object");
    Container container;
    container.id = str(c["Id"]);
    if (container.id.empty()) return std::nullopt;
    container.name = withoutSlash(str(c["Name"]));
    container.labels = stringMap(c["Config"]["Labels"]);
    container.networks = networksOf(c["NetworkSettings"]["Networks"]);
    const Json& running = c["State"]["Running"];
    container.running = running.type() == Json::Type::Bool && running.asBool();
    return container;
}

std::optional<ContainerEvent> parseContainerEvent(std::string_view line) {
    Json e = parseJson(line);
    if (!e.isObject()) throw std::runtime_error("an event is not a JSON object");
    ContainerEvent event;
    event.action = str(e["Action"]);
    event.id = str(e["id"]);
    if (event.id.empty()) event.id = str(e["Actor"]["ID"]);
    if (event.action.empty() || event.id.empty()) return std::nullopt;
    event.attributes = stringMap(e["Actor"]["Attributes"]);
    auto name = event.attributes.find("name");
    if (name != event.attributes.end()) event.name = withoutSlash(name->second);
    event.timeNano = integerOf(e["timeNano"]);
    if (event.timeNano == 0) {
        int64_t seconds = integerOf(e["time"]);
        if (seconds > 0 && seconds < 9'000'000'000) event.timeNano = seconds * 1'000'000'000;
    }
    return event;
}

bool carriesAnyLabel(const std::map<std::string, std::string>& labels, const std::vector<std::string>& wanted) {
    for (const auto& w : wanted) {
        auto eq = w.find('=');
        auto it = labels.find(w.substr(0, eq));
        if (it == labels.end()) continue;
        if (eq == std::string::npos || it->second == w.substr(eq + 1)) return true;
    }
    return false;
}

// One HTTP exchange on its own connection. The socket is enlisted for cancel() while the
// exchange lives; it is delisted before the session (which closes it) goes.
struct DockerEngine::Exchange {
    DockerEngine* engine = nullptr;
    Poco::Net::StreamSocket socket;
    std::optional<std::list<Poco::Net::StreamSocket>::iterator> enlisted;
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    Poco::Net::HTTPResponse response;
    std::istream* body = nullptr;

    ~Exchange() {
        if (enlisted) engine->delist(*enlisted);
        session.reset();
        try {
            socket.close();
        } catch (...) {
            // already closed
        }
    }
};

std::string DockerEngine::socketPathOf(const std::string& endpoint) {
    static const std::string scheme = "unix://";
    std::string path = endpoint.rfind(scheme, 0) == 0 ? endpoint.substr(scheme.size()) : endpoint;
    if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos)
        throw std::invalid_argument("Docker Engine endpoint '" + endpoint +
                                    "': expected unix:///path/to/docker.sock or an absolute socket path "
                                    "(tcp:// and relative paths are not supported)");
    if (path.size() >= sizeof(sockaddr_un{}.sun_path))
        throw std::invalid_argument("Docker Engine endpoint '" + endpoint + "': a Unix socket path is at most " +
                                    std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " bytes");
    return path;
}

DockerEngine::DockerEngine(const std::string& endpoint, DockerEngineOptions options)
    : socketPath_(socketPathOf(endpoint)), options_(options) {}

DockerEngine::~DockerEngine() = default;

std::string DockerEngine::describe() const { return "Docker Engine at unix://" + socketPath_; }

void DockerEngine::cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    for (auto& socket : active_) {
        try {
            socket.shutdown(); // wakes a blocked read with end of stream
        } catch (...) {
            // not connected (any more)
        }
    }
}

bool DockerEngine::cancelled() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancelled_;
}

void DockerEngine::reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = false;
}

std::list<Poco::Net::StreamSocket>::iterator DockerEngine::enlist(const Poco::Net::StreamSocket& socket) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_) throw Cancelled(describe() + ": cancelled");
    return active_.insert(active_.end(), socket);
}

void DockerEngine::delist(std::list<Poco::Net::StreamSocket>::iterator it) {
    std::lock_guard<std::mutex> lock(mutex_);
    active_.erase(it);
}

std::string DockerEngine::unreachable(const std::string& detail) const {
    struct stat st {};
    if (::stat(socketPath_.c_str(), &st) != 0) {
        if (errno == ENOENT) return describe() + ": the socket " + socketPath_ + " does not exist (is dockerd running?)";
        return describe() + ": cannot reach the socket " + socketPath_ + ": " + std::strerror(errno);
    }
    if (!S_ISSOCK(st.st_mode)) return describe() + ": " + socketPath_ + " is not a socket";
    return describe() + ": unreachable: " + detail;
}

void DockerEngine::failTransport(const std::string& what, const std::exception& e) const {
    if (cancelled()) throw Cancelled(describe() + ": cancelled");
    std::string detail = e.what();
    if (const auto* poco = dynamic_cast<const Poco::Exception*>(&e)) detail = poco->displayText();
    if (dynamic_cast<const Poco::TimeoutException*>(&e))
        throw std::runtime_error(describe() + ": " + what + " timed out after " + std::to_string(millis(options_.requestTimeout)) + " ms");
    throw std::runtime_error(describe() + ": " + what + " failed: " + detail);
}

void DockerEngine::failStatus(const std::string& target, int status, const std::string& body) const {
    throw std::runtime_error(describe() + ": GET " + target + " answered HTTP " + std::to_string(status) + ": " + engineMessage(body));
}

std::unique_ptr<DockerEngine::Exchange> DockerEngine::open(const std::string& target, Clock::time_point deadline) {
    auto ex = std::make_unique<Exchange>();
    ex->engine = this;
    if (cancelled()) throw Cancelled(describe() + ": cancelled");
    try {
        ex->socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socketPath_),
                           Poco::Timespan(static_cast<long>(millis(options_.connectTimeout)) * 1000));
    } catch (const Poco::TimeoutException&) {
        throw std::runtime_error(describe() + ": no connection within " + std::to_string(millis(options_.connectTimeout)) + " ms");
    } catch (const Poco::Exception& e) {
        std::string detail = e.code() > 0 ? std::string(std::strerror(e.code())) : e.displayText();
        throw std::runtime_error(unreachable(detail));
    }
    ex->enlisted = enlist(ex->socket);
    auto timeout = Poco::Timespan(static_cast<long>(millis(options_.requestTimeout)) * 1000);
    try {
        ex->socket.setSendTimeout(timeout);
        ex->socket.setReceiveTimeout(timeout);
        ex->session = std::make_unique<Poco::Net::HTTPClientSession>(ex->socket);
        ex->session->setKeepAlive(false);
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setHost("docker"); // required by HTTP/1.1; the engine ignores it on its socket
        request.set("User-Agent", "dadns");
        ex->session->sendRequest(request);
        ex->body = &ex->session->receiveResponse(ex->response);
    } catch (const std::exception& e) {
        failTransport("GET " + target, e);
    }
    if (Clock::now() > deadline)
        throw std::runtime_error(describe() + ": GET " + target + " timed out after " + std::to_string(millis(options_.requestTimeout)) + " ms");
    return ex;
}

std::string DockerEngine::readBody(Exchange& ex, const std::string& target, size_t limit, Clock::time_point deadline) {
    std::string body;
    char buf[65536];
    std::streambuf* in = ex.body->rdbuf();
    try {
        while (true) {
            // Through the stream buffer, not the istream, so that a timeout or a broken
            // connection is an exception rather than a quiet end of the body.
            std::streamsize n = in->sgetn(buf, sizeof buf);
            if (n <= 0) break;
            if (body.size() + static_cast<size_t>(n) > limit)
                throw std::runtime_error(describe() + ": the answer to GET " + target + " is larger than " + std::to_string(limit) +
                                         " bytes; refused");
            body.append(buf, static_cast<size_t>(n));
            if (Clock::now() > deadline)
                throw std::runtime_error(describe() + ": GET " + target + " timed out after " + std::to_string(millis(options_.requestTimeout)) + " ms");
        }
    } catch (const Poco::Exception& e) {
        failTransport("GET " + target, e);
    }
    // cancel() shuts the connection down, which reads as the end of the answer.
    if (cancelled()) throw Cancelled(describe() + ": cancelled");
    return body;
}

std::pair<int, std::string> DockerEngine::get(const std::string& target) {
    auto deadline = Clock::now() + options_.requestTimeout;
    auto ex = open(target, deadline);
    int status = static_cast<int>(ex->response.getStatus());
    bool ok = status >= 200 && status < 300;
    std::string body = readBody(*ex, target, ok ? options_.maxResponseBytes : kMaxErrorBody, deadline);
    return {status, std::move(body)};
}

bool DockerEngine::ping() {
    try {
        auto [status, body] = get("/_ping");
        return status == 200 && body == "OK";
    } catch (const std::exception&) {
        return false;
    }
}

std::vector<Container> DockerEngine::listRunning(const std::vector<std::string>& labels) {
    checkLabels(labels);
    std::vector<Container> out;
    std::map<std::string, size_t> seen;
    for (const auto& label : labels) {
        std::string target = std::string("/") + kApiVersion + "/containers/json?" +
                             filtersParameter({{"label", {label}}, {"status", {"running"}}});
        auto [status, body] = get(target);
        if (status != 200) failStatus(target, status, body);
        std::vector<Container> found;
        try {
            found = parseContainerList(body);
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(describe() + ": GET " + target + ": " + e.what());
        }
        for (auto& c : found)
            if (seen.emplace(c.id, out.size()).second) out.push_back(std::move(c));
    }
    return out;
}

std::optional<Container> DockerEngine::inspect(const std::string& id) {
    bool valid = !id.empty() && id.size() <= 256 && std::isalnum(static_cast<unsigned char>(id[0]));
    for (unsigned char c : id) valid = valid && (std::isalnum(c) || c == '_' || c == '.' || c == '-');
    if (!valid) throw std::invalid_argument("Docker Engine: '" + id.substr(0, 80) + "' is not a container id or name");
    std::string target = std::string("/") + kApiVersion + "/containers/" + id + "/json";
    auto [status, body] = get(target);
    if (status == 404) return std::nullopt;
    if (status != 200) failStatus(target, status, body);
    try {
        return parseContainerInspect(body);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(describe() + ": GET " + target + ": " + e.what());
    }
}

void DockerEngine::followEvents(const std::vector<std::string>& labels, const std::function<void(const ContainerEvent&)>& onEvent,
                                const std::function<void()>& onOpen) {
    checkLabels(labels);
    // The engine ANDs the values of one filter key: with several labels it sends every
    // container event and the labels are matched here (Actor.Attributes carries them all).
    std::vector<std::pair<std::string, std::vector<std::string>>> filters{{"type", {"container"}}};
    if (labels.size() == 1) filters.push_back({"label", labels});
    // The engine sends the headers before it subscribes the stream to its events: since (a
    // second back) has it replay what happened in between from its event log.
    std::string target = std::string("/") + kApiVersion + "/events?" + filtersParameter(filters) +
                         "&since=" + std::to_string(static_cast<long long>(std::time(nullptr)) - 1);
    auto deadline = Clock::now() + options_.requestTimeout;
    std::unique_ptr<Exchange> ex;
    try {
        ex = open(target, deadline);
    } catch (const Cancelled&) {
        return;
    }
    int status = static_cast<int>(ex->response.getStatus());
    if (status != 200) {
        std::string body;
        try {
            body = readBody(*ex, target, kMaxErrorBody, deadline);
        } catch (const Cancelled&) {
            return;
        }
        failStatus(target, status, body);
    }
    try {
        ex->socket.setReceiveTimeout(Poco::Timespan(0)); // none: the stream may be silent for hours
    } catch (const Poco::Exception& e) {
        failTransport("GET " + target, e);
    }
    if (onOpen) onOpen();

    std::streambuf* in = ex->body->rdbuf();
    std::string line;
    while (true) {
        int c;
        try {
            c = in->sbumpc();
        } catch (const Poco::Exception& e) {
            if (cancelled()) return;
            throw std::runtime_error(describe() + ": the event stream broke: " + e.displayText());
        }
        if (c == std::char_traits<char>::eof()) break;
        if (c != '\n') {
            if (line.size() >= options_.maxEventLineBytes)
                throw std::runtime_error(describe() + ": an event longer than " + std::to_string(options_.maxEventLineBytes) +
                                         " bytes; the event stream is abandoned");
            line.push_back(static_cast<char>(c));
            continue;
        }
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        std::optional<ContainerEvent> event;
        try {
            event = parseContainerEvent(line);
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(describe() + ": an unreadable event (" + e.what() + "); the event stream is abandoned");
        }
        line.clear();
        if (event && carriesAnyLabel(event->attributes, labels)) onEvent(*event);
    }
    if (cancelled()) return;
    // Poco reads a connection that ends between two chunks as the end of the stream: ask the
    // engine whether it is still there.
    ex.reset();
    std::string why;
    try {
        auto [pingStatus, pingBody] = get("/_ping");
        if (pingStatus == 200) return;
        why = "/_ping answers HTTP " + std::to_string(pingStatus);
    } catch (const Cancelled&) {
        return;
    } catch (const std::runtime_error& e) {
        why = e.what();
        std::string prefix = describe() + ": ";
        if (why.rfind(prefix, 0) == 0) why.erase(0, prefix.size());
    }
    throw std::runtime_error(describe() + ": the event stream ended and the engine no longer answers (" + why + ")");
}

} // namespace dadns::hosts
