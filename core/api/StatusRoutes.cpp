// Liveness, status, plugins and Prometheus metrics.
#include "core/api/ApiContext.hpp"
#include "core/api/JsonWriter.hpp"
#include "core/util/BuildInfo.hpp"

namespace dadns {
namespace {

Poco::JSON::Object::Ptr laneJson(const LaneStatus& lane) {
    auto o = jsonObject();
    o->set("name", lane.backend);
    o->set("plugin", lane.plugin);
    o->set("up", lane.up);
    if (!lane.up) o->set("down_reason", lane.downReason);
    o->set("parallelism", lane.parallelism);
    o->set("verification", lane.verification);
    o->set("queued", static_cast<Poco::UInt64>(lane.queued));
    o->set("retrying", static_cast<Poco::UInt64>(lane.retrying));
    o->set("in_flight", static_cast<Poco::UInt64>(lane.inFlight));
    o->set("lag_seconds", static_cast<double>(lane.oldestPendingMs) / 1000.0);
    o->set("applied", lane.applied);
    o->set("failed", lane.failed);
    o->set("repaired", lane.repaired);
    o->set("dead_letters", lane.deadLetters);
    o->set("consecutive_failures", lane.consecutiveFailures);
    o->set("last_error", lane.lastError);
    if (!lane.houseKeepingError.empty()) {
        o->set("house_keeping_error", lane.houseKeepingError);
        o->set("house_keeping_error_at_ms", lane.houseKeepingErrorAtMs);
    }
    o->set("progress", lane.progress);
    auto rates = jsonArray();
    for (double r : lane.appliesPerSecond) rates->add(r);
    o->set("applies_per_second", rates);
    o->set("rate_interval_seconds", lane.rateSlotSeconds);
    auto d = jsonObject();
    d->set("scanned_at_ms", lane.drift.atMs);
    d->set("backend_zones", static_cast<Poco::UInt64>(lane.drift.backendZones));
    d->set("missing", static_cast<Poco::UInt64>(lane.drift.missing));
    d->set("changed", static_cast<Poco::UInt64>(lane.drift.changed));
    d->set("content_checked", static_cast<Poco::UInt64>(lane.drift.contentChecked));
    if (!lane.drift.contentResumeAfter.empty()) d->set("content_resume_after", lane.drift.contentResumeAfter);
    d->set("unknown", static_cast<Poco::UInt64>(lane.drift.unknownTotal));
    auto unknown = jsonArray();
    for (const auto& z : lane.drift.unknown) unknown->add(z);
    d->set("unknown_zones", unknown);
    d->set("removed", static_cast<Poco::UInt64>(lane.drift.removed));
    if (!lane.drift.refused.empty()) d->set("refused", lane.drift.refused);
    if (!lane.drift.error.empty()) d->set("error", lane.drift.error);
    o->set("drift", d);
    return o;
}

// The store's figures; a store that cannot answer now is a reason, not a failed status call.
Poco::JSON::Object::Ptr storeJson(ZoneStore& zoneStore, Poco::JSON::Array& reasons) {
    auto store = jsonObject();
    try {
        StoreStats stats = zoneStore.stats();
        store->set("engine", stats.engine);
        store->set("location", stats.location);
        store->set("zones", static_cast<Poco::UInt64>(stats.zones));
        store->set("deleted_zones", static_cast<Poco::UInt64>(stats.deletedZones));
    } catch (const std::exception& e) {
        store->set("error", std::string(e.what()));
        reasons.add("store: " + std::string(e.what()));
    }
    return store;
}

Poco::JSON::Array::Ptr pluginsJson(const PluginLoader& loader) {
    auto arr = jsonArray();
    for (const auto& r : loader.reports()) {
        auto o = jsonObject();
        o->set("name", r.name);
        o->set("version", r.version);
        o->set("kind", r.kind);
        o->set("path", r.path);
        o->set("abi", r.abi);
        o->set("loaded", r.loaded);
        if (!r.loaded) o->set("reason", r.reason);
        arr->add(o);
    }
    return arr;
}

Poco::JSON::Array::Ptr instancesJson(const PluginInstances& instances) {
    auto arr = jsonArray();
    for (const auto& st : instances.statuses()) {
        auto o = jsonObject();
        o->set("name", st.name);
        o->set("kind", st.kind);
        o->set("plugin", st.plugin);
        o->set("state", st.state);
        if (!st.error.empty()) o->set("error", st.error);
        arr->add(o);
    }
    for (const auto& s : instances.services()) {
        // Services describe themselves (e.g. cluster members, registered hosts).
        for (size_t i = 0; i < arr->size(); ++i) {
            auto o = arr->getObject(static_cast<unsigned>(i));
            if (o->getValue<std::string>("name") == s->name()) {
                try {
                    o->set("details", parseJsonObject(s->describe()));
                } catch (const std::exception&) {
                }
            }
        }
    }
    return arr;
}

} // namespace

void addStatusRoutes(Router& router, ApiContext& ctx) {
    router.add({"GET", "/health", RouteAccess::Open, [](ApiRequest&, ApiResponse& out) { out.json(200, "{\"status\":\"alive\"}"); }, ""});

    router.add({"GET", "/api/v1/status", RouteAccess::Read,
                [&ctx](ApiRequest&, ApiResponse& out) {
                    auto o = jsonObject();
                    auto reasons = jsonArray();
                    auto lanes = ctx.dispatcher.lanes();
                    size_t running = 0, enabledBackends = 0;
                    for (const auto& st : ctx.instances.statuses()) {
                        if (st.state == "failed") reasons->add(st.kind + " '" + st.name + "' failed: " + st.error);
                        if (st.kind == "backend" && st.enabled) ++enabledBackends;
                    }
                    size_t up = 0;
                    for (const auto& l : lanes) {
                        ++running;
                        if (l.up) ++up;
                        else reasons->add("backend '" + l.backend + "' is down: " + l.downReason);
                        if (!l.houseKeepingError.empty()) reasons->add("backend '" + l.backend + "': " + l.houseKeepingError);
                        if (l.deadLetters) reasons->add("backend '" + l.backend + "' has " + std::to_string(l.deadLetters) + " dead letter(s)");
                        // Up, yet failing some zones: not in sync, so not ok.
                        if (l.up && l.retrying)
                            reasons->add("backend '" + l.backend + "' is retrying " + std::to_string(l.retrying) + " zone(s); last error: " + l.lastError);
                    }
                    for (const auto& r : ctx.loader.reports())
                        if (!r.loaded) reasons->add("plugin " + (r.name.empty() ? "" : r.name + " ") + "refused: " + r.path + ": " + r.reason);
                    auto store = storeJson(ctx.store, *reasons);
                    std::string status = "ok";
                    if (reasons->size() > 0) status = "degraded";
                    if (enabledBackends > 0 && up == 0) status = "error";
                    o->set("status", status);
                    o->set("reasons", reasons);
                    o->set("version", versionString());
                    o->set("node_id", ctx.config.nodeId);
                    o->set("role", ctx.config.role);
                    o->set("uptime_seconds",
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.startedAt).count());
                    o->set("store", store);
                    o->set("plugins", pluginsJson(ctx.loader));
                    o->set("instances", instancesJson(ctx.instances));
                    auto backends = jsonArray();
                    for (const auto& l : lanes) backends->add(laneJson(l));
                    o->set("backends", backends);
                    out.json(200, toJson(o));
                },
                ""});

    router.add({"GET", "/api/v1/plugins", RouteAccess::Read,
                [&ctx](ApiRequest&, ApiResponse& out) {
                    auto o = jsonObject();
                    o->set("abi", std::to_string(DADNS_ABI_MAJOR) + "." + std::to_string(DADNS_ABI_MINOR));
                    o->set("plugins", pluginsJson(ctx.loader));
                    o->set("instances", instancesJson(ctx.instances));
                    out.json(200, toJson(o));
                },
                ""});

    router.add({"GET", "/metrics", RouteAccess::Read,
                [&ctx](ApiRequest&, ApiResponse& out) {
                    out.text(200, ctx.metrics.renderPrometheus(), "text/plain; version=0.0.4; charset=utf-8");
                },
                ""});
}

Poco::JSON::Object::Ptr laneStatusJson(const LaneStatus& lane) { return laneJson(lane); }

} // namespace dadns
