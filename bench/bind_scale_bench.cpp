// bind backend at scale: new zones into a named that already serves very many, against a real
// named (tests/servers/named.sh):
//
//   build/bench/bind_scale_bench [--existing=100000] [--new=1000] [--mode=include|addzone|both(default)|raw]
//                                [--qps=500] [--clients=16] [--secondary] [--warmup=10] [--checkzone=true|false]
//                                [--include_rndc=command|conf] [--samples=10] [--reconfigs=3] [--addzones=100]
//
// named starts with --existing small zones (SOA, NS, one A) listed in a static include of the
// benchmark's own (not dadns's), with allow-new-zones on; reported: the time until rndc answered
// and until named logged "all zones loaded", and its RSS then. Throughout, a steady stream of UDP
// SOA queries for random existing zones at --qps (one socket, each query its own id, latency from
// send to answer; no answer within 1 s is a timeout, counted as 1,000 ms in the percentiles and
// printed as "timeout"; a timeout answered later after all is counted apart, with its latency).
// dadns then runs with a bind backend in one mode:
// - include: today's include file, `rndc reconfig` per batch (`rndc_command`, or `rndc_conf` with
//   --include_rndc=conf);
// - addzone: `zone_membership: addzone`, `rndc_conf` (addzone/delzone over the control channel).
// --new zones (SOA, NS, one A) are pushed through the API from --clients keep-alive clients.
// Reported: push throughput; the time from the first push until named answers every new zone's
// SOA authoritatively (checked in rounds over the zones not yet served); and the query stream in
// that window beside the baseline (the --warmup seconds before the push, less the first): count,
// median, p99, p99.9, max, timeouts; and how many reconfig and addzone commands named logged.
// --mode=both runs include, then addzone, each on a fresh named, and prints the ratios.
// --secondary: a second named consumes the backend's catalog zone (`catalog_zone`, RFC 9432) from
// the first; reported: when it serves all --new zones, then, one idle push at a time (--samples,
// 6 s apart: named's catalog min-update-interval is 5 s), the time from the push's
// acknowledgement until the secondary answers that zone's SOA authoritatively (a secondary that
// does not within 60 s is reported as a timeout, and the run goes on).
// --mode=raw is the baseline without dadns: --reconfigs `rndc reconfig`, then --addzones sequential
// `rndc addzone` of new zones (files written first) and their `rndc delzone`, each timed (the rndc
// process start included) with the longest query latency of the stream during it.
#include "support/BenchLoad.hpp"
#include "support/DnsPoller.hpp"
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

using namespace dadns::test;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kQueryTimeout{1000};
constexpr double kTimeoutMs = 1000;
const std::string kCatalog = "catalog.scale.example";

struct Options {
    int existing = 100000;
    int fresh = 1000; // --new
    std::string mode = "both";
    int qps = 500;
    int clients = 16;
    bool secondary = false;
    int warmupSeconds = 10;
    std::string includeRndc = "command";
    int samples = 10;
    int reconfigs = 3;
    int addzones = 100;
    std::string checkzone = "true"; // the backend's checkzone setting
};

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }
double secondsSince(Clock::time_point t0) { return msSince(t0) / 1000; }
double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string existingZone(int i) { return "e" + std::to_string(i) + ".scale.example"; }
std::string newZone(int i) { return "n" + std::to_string(i) + ".scale.example"; }

// A small zone: SOA, NS and the name server's A record.
std::string smallZoneText(const std::string& zone) {
    return "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone + ". 1 3600 600 86400 300\n@ IN NS ns1." + zone +
           ".\nns1 IN A 192.0.2.53\n";
}

// Writes count zone files under dir/existing and dir/existing.conf listing them (each with
// "notify no;" when notifyOff); returns the include statement for named.conf.
std::string writeExistingZones(const std::string& dir, int count, bool notifyOff) {
    std::string zonesDir = dir + "/existing";
    std::filesystem::create_directories(zonesDir);
    std::ofstream conf(dir + "/existing.conf");
    for (int i = 0; i < count; ++i) {
        std::string zone = existingZone(i), file = zonesDir + "/" + zone + ".db";
        std::ofstream(file) << smallZoneText(zone);
        conf << "zone \"" << zone << "\" { type primary; file \"" << file << "\";" << (notifyOff ? " notify no;" : "") << " };\n";
    }
    if (!conf.flush()) throw std::runtime_error("cannot write " + dir + "/existing.conf");
    return "include \"" + dir + "/existing.conf\";";
}

