// Counters, gauges and histograms with labels, rendered in the Prometheus text format.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace dadns {

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
public:
    // Names must match [a-zA-Z_:][a-zA-Z0-9_:]*; a name keeps the type it was first used
    // with (a mismatching call is ignored rather than corrupting the output).
    void counterAdd(const std::string& name, const std::string& help, const Labels& labels, double value = 1);
    void gaugeSet(const std::string& name, const std::string& help, const Labels& labels, double value);
    void histogramObserve(const std::string& name, const std::string& help, const Labels& labels, double value);

    // A value read when the text is rendered (process metrics, queue depths).
    using Collector = std::function<void(MetricsRegistry&)>;
    void addCollector(Collector collector);

    std::string renderPrometheus();

    static bool validName(const std::string& name);

private:
    enum class Type { Counter, Gauge, Histogram };
    struct Series {
        double value = 0;                 // counter, gauge
        std::vector<double> bucketCounts; // histogram: cumulative at render time
        double sum = 0;
        uint64_t count = 0;
    };
    struct Family {
        Type type;
        std::string help;
        std::map<std::string, Series> series; // key: rendered label set
    };
    Family* family(const std::string& name, const std::string& help, Type type);
    static std::string labelKey(Labels labels);

    std::mutex mutex_;
    std::map<std::string, Family> families_;
    std::vector<Collector> collectors_;
};

} // namespace dadns
