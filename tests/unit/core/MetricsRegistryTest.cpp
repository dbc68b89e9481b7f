// Prometheus text rendering: types, label escaping, histogram buckets.
#include "core/metrics/MetricsRegistry.hpp"

#include <catch2/catch.hpp>

using namespace dadns;

TEST_CASE("counters, gauges and histograms render in the Prometheus text format", "[metrics]") {
    MetricsRegistry m;
    m.counterAdd("jobs_total", "Jobs.", {{"b", "2"}, {"a", "1"}});
    m.counterAdd("jobs_total", "Jobs.", {{"a", "1"}, {"b", "2"}}, 2);
    m.counterAdd("jobs_total", "Jobs.", {}, -5); // counters never go down
    m.gaugeSet("depth", "Depth.", {{"backend", "x\"y\\z\n"}}, 7);
    m.histogramObserve("latency_seconds", "Latency.", {}, 0.003);
    m.histogramObserve("latency_seconds", "Latency.", {}, 42);
    m.gaugeSet("jobs_total", "wrong type is ignored", {}, 1);
    m.counterAdd("bad name", "invalid names are ignored", {}, 1);
    std::string text = m.renderPrometheus();
    CHECK(text.find("# TYPE jobs_total counter\n") != std::string::npos);
    CHECK(text.find("jobs_total{a=\"1\",b=\"2\"} 3\n") != std::string::npos);
    CHECK(text.find("jobs_total -") == std::string::npos);
    CHECK(text.find("depth{backend=\"x\\\"y\\\\z\\n\"} 7\n") != std::string::npos);
    CHECK(text.find("latency_seconds_bucket{le=\"0.0025\"} 0\n") != std::string::npos);
    CHECK(text.find("latency_seconds_bucket{le=\"0.005\"} 1\n") != std::string::npos);
    CHECK(text.find("latency_seconds_bucket{le=\"30\"} 1\n") != std::string::npos);
    CHECK(text.find("latency_seconds_bucket{le=\"+Inf\"} 2\n") != std::string::npos);
    CHECK(text.find("latency_seconds_count 2\n") != std::string::npos);
    CHECK(text.find("bad name") == std::string::npos);
}

TEST_CASE("collectors run at render time", "[metrics]") {
    MetricsRegistry m;
    int calls = 0;
    m.addCollector([&](MetricsRegistry& r) { r.gaugeSet("calls", "Calls.", {}, ++calls); });
    m.renderPrometheus();
    CHECK(m.renderPrometheus().find("calls 2\n") != std::string::npos);
}
