#include "core/metrics/MetricsRegistry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace dadns {
namespace {

const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

std::string formatValue(double v) {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (std::isnan(v)) return "NaN";
    char buf[64];
    auto result = std::to_chars(buf, buf + sizeof buf, v); // shortest form that reads back exactly
    return std::string(buf, result.ptr);
}

std::string escapeLabel(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string escapeHelp(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

// Joins a rendered label set with one more label (histogram "le").
std::string withLabel(const std::string& key, const std::string& name, const std::string& value) {
    std::string extra = name + "=\"" + value + "\"";
    return key.empty() ? extra : key + "," + extra;
}

} // namespace

bool MetricsRegistry::validName(const std::string& name) {
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

std::string MetricsRegistry::labelKey(Labels labels) {
    std::sort(labels.begin(), labels.end());
    std::string key;
    for (const auto& [n, v] : labels) {
        if (!validName(n) || n.find(':') != std::string::npos) continue;
        if (!key.empty()) key += ",";
        key += n + "=\"" + escapeLabel(v) + "\"";
    }
    return key;
}

MetricsRegistry::Family* MetricsRegistry::family(const std::string& name, const std::string& help, Type type) {
    if (!validName(name)) return nullptr;
    auto [it, inserted] = families_.try_emplace(name, Family{type, help, {}});
    if (!inserted && it->second.type != type) return nullptr;
    return &it->second;
}

void MetricsRegistry::counterAdd(const std::string& name, const std::string& help, const Labels& labels, double value) {
    if (!(value >= 0)) return; // counters only go up
    std::lock_guard<std::mutex> lock(mutex_);
    if (Family* f = family(name, help, Type::Counter)) f->series[labelKey(labels)].value += value;
}

void MetricsRegistry::gaugeSet(const std::string& name, const std::string& help, const Labels& labels, double value) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (Family* f = family(name, help, Type::Gauge)) f->series[labelKey(labels)].value = value;
}

void MetricsRegistry::histogramObserve(const std::string& name, const std::string& help, const Labels& labels, double value) {
    std::lock_guard<std::mutex> lock(mutex_);
    Family* f = family(name, help, Type::Histogram);
    if (!f) return;
    Series& s = f->series[labelKey(labels)];
    if (s.bucketCounts.empty()) s.bucketCounts.assign(kBuckets.size(), 0);
    auto bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), value);
    if (bucket != kBuckets.end()) s.bucketCounts[static_cast<size_t>(bucket - kBuckets.begin())] += 1;
    s.sum += value;
    s.count += 1;
}

void MetricsRegistry::addCollector(Collector collector) {
    std::lock_guard<std::mutex> lock(mutex_);
    collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::renderPrometheus() {
    std::vector<Collector> collectors;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        collectors = collectors_;
    }
    for (auto& c : collectors) c(*this);

    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    out.reserve(4096);
    for (const auto& [name, f] : families_) {
        const char* type = f.type == Type::Counter ? "counter" : f.type == Type::Gauge ? "gauge" : "histogram";
        out += "# HELP " + name + " " + escapeHelp(f.help) + "\n# TYPE " + name + " " + type + "\n";
        for (const auto& [key, s] : f.series) {
            std::string braces = key.empty() ? "" : "{" + key + "}";
            if (f.type != Type::Histogram) {
                out += name + braces + " " + formatValue(s.value) + "\n";
                continue;
            }
            double cumulative = 0;
            for (size_t i = 0; i < kBuckets.size(); ++i) {
                cumulative += s.bucketCounts[i];
                out += name + "_bucket{" + withLabel(key, "le", formatValue(kBuckets[i])) + "} " + formatValue(cumulative) + "\n";
            }
            out += name + "_bucket{" + withLabel(key, "le", "+Inf") + "} " + std::to_string(s.count) + "\n";
            out += name + "_sum" + braces + " " + formatValue(s.sum) + "\n";
            out += name + "_count" + braces + " " + std::to_string(s.count) + "\n";
        }
    }
    return out;
}

} // namespace dadns
