#include "support/TestSupport.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace dadns::test {

std::string sourceDir() { return DADNS_SOURCE_DIR; }
std::string binaryDir() { return DADNS_BINARY_DIR; }
std::string daemonPath() { return binaryDir() + "/bin/dadns"; }
std::string pluginDir() { return binaryDir() + "/plugins"; }
std::string testPluginDir() { return DADNS_TEST_PLUGIN_DIR; }

TempDir::TempDir(const std::string& prefix) {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
}

TempDir::~TempDir() {
    std::error_code ec;
    if (!std::getenv("DADNS_KEEP_TEST_DIRS")) fs::remove_all(path_, ec);
}

long residentKb(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

int freePort() {
    // Bind port 0 on TCP, then check the same number is free on UDP too (SWIM, DNS).
    for (int attempt = 0; attempt < 50; ++attempt) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd);
            continue;
        }
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        ::close(fd);
        int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
        bool ok = ::bind(udp, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(udp);
        if (ok) return ntohs(addr.sin_port);
    }
    throw std::runtime_error("no free port");
}

std::string smallZoneText(const std::string& zone, int serial, const std::string& wwwIp) {
    return "$TTL 300\n"
           "@ IN SOA ns1." + zone + ". hostmaster." + zone + ". " + std::to_string(serial) + " 3600 600 86400 300\n"
           "@ IN NS ns1." + zone + ".\n"
           "ns1 IN A 192.0.2.53\n"
           "www 60 IN A " + wwwIp + "\n";
}

int listenOnLoopback(int backlog, int& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, backlog) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port = ntohs(addr.sin_port);
    return fd;
}

void writeFile(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path);
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool fileExists(const std::string& path) { return fs::exists(path); }

namespace {
[[noreturn]] void execChild(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    // A test's own switch, not a configuration key: dadns refuses DADNS_* variables it does not know.
    ::unsetenv("DADNS_KEEP_TEST_DIRS");
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::perror(("exec " + argv[0]).c_str());
    ::_exit(127);
}

int decodeStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}
} // namespace

CommandResult runCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    // Close-on-exec: a process another thread starts meanwhile must not hold the write end open
    // (its read here would wait for that process to end); dup2 clears the flag on 1 and 2.
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipefd[1], 1);
        ::dup2(pipefd[1], 2);
        ::close(pipefd[0]);
        ::close(pipefd[1]);
        execChild(argv, env);
    }
    ::close(pipefd[1]);
    CommandResult result;
    std::array<char, 4096> buf{};
    ssize_t n;
    while ((n = ::read(pipefd[0], buf.data(), buf.size())) > 0) result.output.append(buf.data(), static_cast<size_t>(n));
    ::close(pipefd[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.status = decodeStatus(status);
    return result;
}

CommandResult runShell(const std::string& command) { return runCommand({"/bin/sh", "-c", command}); }

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& logFile,
                           const std::map<std::string, std::string>& env)
    : log_(logFile) {
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        int fd = ::open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::close(fd);
        }
        ::setpgid(0, 0);
        execChild(argv, env);
    }
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && running()) stop(SIGKILL, std::chrono::seconds(5));
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_), exitCode_(o.exitCode_), log_(std::move(o.log_)) {
    o.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
    if (this != &o) {
        if (pid_ > 0 && running()) stop(SIGKILL, std::chrono::seconds(5));
        pid_ = o.pid_;
        exitCode_ = o.exitCode_;
        log_ = std::move(o.log_);
        o.pid_ = -1;
    }
    return *this;
}

bool ChildProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0) return true;
    if (r == pid_) exitCode_ = decodeStatus(status);
    pid_ = -1;
    return false;
}

int ChildProcess::stop(int sig, std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return exitCode_;
    ::kill(pid_, sig);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return exitCode_;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
}

void ChildProcess::kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exitCode_ = decodeStatus(status);
    pid_ = -1;
}

HttpResponse httpCall(const std::string& host, int port, const HttpRequest& request) {
    Poco::Net::HTTPClientSession session(host, static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(static_cast<long>(request.timeout.count() / 1000),
                                      static_cast<long>((request.timeout.count() % 1000) * 1000)));
    Poco::Net::HTTPRequest req(request.method, request.path, request.httpVersion);
    for (const auto& [k, v] : request.headers) req.set(k, v);
    if (request.basicAuth) req.set("Authorization", "Basic " + base64(request.basicAuth->first + ":" + request.basicAuth->second));
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        req.setContentLength(static_cast<std::streamsize>(request.body.size()));
        if (!request.contentType.empty()) req.setContentType(request.contentType);
    }
    std::ostream& out = session.sendRequest(req);
    out << request.body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    HttpResponse result;
    result.status = static_cast<int>(resp.getStatus());
    Poco::StreamCopier::copyToString(in, result.body);
    for (const auto& [k, v] : resp) {
        std::string key = k;
        std::transform(key.begin(), key.end(), key.begin(), ::tolower);
        result.headers[key] = v;
    }
    return result;
}

