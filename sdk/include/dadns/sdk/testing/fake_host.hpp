// A dadns host in a test process: a real dadns_host_api table (every member of this SDK's
// minor) whose functions record what plugins do and answer from what they submitted. See
// dadns/sdk/testing.hpp for how a test uses it.
#pragma once

#include <dadns/abi.h>
#include <dadns/sdk/host.hpp>
#include <dadns/sdk/testing/fake_zone_store.hpp>
#include <dadns/sdk/testing/http_exchange.hpp>
#include <dadns/sdk/testing/recorded_calls.hpp>
#include <dadns/sdk/types.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dadns::sdk::testing {

// The fake fills every member of the host table; a member appended to abi.h needs its fake here.
static_assert(sizeof(dadns_host_api) == offsetof(dadns_host_api, zone_backends) + sizeof(dadns_host_api::zone_backends),
              "dadns_host_api has members the fake host does not fill");

class FakeHost {
public:
    FakeHost() {
        table_.struct_size = sizeof(dadns_host_api);
        table_.abi_major = DADNS_ABI_MAJOR;
        table_.abi_minor = DADNS_ABI_MINOR;
        table_.host_ctx = instanceContext("plugin"); // calls made outside any instance
        table_.log = &FakeHost::cLog;
        table_.submit_change = &FakeHost::cSubmitChange;
        table_.read_zone = &FakeHost::cReadZone;
        table_.list_zones = &FakeHost::cListZones;
        table_.register_route = &FakeHost::cRegisterRoute;
        table_.check_credentials = &FakeHost::cCheckCredentials;
        table_.counter_add = &FakeHost::cCounterAdd;
        table_.gauge_set = &FakeHost::cGaugeSet;
        table_.histogram_observe = &FakeHost::cHistogramObserve;
        table_.node_id = &FakeHost::cNodeId;
        table_.api_url = &FakeHost::cApiUrl;
        table_.zone_backends = &FakeHost::cZoneBackends;
    }
    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    // ---- What the host answers ---------------------------------------------------------
    void setNodeId(std::string id) { remember(nodeIds_, std::move(id)); }
    void setApiUrl(std::string url) { remember(apiUrls_, std::move(url)); }
    // check_credentials accepts exactly this pair (by default it accepts none).
    void setCredentials(std::string user, std::string password) {
        setCredentialCheck([user, password](std::string_view u, std::string_view p) { return u == user && p == password; });
    }
    void setCredentialCheck(std::function<bool(std::string_view user, std::string_view password)> check) {
        std::lock_guard<std::mutex> lock(mutex_);
        credentials_ = std::move(check);
    }
    // The next `times` calls of `call` fail with code and message and change nothing.
    void failNext(HostCall call, dadns_status_code code, std::string message, int times = 1) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (int i = 0; i < times; ++i) failures_[call].push_back({code, message});
    }
    // A zone's state as if another source had stored it (not recorded as a submission).
    void putZone(ZoneInfo zone) {
        std::lock_guard<std::mutex> lock(mutex_);
        zones_.put(std::move(zone));
    }
    // What zone_backends reports for zone (by default: no backend runs).
    void setZoneBackends(const std::string& zone, std::vector<ZoneBackendState> states) {
        std::lock_guard<std::mutex> lock(mutex_);
        backendStates_[FakeZoneStore::normalizeName(zone)] = std::move(states);
    }
    // Copies every log line to stderr as it arrives (for debugging a test).
    void echoLogs(bool on) {
        std::lock_guard<std::mutex> lock(mutex_);
        echo_ = on;
    }

    // ---- For plugin code -----------------------------------------------------------------
    const dadns_host_api* table() const { return &table_; }
    // host_ctx for one instance: its calls are recorded under this name.
    void* instanceContext(std::string instance) {
        std::lock_guard<std::mutex> lock(mutex_);
        callers_.push_back(Caller{this, std::move(instance)});
        return &callers_.back();
    }
    // What a plugin class is constructed with: new MyBackend(host.context("mine", config)).
    InstanceContext context(std::string instance, std::string configJson = "{}") {
        void* ctx = instanceContext(instance);
        return InstanceContext{Host(&table_, ctx), std::move(instance), std::move(configJson)};
    }

    // ---- What plugins did ----------------------------------------------------------------
    std::vector<Submission> submissions() const { return locked(submissions_); }
    std::vector<LogLine> logs() const { return locked(logs_); }
    std::vector<MetricSample> metrics() const { return locked(metrics_); }
    std::vector<RouteInfo> routes() const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<RouteInfo> out;
        for (const auto& r : routes_) out.push_back(r->info);
        return out;
    }
    // The zone's current state (deleted included); nullopt when unknown.
    std::optional<ZoneInfo> zone(std::string_view name) const {
        std::lock_guard<std::mutex> lock(mutex_);
        return zones_.find(name);
    }
    std::vector<ZoneInfo> zones() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return zones_.all();
    }
    // A log line at level or above containing text.
    bool logged(std::string_view text, dadns_log_level atLeast = DADNS_LOG_TRACE) const {
        for (const auto& l : logs())
            if (l.level >= atLeast && l.message.find(text) != std::string::npos) return true;
        return false;
    }
    // Sum of a counter's increments over the series that carry every label given.
    double counter(std::string_view name, Labels labels = {}) const {
        double sum = 0;
        for (const auto& m : matching(MetricKind::Counter, name, labels)) sum += m.value;
        return sum;
    }
    // The last value set on a matching gauge series; nullopt when none was set.
    std::optional<double> gauge(std::string_view name, Labels labels = {}) const {
        auto found = matching(MetricKind::Gauge, name, labels);
        if (found.empty()) return std::nullopt;
        return found.back().value;
    }
    std::vector<double> observations(std::string_view name, Labels labels = {}) const {
        std::vector<double> out;
        for (const auto& m : matching(MetricKind::Histogram, name, labels)) out.push_back(m.value);
        return out;
    }

    // Waits until done() is true, re-checking after every recorded call; false on timeout.
    // For plugins that call the host from their own threads.
    template <class Done>
    bool waitUntil(Done done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        std::unique_lock<std::mutex> lock(mutex_);
        while (true) {
            uint64_t seen = events_;
            lock.unlock();
            if (done()) return true;
            lock.lock();
            if (!changed_.wait_until(lock, deadline, [&] { return events_ != seen; })) {
                lock.unlock();
                return done();
            }
        }
    }

    // ---- Routes --------------------------------------------------------------------------
    // Sends call to the route the daemon would pick (the longest matching prefix whose method
    // fits); 404, or 405 when only the method differs, with a JSON error otherwise.
    HttpReply call(const HttpCall& request) const {
        HttpCall c = detail::normalized(request);
        std::shared_ptr<const Route> best;
        bool pathMatched = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (const auto& r : routes_) {
                if (c.path.compare(0, r->info.prefix.size(), r->info.prefix) != 0) continue;
                pathMatched = true;
                bool methodFits = r->info.method == "*" || r->info.method == c.method;
                if (methodFits && (!best || r->info.prefix.size() > best->info.prefix.size())) best = r;
            }
        }
        if (!best) {
            HttpReply reply;
            reply.status = pathMatched ? 405 : 404;
            reply.headers.emplace_back("Content-Type", "application/json");
            reply.body = pathMatched ? "{\"error\":\"method not allowed\"}" : "{\"error\":\"not found\"}";
            return reply;
        }
        return detail::exchange(best->handler, best->handlerCtx, c);
    }
    // What the daemon does before it destroys an instance: its routes go.
    void removeRoutes(std::string_view instance) {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::shared_ptr<const Route>> kept;
        for (auto& r : routes_)
            if (r->info.instance != instance) kept.push_back(std::move(r));
        routes_ = std::move(kept);
    }