// Whether text appeared in the file since offset (which moves on, keeping a tail for a line
// written in halves).
bool logShows(const std::string& path, const std::string& text, std::streamoff& offset) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    in.seekg(offset);
    std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (chunk.find(text) != std::string::npos) return true;
    if (chunk.size() > text.size()) offset += static_cast<std::streamoff>(chunk.size() - text.size());
    return false;
}

// One query of the stream: when it was sent and how long its answer took (kTimeoutMs when none
// came in time).
struct QuerySample {
    Clock::time_point sent;
    double ms = 0;
    bool timeout = false;
    bool bad = false;  // answered, but not NOERROR with the aa flag
    double lateMs = 0; // a timeout answered later after all: when
};

// A DNS query for name's SOA with the given id, recursion not desired.
std::string soaQuery(uint16_t id, const std::string& name) {
    std::string q{static_cast<char>(id >> 8), static_cast<char>(id & 0xff), 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    for (size_t start = 0; start < name.size();) {
        size_t dot = std::min(name.find('.', start), name.size());
        q += static_cast<char>(dot - start);
        q += name.substr(start, dot - start);
        start = dot + 1;
    }
    q += std::string{0, 0, 6, 0, 1}; // root label, type SOA, class IN
    return q;
}

// SOA queries for random zones of existingZone(0..zones-1) at qps from one UDP socket, each with
// its own id; a receiver thread matches answers to queries.
class QueryStream {
public:
    QueryStream(int port, int zones, int qps) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port));
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("query socket failed");
        receiver_ = std::thread([this] { receiveLoop(); });
        sender_ = std::thread([this, zones, qps] { sendLoop(zones, qps); });
    }
    ~QueryStream() { stop(); }
    QueryStream(const QueryStream&) = delete;
    QueryStream& operator=(const QueryStream&) = delete;

    // Stops sending, waits until every query is answered or timed out, stops receiving.
    void stop() {
        if (!sender_.joinable()) return;
        sending_ = false;
        sender_.join();
        eventually([&] { std::lock_guard lock(mutex_); return order_.empty(); }, kQueryTimeout * 2, std::chrono::milliseconds(10));
        receiving_ = false;
        receiver_.join();
        ::close(fd_);
    }

    // The finished queries whose time in flight overlaps [from, to].
    std::vector<QuerySample> during(Clock::time_point from, Clock::time_point to) const {
        std::lock_guard lock(mutex_);
        std::vector<QuerySample> out;
        for (const auto& s : samples_)
            if (s.sent <= to && s.sent + std::chrono::duration<double, std::milli>(s.ms) >= from) out.push_back(s);
        return out;
    }

