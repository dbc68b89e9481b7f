#include "soak/SoakStats.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace dadns::soak {

Recorder::Recorder() : start_(Clock::now()) {}

double Recorder::now() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

void Recorder::record(const std::string& route, bool write, int status, double ms, const std::string& body, bool retryAfter) {
    double at = now();
    std::lock_guard<std::mutex> lock(mutex_);
    samples_.push_back({static_cast<float>(at), static_cast<float>(ms), status, write});
    ++byRoute_[route][status];
    if (status < 500) return;
    bool allowed = status == 503 && retryAfter;
    if (!allowed) ++unexpected5xx_;
    char head[64];
    std::snprintf(head, sizeof head, "t=%.1fs %d%s ", at, status, allowed ? " (Retry-After)" : "");
    serverErrors_.push_back(head + route + " " + body.substr(0, 300));
}

void Recorder::transportError(const std::string& route, bool write, const std::string& what, bool fresh, double ms) {
    double at = now();
    std::lock_guard<std::mutex> lock(mutex_);
    samples_.push_back({static_cast<float>(at), static_cast<float>(ms), -1, write});
    ++byRoute_[route][-1];
    transport_.push_back({at, route, what, fresh});
}

void Recorder::addWindow(Window w) {
    std::lock_guard<std::mutex> lock(mutex_);
    windows_.push_back(std::move(w));
}

std::vector<Sample> Recorder::samples() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return samples_;
}

std::vector<Window> Recorder::windows() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return windows_;
}

std::vector<TransportError> Recorder::transportErrors() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return transport_;
}

std::vector<std::string> Recorder::serverErrors() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return serverErrors_;
}

std::map<std::string, std::map<int, long>> Recorder::byRoute() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return byRoute_;
}

long Recorder::unexpected5xx() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return unexpected5xx_;
}

void Verdict::fail(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::cerr << "VIOLATION: " << what << std::endl;
    failures_.push_back(what);
}

std::vector<std::string> Verdict::failures() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failures_;
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size())))];
}

} // namespace dadns::soak