private:
    struct Caller {
        FakeHost* host;
        std::string instance;
    };
    struct Failure {
        dadns_status_code code;
        std::string message;
    };
    struct Route {
        RouteInfo info;
        dadns_http_handler handler;
        void* handlerCtx;
    };

    static Caller& caller(void* ctx) { return *static_cast<Caller*>(ctx); }

    template <class T>
    std::vector<T> locked(const std::vector<T>& items) const {
        std::lock_guard<std::mutex> lock(mutex_);
        return items;
    }
    void remember(std::list<std::string>& values, std::string value) {
        std::lock_guard<std::mutex> lock(mutex_);
        values.push_back(std::move(value)); // earlier values stay valid: plugins may hold them
    }
    // Call with mutex_ held: wakes waitUntil.
    void recorded() {
        ++events_;
        changed_.notify_all();
    }
    // Call with mutex_ held: the next injected failure of call, if any.
    std::optional<Failure> takeFailure(HostCall call) {
        auto& queue = failures_[call];
        if (queue.empty()) return std::nullopt;
        Failure f = queue.front();
        queue.pop_front();
        return f;
    }
    static int32_t fail(dadns_status* status, dadns_status_code code, std::string_view message) {
        setStatus(status, code, message);
        return code;
    }
    static bool hasLabels(const MetricSample& m, Labels labels) {
        for (const auto& [k, v] : labels) {
            bool found = false;
            for (const auto& [mk, mv] : m.labels) found = found || (mk == k && mv == v);
            if (!found) return false;
        }
        return true;
    }
    std::vector<MetricSample> matching(MetricKind kind, std::string_view name, Labels labels) const {
        std::vector<MetricSample> out;
        for (const auto& m : metrics())
            if (m.kind == kind && m.name == name && hasLabels(m, labels)) out.push_back(m);
        return out;
    }

    // ---- The table's functions -------------------------------------------------------------
    // The table's functions are called from the plugin's code: none lets an exception out.
    static void cLog(void* ctx, int32_t level, dadns_str message) {
        try {
            Caller& c = caller(ctx);
            std::lock_guard<std::mutex> lock(c.host->mutex_);
            LogLine line{static_cast<dadns_log_level>(level), std::string(view(message)), c.instance};
            if (c.host->echo_) std::fprintf(stderr, "[%d] %s: %s\n", level, line.instance.c_str(), line.message.c_str());
            c.host->logs_.push_back(std::move(line));
            c.host->recorded();
        } catch (...) {
        }
    }

    static Submission toSubmission(const dadns_change& change, const std::string& instance) {
        Submission s;
        s.kind = static_cast<dadns_change_kind>(change.kind);
        s.zone = std::string(view(change.zone));
        s.zoneText = std::string(view(change.zone_text));
        if (change.kind == DADNS_CHANGE_RECORDS && change.records) {
            dadns_zone z{};
            z.records = change.records;
            z.record_count = change.record_count;
            s.records = toZone(z).records;
        }
        s.origin = Origin{std::string(view(change.source)), std::string(view(change.origin_host)), std::string(view(change.origin_user)),
                          std::string(view(change.stamp))};
        s.instance = instance;
        return s;
    }

    static void fillResult(dadns_change_result* result, const FakeZoneStore::Outcome& out) {
        if (!result) return;
        // The plugin's struct may be older and smaller: fill only what it has room for.
        dadns_change_result full{};
        full.struct_size = sizeof(full);
        full.version = out.stored ? out.version : 0;
        full.applied = out.stored ? 1 : 0;
        full.record_count = out.recordCount;
        uint32_t size = result->struct_size && result->struct_size < sizeof(full) ? result->struct_size : sizeof(full);
        std::memcpy(result, &full, size);
        result->struct_size = size;
    }

    static int32_t cSubmitChange(void* ctx, const dadns_change* change, dadns_change_result* result, dadns_status* status) {
        Caller& c = caller(ctx);
        if (!change) return fail(status, DADNS_ERR_PERMANENT, "no change given");
        if (change->kind < DADNS_CHANGE_ZONE_TEXT || change->kind > DADNS_CHANGE_DELETE)
            return fail(status, DADNS_ERR_PERMANENT, "unknown change kind " + std::to_string(change->kind));
        Submission s = toSubmission(*change, c.instance);
        std::lock_guard<std::mutex> lock(c.host->mutex_);
        FakeZoneStore::Outcome out;
        if (auto injected = c.host->takeFailure(HostCall::SubmitChange)) {
            s.code = injected->code;
            s.message = injected->message;
        } else {
            try {
                out = c.host->zones_.submit(s, c.host->nodeIds_.back());
                s.stored = out.stored;
                s.version = out.version;
            } catch (const Error& e) {
                s.code = e.code();
                s.message = e.what();
            }
        }
        c.host->submissions_.push_back(s);
        c.host->recorded();
        if (s.code != DADNS_OK) return fail(status, s.code, s.message);
        fillResult(result, out);
        setStatus(status, DADNS_OK, "");
        return DADNS_OK;
    }

    static void sinkInfo(const ZoneInfo& z, bool withText, void* sinkCtx, dadns_zone_info_sink sink) {
        dadns_zone_info info{};
        info.struct_size = sizeof(info);
        info.name = str(z.name);
        info.version = z.version;
        info.deleted = z.deleted ? 1 : 0;
        info.stamp = str(z.stamp);
        info.source = str(z.source);
        info.origin_host = str(z.originHost);
        info.origin_user = str(z.originUser);
        if (withText) info.zone_text = str(z.zoneText);
        sink(sinkCtx, &info);
    }

    static int32_t cReadZone(void* ctx, dadns_str zone, void* sinkCtx, dadns_zone_info_sink sink, dadns_status* status) {
        Caller& c = caller(ctx);
        if (!sink) return fail(status, DADNS_ERR_PERMANENT, "no sink given");
        std::optional<ZoneInfo> found;
        {
            std::lock_guard<std::mutex> lock(c.host->mutex_);
            if (auto injected = c.host->takeFailure(HostCall::ReadZone)) return fail(status, injected->code, injected->message);
            try {
                found = c.host->zones_.find(view(zone));
            } catch (const Error& e) {
                return fail(status, e.code(), e.what());
            }
        }
        if (!found) return fail(status, DADNS_ERR_PERMANENT, "no such zone: " + FakeZoneStore::normalizeName(view(zone)));
        sinkInfo(*found, true, sinkCtx, sink); // outside the lock: a sink may call the host again
        setStatus(status, DADNS_OK, "");
        return DADNS_OK;
    }

    static int32_t cListZones(void* ctx, void* sinkCtx, dadns_zone_info_sink sink, dadns_status* status) {
        Caller& c = caller(ctx);
        if (!sink) return fail(status, DADNS_ERR_PERMANENT, "no sink given");
        std::vector<ZoneInfo> all;
        {
            std::lock_guard<std::mutex> lock(c.host->mutex_);
            if (auto injected = c.host->takeFailure(HostCall::ListZones)) return fail(status, injected->code, injected->message);
            all = c.host->zones_.all();
        }
        for (const auto& z : all) sinkInfo(z, false, sinkCtx, sink);
        setStatus(status, DADNS_OK, "");
        return DADNS_OK;
    }

    static int32_t cZoneBackends(void* ctx, dadns_str zone, void* sinkCtx, dadns_zone_backend_sink sink, dadns_status* status) {
        Caller& c = caller(ctx);
        if (!sink) return fail(status, DADNS_ERR_PERMANENT, "no sink given");
        std::vector<ZoneBackendState> states;
        {
            std::lock_guard<std::mutex> lock(c.host->mutex_);
            if (auto injected = c.host->takeFailure(HostCall::ZoneBackends)) return fail(status, injected->code, injected->message);
            try {
                auto it = c.host->backendStates_.find(FakeZoneStore::normalizeName(view(zone)));
                if (it != c.host->backendStates_.end()) states = it->second;
            } catch (const Error& e) {
                return fail(status, e.code(), e.what());
            }
        }
        for (const auto& s : states) {
            dadns_zone_backend_state out{};
            out.struct_size = sizeof(out);
            out.backend = str(s.backend);
            out.applied_version = s.appliedVersion;
            out.failing = s.failing ? 1 : 0;
            out.dead_letter = s.deadLetter ? 1 : 0;
            out.error = str(s.error);
            out.updated_at_ms = s.updatedAtMs;
            sink(sinkCtx, &out);
        }
        setStatus(status, DADNS_OK, "");
        return DADNS_OK;
    }

    static int32_t cRegisterRoute(void* ctx, dadns_str method, dadns_str prefix, int32_t auth, dadns_http_handler handler,
                                  void* handlerCtx, dadns_status* status) {
        try {
            return registerRoute(ctx, method, prefix, auth, handler, handlerCtx, status);
        } catch (const std::exception& e) {
            return fail(status, DADNS_ERR_RETRYABLE, e.what());
        }
    }
    static int32_t registerRoute(void* ctx, dadns_str method, dadns_str prefix, int32_t auth, dadns_http_handler handler,
                                 void* handlerCtx, dadns_status* status) {
        Caller& c = caller(ctx);
        std::string path(view(prefix));
        if (!handler) return fail(status, DADNS_ERR_PERMANENT, "no handler given");
        if (path.empty() || path[0] != '/') return fail(status, DADNS_ERR_PERMANENT, "route prefix must start with '/'");
        if (path.find_first_of("*{") != std::string::npos) return fail(status, DADNS_ERR_PERMANENT, "route prefix must not contain '*' or '{'");
        auto route = std::make_shared<Route>();
        route->info.method = detail::upperCase(std::string(view(method)));
        if (route->info.method.empty()) route->info.method = "*";
        route->info.prefix = path;
        route->info.auth = auth == DADNS_ROUTE_AUTH_PLUGIN ? DADNS_ROUTE_AUTH_PLUGIN : DADNS_ROUTE_AUTH_HOST;
        route->info.instance = c.instance;
        route->handler = handler;
        route->handlerCtx = handlerCtx;
        std::lock_guard<std::mutex> lock(c.host->mutex_);
        if (auto injected = c.host->takeFailure(HostCall::RegisterRoute)) return fail(status, injected->code, injected->message);
        c.host->routes_.push_back(std::move(route));
        c.host->recorded();
        setStatus(status, DADNS_OK, "");
        return DADNS_OK;
    }

    static int32_t cCheckCredentials(void* ctx, dadns_str user, dadns_str password) {
        std::function<bool(std::string_view, std::string_view)> check;
        {
            std::lock_guard<std::mutex> lock(caller(ctx).host->mutex_);
            check = caller(ctx).host->credentials_;
        }
        try {
            return check && check(view(user), view(password)) ? 1 : 0;
        } catch (...) {
            return 0;
        }
    }

    static void recordMetric(void* ctx, MetricKind kind, dadns_str name, dadns_str help, const dadns_label* labels, size_t count,
                             double value) {
        try {
            recordMetricOrThrow(ctx, kind, name, help, labels, count, value);
        } catch (...) {
        }
    }
    static void recordMetricOrThrow(void* ctx, MetricKind kind, dadns_str name, dadns_str help, const dadns_label* labels, size_t count,
                                    double value) {
        Caller& c = caller(ctx);
        MetricSample m{kind, std::string(view(name)), std::string(view(help)), {}, value};
        bool hasInstance = false;
        for (size_t i = 0; labels && i < count; ++i) {
            m.labels.emplace_back(std::string(view(labels[i].name)), std::string(view(labels[i].value)));
            hasInstance = hasInstance || m.labels.back().first == "instance";
        }
        if (!hasInstance) m.labels.emplace_back("instance", c.instance);
        std::lock_guard<std::mutex> lock(c.host->mutex_);
        c.host->metrics_.push_back(std::move(m));
        c.host->recorded();
    }
    static void cCounterAdd(void* ctx, dadns_str name, dadns_str help, const dadns_label* labels, size_t count, double value) {
        recordMetric(ctx, MetricKind::Counter, name, help, labels, count, value);
    }
    static void cGaugeSet(void* ctx, dadns_str name, dadns_str help, const dadns_label* labels, size_t count, double value) {
        recordMetric(ctx, MetricKind::Gauge, name, help, labels, count, value);
    }
    static void cHistogramObserve(void* ctx, dadns_str name, dadns_str help, const dadns_label* labels, size_t count, double value) {
        recordMetric(ctx, MetricKind::Histogram, name, help, labels, count, value);
    }

    static dadns_str cNodeId(void* ctx) {
        std::lock_guard<std::mutex> lock(caller(ctx).host->mutex_);
        return str(caller(ctx).host->nodeIds_.back());
    }
    static dadns_str cApiUrl(void* ctx) {
        std::lock_guard<std::mutex> lock(caller(ctx).host->mutex_);
        return str(caller(ctx).host->apiUrls_.back());
    }

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    uint64_t events_ = 0;
    std::deque<Caller> callers_; // deque: contexts handed out stay where they are
    dadns_host_api table_{};
    FakeZoneStore zones_;
    std::vector<Submission> submissions_;
    std::vector<LogLine> logs_;
    std::vector<MetricSample> metrics_;
    std::vector<std::shared_ptr<const Route>> routes_;
    std::map<HostCall, std::deque<Failure>> failures_;
    std::map<std::string, std::vector<ZoneBackendState>> backendStates_;
    std::list<std::string> nodeIds_{"test-node"};
    std::list<std::string> apiUrls_{"http://127.0.0.1:2222"};
    std::function<bool(std::string_view, std::string_view)> credentials_;
    bool echo_ = false;
};

} // namespace dadns::sdk::testing