private:
    struct InFlight {
        Clock::time_point sent;
        bool waiting = false;
        size_t expired = kNone; // its sample, once it timed out
    };
    static constexpr size_t kNone = static_cast<size_t>(-1);

    void sendLoop(int zones, int qps) {
        std::mt19937 random(11);
        auto interval = std::chrono::nanoseconds(1000000000LL / std::max(1, qps));
        auto next = Clock::now();
        for (uint32_t k = 0; sending_; ++k) {
            std::this_thread::sleep_until(next);
            next = std::max(next + interval, Clock::now() - std::chrono::seconds(1)); // no long catch-up burst
            auto id = static_cast<uint16_t>(k);
            std::string q = soaQuery(id, existingZone(static_cast<int>(random() % static_cast<unsigned>(zones))));
            {
                std::lock_guard lock(mutex_);
                inFlight_[id] = {Clock::now(), true, kNone};
                order_.push_back(id);
            }
            [[maybe_unused]] auto sent = ::send(fd_, q.data(), q.size(), 0); // a failed send times out
        }
    }

    void receiveLoop() {
        std::array<unsigned char, 4096> buf{};
        while (receiving_) {
            pollfd p{fd_, POLLIN, 0};
            ::poll(&p, 1, 10);
            std::lock_guard lock(mutex_);
            ssize_t n;
            while ((n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT)) >= 0)
                if (n >= 12) answered(buf.data(), Clock::now());
            expire(Clock::now());
        }
    }

    // Under mutex_.
    void answered(const unsigned char* header, Clock::time_point now) {
        auto& query = inFlight_[static_cast<size_t>(header[0] << 8 | header[1])];
        if (!query.waiting) { // already counted as timed out, or a duplicate
            if (query.expired != kNone) samples_[query.expired].lateMs = ms(now - query.sent);
            query.expired = kNone;
            return;
        }
        query.waiting = false;
        bool good = (header[2] & 0x80) && (header[2] & 0x04) && (header[3] & 0x0f) == 0; // QR, AA, NOERROR
        samples_.push_back({query.sent, ms(now - query.sent), false, !good, 0});
    }

    // Under mutex_: queries waiting longer than kQueryTimeout become timeouts.
    void expire(Clock::time_point now) {
        while (!order_.empty()) {
            auto& query = inFlight_[order_.front()];
            if (query.waiting && now - query.sent < kQueryTimeout) break;
            if (query.waiting) {
                query.expired = samples_.size();
                samples_.push_back({query.sent, kTimeoutMs, true, false, 0});
            }
            query.waiting = false;
            order_.pop_front();
        }
    }

    int fd_ = -1;
    std::atomic<bool> sending_{true}, receiving_{true};
    mutable std::mutex mutex_;
    std::vector<InFlight> inFlight_ = std::vector<InFlight>(65536);
    std::deque<uint16_t> order_; // ids in the order sent, until answered or timed out
    std::vector<QuerySample> samples_;
    std::thread receiver_, sender_;
};

struct WindowStats {
    size_t count = 0, timeouts = 0, bad = 0, late = 0; // late: timeouts answered later after all
    double median = 0, p99 = 0, p999 = 0, max = 0, maxLate = 0;
};

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size())))];
}

WindowStats windowStats(const std::vector<QuerySample>& samples) {
    WindowStats w;
    std::vector<double> v;
    for (const auto& s : samples) {
        v.push_back(s.ms);
        w.timeouts += s.timeout;
        w.bad += s.bad;
        w.late += s.lateMs > 0;
        w.maxLate = std::max(w.maxLate, s.lateMs);
    }
    std::sort(v.begin(), v.end());
    w.count = v.size();
    w.median = percentile(v, 0.5);
    w.p99 = percentile(v, 0.99);
    w.p999 = percentile(v, 0.999);
    w.max = v.empty() ? 0 : v.back();
    return w;
}

std::string latency(double value) {
    char buf[32];
    if (value >= kTimeoutMs) return "timeout";
    std::snprintf(buf, sizeof buf, value < 10 ? "%.2f ms" : "%.0f ms", value);
    return buf;
}

void printWindow(const char* label, const WindowStats& w) {
    std::printf("  %s: %zu queries, median %s, p99 %s, p99.9 %s, max %s, timeouts (no answer in 1 s) %zu (answered later: %zu, the "
                "latest after %.0f ms), not NOERROR+aa %zu\n",
                label, w.count, latency(w.median).c_str(), latency(w.p99).c_str(), latency(w.p999).c_str(), latency(w.max).c_str(), w.timeouts,
                w.late, w.maxLate, w.bad);
}