std::string baseConfig(const std::string& extraYaml) {
    std::string cfg =
        "log_level: info\n"
        "queue_location: {dir}/data\n"
        "shutdown_grace_seconds: 5\n"
        "app:\n"
        "  auth_username: admin\n"
        "  auth_password: secret\n"
        "  listen_address: 127.0.0.1\n"
        "  listen_port: {port}\n"
        "plugins:\n"
        "  dir: {plugins}\n";
    return cfg + extraYaml;
}

namespace {
void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
}
} // namespace

Daemon::Daemon(const std::string& configYaml, const std::map<std::string, std::string>& env)
    : dir_("dadns-daemon"), port_(freePort()), env_(env) {
    std::string cfg = configYaml;
    replaceAll(cfg, "{port}", std::to_string(port_));
    replaceAll(cfg, "{dir}", dir_.path());
    replaceAll(cfg, "{plugins}", pluginDir());
    replaceAll(cfg, "{test_plugins}", testPluginDir());
    writeFile(configPath(), cfg);
}

Daemon::~Daemon() {
    if (running()) stop(SIGKILL);
}

void Daemon::start() {
    std::vector<std::string> argv = {daemonPath(), "--config=" + configPath()};
    argv.insert(argv.end(), args_.begin(), args_.end());
    process_ = ChildProcess(argv, dir_.file("daemon.log"), env_);
    bool up = eventually(
        [&] {
            if (!process_.running()) return true;
            try {
                HttpRequest req;
                req.path = "/health";
                req.timeout = std::chrono::seconds(2);
                return httpCall("127.0.0.1", port_, req).status == 200;
            } catch (...) {
                return false;
            }
        },
        std::chrono::seconds(30));
    if (!up || !process_.running()) throw std::runtime_error("dadns did not start:\n" + log());
}

int Daemon::stop(int sig) { return process_.stop(sig, std::chrono::seconds(30)); }
void Daemon::kill9() { process_.kill9(); }
bool Daemon::running() { return process_.running(); }

std::string Daemon::log() const {
    try {
        return readFile(dir_.file("daemon.log"));
    } catch (...) {
        return "";
    }
}

double Daemon::metricSum(const std::string& series) {
    double total = 0;
    std::istringstream in(get("/metrics").body);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(series, 0) == 0) total += std::stod(line.substr(line.rfind(' ') + 1));
    return total;
}

HttpResponse Daemon::call(const std::string& method, const std::string& path, const std::string& body,
                          const std::string& contentType) {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.contentType = contentType;
    req.basicAuth = std::make_pair(std::string(user), std::string(password));
    return httpCall("127.0.0.1", port_, req);
}

} // namespace dadns::test

namespace dadns::test {

HttpResponse rawHttp(int port, const std::string& request, bool tls) {
    Poco::Net::SocketAddress address("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::StreamSocket s;
    if (tls) {
        static std::once_flag initialized;
        std::call_once(initialized, [] { Poco::Net::initializeSSL(); });
        Poco::Net::Context::Params params;
        params.verificationMode = Poco::Net::Context::VERIFY_NONE; // the test's self-signed certificate
        params.loadDefaultCAs = false;
        s = Poco::Net::SecureStreamSocket(address, new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params));
    } else {
        s = Poco::Net::StreamSocket(address);
    }
    s.sendBytes(request.data(), static_cast<int>(request.size()));
    s.setReceiveTimeout(Poco::Timespan(30, 0));
    std::string response;
    char buf[4096];
    for (int n; (n = s.receiveBytes(buf, sizeof buf)) > 0;) response.append(buf, static_cast<size_t>(n));
    HttpResponse r;
    if (response.size() > 12) r.status = std::stoi(response.substr(9, 3));
    auto split = response.find("\r\n\r\n");
    if (split != std::string::npos) r.body = response.substr(split + 4);
    // Header lines between the status line and the blank line, names in lower case.
    for (size_t pos = response.find("\r\n"); pos != std::string::npos && pos < split;) {
        size_t end = response.find("\r\n", pos + 2);
        std::string line = response.substr(pos + 2, end - pos - 2);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(), ::tolower);
            size_t value = line.find_first_not_of(' ', colon + 1);
            r.headers[name] = value == std::string::npos ? "" : line.substr(value);
        }
        pos = end;
    }
    return r;
}

std::string base64(const std::string& data) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << data;
    encoder.close();
    return out.str();
}

} // namespace dadns::test
