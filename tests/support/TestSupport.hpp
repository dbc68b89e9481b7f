// Shared helpers for tests: temp dirs, free loopback ports, child processes, an HTTP client,
// and a running dadns daemon.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dadns::test {

std::string sourceDir();        // repository root
std::string binaryDir();        // build directory
std::string daemonPath();       // build/bin/dadns
std::string pluginDir();        // build/plugins
std::string testPluginDir();    // build/test-plugins

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "dadns-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

// A TCP (and UDP) port on 127.0.0.1 that nothing listens on right now.
int freePort();
// A small zone's master file text: SOA (with serial), NS ns1, ns1's A and www's A (wwwIp, TTL 60).
std::string smallZoneText(const std::string& zone, int serial, const std::string& wwwIp);

// A TCP socket listening on 127.0.0.1 on a port of its own (set in port), for a stand-in server
// in a test; throws when it cannot.
int listenOnLoopback(int backlog, int& port);

// Resident memory of process pid in KiB (VmRSS), 0 when unknown.
long residentKb(int pid);

void writeFile(const std::string& path, const std::string& content);
std::string readFile(const std::string& path);
bool fileExists(const std::string& path);

// Runs a command to completion; returns exit status and combined stdout+stderr.
struct CommandResult {
    int status = -1;
    std::string output;
};
CommandResult runCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
CommandResult runShell(const std::string& command);

// A child process started with fork/exec, output to a log file; stopped by pid.
class ChildProcess {
public:
    ChildProcess() = default;
    ChildProcess(const std::vector<std::string>& argv, const std::string& logFile,
                 const std::map<std::string, std::string>& env = {});
    ~ChildProcess();
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;

    int pid() const { return pid_; }
    bool running();
    // Sends sig and waits up to timeout for the exit; returns the exit code (128+signal when
    // killed by one), or -1 on timeout.
    int stop(int sig = 15, std::chrono::milliseconds timeout = std::chrono::seconds(20));
    void kill9();
    const std::string& logFile() const { return log_; }

private:
    int pid_ = -1;
    int exitCode_ = -1;
    std::string log_;
};

struct HttpResponse {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers; // lower-case names
};

struct HttpRequest {
    std::string method = "GET";
    std::string path = "/";
    std::string body;
    std::string contentType;
    std::map<std::string, std::string> headers;
    std::optional<std::pair<std::string, std::string>> basicAuth;
    std::string httpVersion = "HTTP/1.1";
    std::chrono::milliseconds timeout = std::chrono::seconds(30);
};

HttpResponse httpCall(const std::string& host, int port, const HttpRequest& request);

// Sends request bytes exactly as given to 127.0.0.1:port and reads until the server closes
// (for HTTP/1.0 clients such as DirectAdmin), over TLS when tls is set (any certificate is
// accepted). Status, headers and body are parsed from the reply.
HttpResponse rawHttp(int port, const std::string& request, bool tls = false);

std::string base64(const std::string& data);

// A dadns daemon in a temp directory, with the YAML config given; listens on a free port.
class Daemon {
public:
    // configYaml may use the placeholders {port}, {dir} (the daemon's temp dir), {plugins}
    // (build/plugins), {test_plugins} (build/test-plugins); they are substituted.
    explicit Daemon(const std::string& configYaml, const std::map<std::string, std::string>& env = {});
    ~Daemon();

    void start();                 // waits until GET /health answers; throws on failure
    void setArgs(std::vector<std::string> args) { args_ = std::move(args); } // more command-line arguments
    int stop(int sig = 15);       // returns the exit code
    void kill9();
    bool running();

    int port() const { return port_; }
    int pid() const { return process_.pid(); }
    const std::string& dir() const { return dir_.path(); }
    std::string configPath() const { return dir_.file("dadns.yml"); }
    std::string log() const;

    // Authenticated call to the daemon's API (user "admin", password "secret" by default).
    HttpResponse call(const std::string& method, const std::string& path, const std::string& body = "",
                      const std::string& contentType = "text/plain");
    HttpResponse get(const std::string& path) { return call("GET", path); }
    // Sum of the /metrics samples whose line starts with series, e.g.
    // "dadns_applies_total{" or "dadns_powerdns_api_calls_total{instance=\"p.one\",method=\"PATCH\"".
    double metricSum(const std::string& series);

    static constexpr const char* user = "admin";
    static constexpr const char* password = "secret";

private:
    TempDir dir_;
    int port_;
    std::map<std::string, std::string> env_;
    std::vector<std::string> args_;
    ChildProcess process_;
};

// Minimal daemon config with the given extra YAML appended (top-level keys).
std::string baseConfig(const std::string& extraYaml = "");

// Polls cond every interval until it is true or timeout passes; returns its last value.
template <class Cond>
bool eventually(Cond cond, std::chrono::milliseconds timeout = std::chrono::seconds(20),
                std::chrono::milliseconds interval = std::chrono::milliseconds(50));

} // namespace dadns::test

#include <thread>

template <class Cond>
bool dadns::test::eventually(Cond cond, std::chrono::milliseconds timeout, std::chrono::milliseconds interval) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (cond()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return cond();
        std::this_thread::sleep_for(interval);
    }
}