// Polls in rounds over the zones not yet served until named serves all, timeout passes or no
// zone came for `stalled`; returns how many it does not serve.
size_t waitServed(DnsPoller& named, std::vector<std::string> pending, std::chrono::seconds timeout, std::chrono::seconds stalled) {
    auto deadline = Clock::now() + timeout;
    auto progress = Clock::now();
    while (!pending.empty() && Clock::now() < deadline && Clock::now() - progress < stalled) {
        if (std::erase_if(pending, [&](const std::string& zone) { return named.authoritative(zone); }) > 0) progress = Clock::now();
        if (!pending.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pending.size();
}

// How many lines of named's log hold text.
size_t logCount(const std::string& path, const std::string& text) {
    std::ifstream in(path);
    size_t n = 0;
    for (std::string line; std::getline(in, line);) n += line.find(text) != std::string::npos;
    return n;
}

struct NamedStart {
    double rndcSeconds = 0;    // from named.sh start until rndc answered
    double loadedSeconds = -1; // until named logged "all zones loaded"
    long rssKb = 0;            // then
};

// Options for --existing zones in a static include, allow-new-zones; with a secondary on
// secondaryPort, notifies to it (the existing zones' turned off).
void prepareNamed(NamedServer& named, const Options& o, int secondaryPort) {
    std::printf("writing %d zone files for named ...\n", o.existing);
    std::fflush(stdout);
    named.setExtraConfig(writeExistingZones(named.dir(), o.existing, secondaryPort != 0));
    named.setOptions("allow-new-zones yes; " + (secondaryPort == 0 ? std::string("notify no;")
                                                                   : "notify explicit; also-notify { 127.0.0.1 port " + std::to_string(secondaryPort) +
                                                                         "; }; notify-delay 0;"));
    named.setStartWaitSeconds(1800);
}

NamedStart startNamed(NamedServer& named) {
    NamedStart s;
    auto t0 = Clock::now();
    named.start();
    s.rndcSeconds = secondsSince(t0);
    std::streamoff offset = 0;
    if (eventually([&] { return logShows(named.logFile(), "all zones loaded", offset); }, std::chrono::minutes(30), std::chrono::milliseconds(100)))
        s.loadedSeconds = secondsSince(t0);
    s.rssKb = residentKb(named.pid());
    return s;
}

void printStart(const Options& o, const NamedStart& s) {
    std::printf("named with %d existing zones: rndc answered after %.1f s, \"all zones loaded\" after %.1f s, RSS then %.0f MiB\n", o.existing,
                s.rndcSeconds, s.loadedSeconds, static_cast<double>(s.rssKb) / 1024);
    std::fflush(stdout);
}

// A catalog consumer of kCatalog, whose zones come from the primary on primaryPort.
void startSecondary(NamedServer& secondary, int primaryPort) {
    std::string primaries = "{ 127.0.0.1 port " + std::to_string(primaryPort) + "; }";
    secondary.setOptions("notify no; catalog-zones { zone \"" + kCatalog + "\" default-primaries " + primaries + "; };");
    secondary.setExtraConfig("zone \"" + kCatalog + "\" { type secondary; primaries " + primaries + "; file \"catalog.db\"; };");
    secondary.start();
}

std::string daemonConfig(const Options& o, const std::string& mode, const NamedServer& named) {
    std::string bind = "      zones_dir: " + named.dir() + "/zones\n";
    if (mode == "addzone")
        bind += "      zone_membership: addzone\n      rndc_conf: " + named.rndcConf() + "\n";
    else if (o.includeRndc == "conf")
        bind += "      named_conf: " + named.includeFile() + "\n      rndc_conf: " + named.rndcConf() + "\n";
    else
        bind += "      named_conf: " + named.includeFile() + "\n      rndc_command: \"" + named.rndcCommand() + "\"\n";
    if (o.secondary) bind += "      catalog_zone: " + kCatalog + "\n";
    bind += "      checkzone: " + o.checkzone + "\n";
    std::string cfg = baseConfig("dns:\n  backends:\n    bind:\n" + bind + "dispatch:\n  drift_interval: 0\n");
    cfg.replace(cfg.find("log_level: info"), 15, "log_level: warn");
    return cfg;
}

struct ModeResult {
    std::string mode;
    std::string error; // the run stopped here
    NamedStart start;
    PushRun push;
    Clock::time_point pushStart;
    double servedSeconds = 0; // first push until named served every new zone
    size_t notServed = 0;
    WindowStats baseline, during;
    long rssAfterKb = 0;
    size_t reconfigs = 0, addzones = 0; // control channel commands in named's log
    double secondaryAllSeconds = 0; // first push until the secondary served every new zone
    size_t secondaryNotServed = 0;
    std::vector<double> catalogMs; // one idle push acknowledged until the secondary serves it
    int catalogTimeouts = 0, catalogFailures = 0;
};

std::vector<std::string> newZones(int count) {
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) names.push_back(newZone(i));
    return names;
}

void measurePush(const Options& o, const NamedServer& named, const Daemon& d, ModeResult& r) {
    QueryStream stream(named.port(), o.existing, o.qps);
    auto baselineFrom = Clock::now() + std::chrono::seconds(1);
    std::this_thread::sleep_for(std::chrono::seconds(o.warmupSeconds));
    r.pushStart = Clock::now();
    r.push = pushZones(d, o.fresh, o.clients, newZone, [](int i) { return smallZoneText(newZone(i)); });
    DnsPoller poller(named.port());
    r.notServed = waitServed(poller, newZones(o.fresh), std::chrono::minutes(15), std::chrono::minutes(3));
    auto servedAt = Clock::now();
    r.servedSeconds = ms(servedAt - r.pushStart) / 1000;
    stream.stop();
    r.baseline = windowStats(stream.during(baselineFrom, r.pushStart));
    r.during = windowStats(stream.during(r.pushStart, servedAt));
    r.rssAfterKb = residentKb(named.pid());
    r.reconfigs = logCount(named.logFile(), "command 'reconfig'");
    r.addzones = logCount(named.logFile(), "command 'addzone");
}

// The secondary learning the burst from the catalog, then single idle pushes, one at a time.
void measureSecondary(const Options& o, const NamedServer& secondary, Daemon& d, ModeResult& r) {
    DnsPoller poller(secondary.port());
    r.secondaryNotServed = waitServed(poller, newZones(o.fresh), std::chrono::minutes(5), std::chrono::seconds(30));
    r.secondaryAllSeconds = secondsSince(r.pushStart);
    for (int k = 0; k < o.samples; ++k) {
        std::this_thread::sleep_for(std::chrono::seconds(6)); // idle, and past min-update-interval
        std::string zone = "c" + std::to_string(k) + ".scale.example";
        auto answer = d.call("PUT", "/api/v1/zones/" + zone, smallZoneText(zone));
        auto acknowledged = Clock::now();
        if (answer.status != 201) {
            ++r.catalogFailures;
            continue;
        }
        if (waitServed(poller, {zone}, std::chrono::seconds(60), std::chrono::seconds(60)) != 0) {
            ++r.catalogTimeouts; // the secondary does not learn zones: no point in waiting more minutes
            break;
        }
        r.catalogMs.push_back(msSince(acknowledged));
    }
}

ModeResult runMode(const Options& o, const std::string& mode) {
    ModeResult r;
    r.mode = mode;
    NamedServer named;
    std::optional<NamedServer> secondary;
    if (o.secondary) secondary.emplace();
    try {
        prepareNamed(named, o, secondary ? secondary->port() : 0);
        r.start = startNamed(named);
        printStart(o, r.start);
        if (secondary) startSecondary(*secondary, named.port());
        Daemon d(daemonConfig(o, mode, named));
        d.start();
        measurePush(o, named, d, r);
        if (secondary) measureSecondary(o, *secondary, d, r);
        d.stop();
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    if (secondary) secondary->stop();
    named.stop();
    return r;
}

void printSecondary(const Options& o, const ModeResult& r) {
    if (r.secondaryNotServed == static_cast<size_t>(o.fresh))
        std::printf("  secondary (catalog consumer): serves none of the %d new zones after %.1f s: TIMEOUT\n", o.fresh, r.secondaryAllSeconds);
    else
        std::printf("  secondary (catalog consumer): serves %zu of the %d new zones %.2f s after the first push\n",
                    static_cast<size_t>(o.fresh) - r.secondaryNotServed, o.fresh, r.secondaryAllSeconds);
    std::vector<double> sorted = r.catalogMs;
    std::sort(sorted.begin(), sorted.end());
    std::printf("  one idle push acknowledged until the secondary serves the zone: %zu samples, median %.0f ms, max %.0f ms; "
                "timeouts (60 s) %d, pushes failed %d\n",
                sorted.size(), percentile(sorted, 0.5), sorted.empty() ? 0 : sorted.back(), r.catalogTimeouts, r.catalogFailures);
    if (r.catalogTimeouts) std::printf("  SECONDARY NEVER SERVED an idle push within 60 s: the catalog did not reach it\n");
}

void printMode(const Options& o, const ModeResult& r) {
    std::printf("mode=%s existing=%d new=%d qps=%d clients=%d%s\n", r.mode.c_str(), o.existing, o.fresh, o.qps, o.clients,
                r.mode == "include" ? (" rndc=" + o.includeRndc).c_str() : "");
    if (!r.error.empty()) {
        std::printf("  FAILED: %s\n", r.error.c_str());
        return;
    }
    std::printf("  %d pushes acknowledged in %.2f s (%.0f/s), failures %d, latency median %.1f ms, p99 %.1f ms\n", o.fresh, r.push.seconds,
                o.fresh / r.push.seconds, r.push.failures, r.push.percentileMs(0.5), r.push.percentileMs(0.99));
    std::printf("  named serving all new zones %.2f s after the first push%s; named's log: %zu reconfig, %zu addzone commands\n",
                r.servedSeconds, r.notServed ? (" -- NOT SERVED: " + std::to_string(r.notServed) + " zones (timeout)").c_str() : "", r.reconfigs,
                r.addzones);
    printWindow("query stream, baseline", r.baseline);
    printWindow("query stream, first push to all served", r.during);
    std::printf("  named RSS after the run: %.0f MiB\n", static_cast<double>(r.rssAfterKb) / 1024);
    if (o.secondary) printSecondary(o, r);
    std::fflush(stdout);
}

void printRatio(const ModeResult& include, const ModeResult& addzone) {
    if (!include.error.empty() || !addzone.error.empty()) return;
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    std::printf("include / addzone: all served %.2fx, query p99 %.2fx, p99.9 %.2fx, max %.2fx, timeouts %zu vs %zu\n",
                ratio(include.servedSeconds, addzone.servedSeconds), ratio(include.during.p99, addzone.during.p99),
                ratio(include.during.p999, addzone.during.p999), ratio(include.during.max, addzone.during.max), include.during.timeouts,
                addzone.during.timeouts);
}

// --mode=raw: rndc commands straight to named, no dadns.
struct Timed {
    Clock::time_point from, to;
    bool ok = false;
};

Timed timedRndc(const NamedServer& named, std::vector<std::string> args) {
    args.insert(args.begin(), {"rndc", "-c", named.rndcConf()});
    auto from = Clock::now();
    bool ok = runCommand(args).status == 0;
    return {from, Clock::now(), ok};
}

// Per command: its time, and the longest query in flight during it; then the phase's queries.
void printTimed(const char* label, const std::vector<Timed>& runs, const QueryStream& stream, bool each) {
    std::vector<double> took, worst;
    int failed = 0;
    for (const auto& t : runs) {
        took.push_back(ms(t.to - t.from));
        worst.push_back(windowStats(stream.during(t.from, t.to)).max);
        failed += !t.ok;
        if (each) std::printf("  %s: %.0f ms, longest query during it %s\n", label, took.back(), latency(worst.back()).c_str());
    }
    if (runs.empty()) return;
    std::vector<double> sortedTook = took, sortedWorst = worst;
    std::sort(sortedTook.begin(), sortedTook.end());
    std::sort(sortedWorst.begin(), sortedWorst.end());
    std::printf("  %s x%zu (%d failed): median %.1f ms, p90 %.1f ms, max %.1f ms, first start to last end %.2f s; longest query during each: median %s, max %s\n",
                label, runs.size(), failed, percentile(sortedTook, 0.5), percentile(sortedTook, 0.9), sortedTook.back(),
                ms(runs.back().to - runs.front().from) / 1000, latency(percentile(sortedWorst, 0.5)).c_str(), latency(sortedWorst.back()).c_str());
    printWindow((std::string(label) + ", all queries").c_str(), windowStats(stream.during(runs.front().from, runs.back().to)));
}

// Zone files for the zones rndc addzone adds; returns their addzone arguments.
std::vector<std::pair<std::string, std::string>> writeAddedZones(const std::string& dir, int count) {
    std::filesystem::create_directories(dir);
    std::vector<std::pair<std::string, std::string>> zones;
    for (int i = 0; i < count; ++i) {
        std::string zone = newZone(i), file = dir + "/" + zone + ".db";
        writeFile(file, smallZoneText(zone));
        zones.emplace_back(zone, "{ type primary; file \"" + file + "\"; };");
    }
    return zones;
}

int runRaw(const Options& o) {
    NamedServer named;
    prepareNamed(named, o, 0);
    printStart(o, startNamed(named));
    auto added = writeAddedZones(named.dir() + "/added", o.addzones);
    QueryStream stream(named.port(), o.existing, o.qps);
    auto baselineFrom = Clock::now() + std::chrono::seconds(1);
    std::this_thread::sleep_for(std::chrono::seconds(o.warmupSeconds));
    auto baselineTo = Clock::now();
    std::vector<Timed> reconfigs, adds, deletes;
    for (int k = 0; k < o.reconfigs; ++k) {
        reconfigs.push_back(timedRndc(named, {"reconfig"}));
        std::this_thread::sleep_for(std::chrono::seconds(2));
    }
    for (const auto& [zone, config] : added) adds.push_back(timedRndc(named, {"addzone", zone, config}));
    DnsPoller poller(named.port());
    std::vector<std::string> names;
    for (const auto& z : added) names.push_back(z.first);
    size_t notServed = waitServed(poller, names, std::chrono::seconds(60), std::chrono::seconds(60));
    std::this_thread::sleep_for(std::chrono::seconds(2));
    for (const auto& z : added) deletes.push_back(timedRndc(named, {"delzone", z.first}));
    stream.stop();
    std::printf("mode=raw existing=%d qps=%d (rndc processes, no dadns)\n", o.existing, o.qps);
    printWindow("query stream, baseline", windowStats(stream.during(baselineFrom, baselineTo)));
    printTimed("rndc reconfig", reconfigs, stream, true);
    printTimed("rndc addzone", adds, stream, false);
    std::printf("  added zones not served 60 s after the last addzone: %zu of %zu\n", notServed, names.size());
    printTimed("rndc delzone", deletes, stream, false);
    named.stop();
    return notServed == 0 ? 0 : 1;
}

Options readOptions(int argc, char** argv) {
    Options o;
    o.existing = std::stoi(benchArg(argc, argv, "existing", std::to_string(o.existing)));
    o.fresh = std::stoi(benchArg(argc, argv, "new", std::to_string(o.fresh)));
    o.mode = benchArg(argc, argv, "mode", o.mode);
    o.qps = std::stoi(benchArg(argc, argv, "qps", std::to_string(o.qps)));
    o.clients = std::stoi(benchArg(argc, argv, "clients", std::to_string(o.clients)));
    o.secondary = benchArg(argc, argv, "secondary", "0") != "0";
    o.warmupSeconds = std::stoi(benchArg(argc, argv, "warmup", std::to_string(o.warmupSeconds)));
    o.includeRndc = benchArg(argc, argv, "include_rndc", o.includeRndc);
    o.samples = std::stoi(benchArg(argc, argv, "samples", std::to_string(o.samples)));
    o.reconfigs = std::stoi(benchArg(argc, argv, "reconfigs", std::to_string(o.reconfigs)));
    o.checkzone = benchArg(argc, argv, "checkzone", o.checkzone);
    o.addzones = std::stoi(benchArg(argc, argv, "addzones", std::to_string(o.addzones)));
    if (o.existing < 1 || o.fresh < 1 || o.qps < 1 || o.clients < 1 || o.warmupSeconds < 2)
        throw std::invalid_argument("--existing, --new, --qps and --clients must be at least 1, --warmup at least 2");
    if (o.mode != "include" && o.mode != "addzone" && o.mode != "both" && o.mode != "raw")
        throw std::invalid_argument("--mode must be include, addzone, both or raw");
    if (o.includeRndc != "command" && o.includeRndc != "conf") throw std::invalid_argument("--include_rndc must be command or conf");
    return o;
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    try {
        o = readOptions(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bind_scale_bench: %s\n", e.what());
        return 2;
    }
    if (o.mode == "raw") {
        try {
            return runRaw(o);
        } catch (const std::exception& e) { // after the named servers' destructors stopped them
            std::printf("mode=raw FAILED: %s\n", e.what());
            return 1;
        }
    }
    std::vector<std::string> modes = o.mode == "both" ? std::vector<std::string>{"include", "addzone"} : std::vector<std::string>{o.mode};
    std::vector<ModeResult> results;
    bool ok = true;
    for (const auto& mode : modes) {
        results.push_back(runMode(o, mode));
        printMode(o, results.back());
        ok = ok && results.back().error.empty() && results.back().notServed == 0 && results.back().push.failures == 0;
    }
    if (results.size() == 2) printRatio(results[0], results[1]);
    return ok ? 0 : 1;
}
