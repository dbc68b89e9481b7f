// What the soak run observed: every request's outcome and latency, the 5xx answers, transport
// errors, fault windows, and the violated requirements (the verdict).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace dadns::soak {

using Clock = std::chrono::steady_clock;

struct Sample {
    float atSec;      // since the run started
    float ms;         // latency
    int status;       // HTTP status; -1 when no answer came
    bool write;
};

struct Window {
    std::string name;
    double startSec = 0, endSec = 0;
    bool daemonDown = false;  // dadns itself was killed: refused connections are expected
};

struct TransportError {
    double atSec;
    std::string route, what;
    bool fresh;  // on a new connection (not a stale keep-alive one)
};

class Recorder {
public:
    Recorder();
    double now() const;  // seconds since the run started

    void record(const std::string& route, bool write, int status, double ms, const std::string& body, bool retryAfter);
    void transportError(const std::string& route, bool write, const std::string& what, bool fresh, double ms);
    void addWindow(Window w);

    std::vector<Sample> samples() const;
    std::vector<Window> windows() const;
    std::vector<TransportError> transportErrors() const;
    std::vector<std::string> serverErrors() const;          // every 5xx: time, route, status, body
    std::map<std::string, std::map<int, long>> byRoute() const;  // route -> status -> count
    long unexpected5xx() const;                              // 5xx other than 503 with Retry-After

private:
    Clock::time_point start_;
    mutable std::mutex mutex_;
    std::vector<Sample> samples_;
    std::vector<Window> windows_;
    std::vector<TransportError> transport_;
    std::vector<std::string> serverErrors_;
    std::map<std::string, std::map<int, long>> byRoute_;
    long unexpected5xx_ = 0;
};

// Violated requirements; the run fails when there is any.
class Verdict {
public:
    void fail(const std::string& what);
    std::vector<std::string> failures() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> failures_;
};


// The p-th percentile (0..1) of sorted values; 0 when empty.
double percentile(const std::vector<double>& sorted, double p);

} // namespace dadns::soak
