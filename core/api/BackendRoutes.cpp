// Backends and their queues: status, dead letters, redrive, drift scans.
#include "core/api/ApiContext.hpp"
#include "core/api/JsonWriter.hpp"
#include "core/util/Errors.hpp"

namespace dadns {
namespace {

void requireBackend(ApiContext& ctx, const std::string& name) {
    if (!ctx.dispatcher.hasBackend(name)) throw NotFound("no running backend named '" + name + "'");
}

} // namespace

void addBackendRoutes(Router& router, ApiContext& ctx) {
    router.add({"GET", "/api/v1/backends", RouteAccess::Read,
                [&ctx](ApiRequest&, ApiResponse& out) {
                    auto o = jsonObject();
                    auto arr = jsonArray();
                    for (const auto& lane : ctx.dispatcher.lanes()) {
                        auto b = laneStatusJson(lane);
                        // What the plugin says of its own state; a plugin whose JSON does not read is left out.
                        try {
                            auto details = parseJsonObject(ctx.dispatcher.details(lane.backend));
                            if (details->size() > 0) b->set("details", details);
                        } catch (const std::exception&) {
                        }
                        arr->add(b);
                    }
                    o->set("backends", arr);
                    out.json(200, toJson(o));
                },
                ""});

    router.add({"GET", "/api/v1/queue", RouteAccess::Read,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    size_t limit = 100;
                    try {
                        limit = std::min<size_t>(std::stoul(in.param("limit", "100")), 10000);
                    } catch (const std::logic_error&) {
                        throw InvalidInput("limit must be a whole number");
                    }
                    auto o = jsonObject();
                    auto arr = jsonArray();
                    for (const auto& lane : ctx.dispatcher.lanes()) {
                        auto b = jsonObject();
                        b->set("backend", lane.backend);
                        b->set("queued", static_cast<Poco::UInt64>(lane.queued));
                        b->set("in_flight", static_cast<Poco::UInt64>(lane.inFlight));
                        b->set("lag_seconds", static_cast<double>(lane.oldestPendingMs) / 1000.0);
                        auto pending = jsonArray();
                        auto list = ctx.store.pending(lane.backend);
                        for (size_t i = 0; i < list.size() && i < limit; ++i) {
                            auto p = jsonObject();
                            p->set("zone", list[i].zone);
                            p->set("version", list[i].version);
                            p->set("deleted", list[i].deleted);
                            p->set("attempts", list[i].attempts);
                            p->set("next_attempt_ms", list[i].nextAttemptMs);
                            pending->add(p);
                        }
                        b->set("pending", pending);
                        b->set("pending_total", static_cast<Poco::UInt64>(list.size()));
                        auto dead = jsonArray();
                        auto letters = ctx.store.deadLetters(lane.backend);
                        for (size_t i = 0; i < letters.size() && i < limit; ++i) {
                            auto d = jsonObject();
                            d->set("zone", letters[i].zone);
                            d->set("attempts", letters[i].attempts);
                            d->set("error", letters[i].lastError);
                            d->set("at_ms", letters[i].updatedAtMs);
                            dead->add(d);
                        }
                        b->set("dead_letters", dead);
                        b->set("dead_letters_total", static_cast<Poco::UInt64>(letters.size()));
                        arr->add(b);
                    }
                    o->set("queues", arr);
                    out.json(200, toJson(o));
                },
                ""});

    router.add({"POST", "/api/v1/backends/{name}/redrive", RouteAccess::Mutate,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    std::string name = in.pathParams["name"];
                    requireBackend(ctx, name);
                    auto o = jsonObject();
                    o->set("backend", name);
                    o->set("redriven", static_cast<Poco::UInt64>(ctx.dispatcher.redrive(name)));
                    out.json(200, toJson(o));
                },
                ""});

    router.add({"POST", "/api/v1/backends/{name}/drift", RouteAccess::Mutate,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    std::string name = in.pathParams["name"];
                    requireBackend(ctx, name);
                    std::string force = in.param("force", "false");
                    DriftReport r = ctx.dispatcher.scanDrift(name, force == "true" || force == "1" || force == "yes");
                    auto o = jsonObject();
                    o->set("backend", name);
                    o->set("backend_zones", static_cast<Poco::UInt64>(r.backendZones));
                    o->set("requeued", static_cast<Poco::UInt64>(r.missing + r.changed));
                    o->set("missing", static_cast<Poco::UInt64>(r.missing));
                    o->set("changed", static_cast<Poco::UInt64>(r.changed));
                    o->set("content_checked", static_cast<Poco::UInt64>(r.contentChecked));
                    o->set("unknown", static_cast<Poco::UInt64>(r.unknownTotal));
                    auto unknown = jsonArray();
                    for (const auto& z : r.unknown) unknown->add(z);
                    o->set("unknown_zones", unknown);
                    o->set("removed", static_cast<Poco::UInt64>(r.removed));
                    if (!r.refused.empty()) o->set("refused", r.refused);
                    if (!r.error.empty()) o->set("error", r.error);
                    out.json(r.error.empty() ? (r.refused.empty() ? 200 : 409) : 502, toJson(o));
                },
                ""});
}

} // namespace dadns
