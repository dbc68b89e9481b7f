// The zones as the console lists them: GET /api/v1/zones paged by name, searched, filtered by
// where they stand on the running backends, each row with every backend's state; one kept
// version with its text (for diffs); and the redrive of one zone's dead letters.
#include "core/api/ApiContext.hpp"
#include "core/api/JsonWriter.hpp"
#include "core/api/ZoneSync.hpp"
#include "core/util/Errors.hpp"
#include "core/zone/ZoneName.hpp"

#include <Poco/String.h>

#include <set>

namespace dadns {
namespace {

enum class SyncFilter {
    All,
    OutOfSync,     // not in sync on at least one running backend
    InSyncNowhere  // in sync on no running backend
};

struct ListQuery {
    ZoneListFilter filter;
    SyncFilter sync = SyncFilter::All;
};

ListQuery listQuery(const ApiRequest& in) {
    ListQuery q;
    std::string state = in.param("state", "active");
    if (state == "active") q.filter.state = ZoneListFilter::State::Active;
    else if (state == "deleted") q.filter.state = ZoneListFilter::State::Deleted;
    else if (state == "any" || state == "all") q.filter.state = ZoneListFilter::State::Any;
    else throw InvalidInput("state must be active, deleted or any");
    std::string sync = in.param("sync", "all");
    if (sync == "all") q.sync = SyncFilter::All;
    else if (sync == "out") q.sync = SyncFilter::OutOfSync;
    else if (sync == "none") q.sync = SyncFilter::InSyncNowhere;
    else throw InvalidInput("sync must be all, out or none");
    q.filter.after = in.param("after");
    q.filter.nameContains = Poco::toLower(in.param("search"));
    if (!q.filter.nameContains.empty() && q.filter.nameContains.back() == '.') q.filter.nameContains.pop_back(); // names are stored without it
    if (q.filter.nameContains.size() > 255) throw InvalidInput("search is longer than a zone name can be");
    try {
        q.filter.limit = static_cast<size_t>(std::stoul(in.param("limit", "100")));
    } catch (const std::logic_error&) {
        throw InvalidInput("limit must be a whole number");
    }
    if (q.filter.limit == 0 || q.filter.limit > 1000) throw InvalidInput("limit must be between 1 and 1000");
    return q;
}

bool stateMatches(const ZoneListFilter& f, const ZoneState& z) {
    if (f.state == ZoneListFilter::State::Active && z.deleted) return false;
    if (f.state == ZoneListFilter::State::Deleted && !z.deleted) return false;
    return z.name.find(f.nameContains) != std::string::npos;
}

bool syncMatches(SyncFilter f, const std::vector<BackendSync>& sync) {
    if (f == SyncFilter::All) return true;
    size_t applied = 0;
    for (const auto& s : sync) applied += std::string_view(s.state) == "applied";
    if (f == SyncFilter::OutOfSync) return applied < sync.size();
    return !sync.empty() && applied == 0;
}

// The zones a filter can match, from each backend's pending work and dead letters: out of
// sync on some backend (the union) or on every one (the intersection). Rows are checked again
// against their states, as these lists are a moment older.
std::set<std::string> candidates(ZoneStore& store, const std::vector<std::string>& backends, SyncFilter f) {
    std::set<std::string> out;
    bool first = true;
    for (const auto& b : backends) {
        std::set<std::string> mine;
        for (const auto& p : store.pending(b)) mine.insert(p.zone);
        for (const auto& d : store.deadLetters(b)) mine.insert(d.zone);
        if (f == SyncFilter::OutOfSync) {
            out.merge(mine);
        } else if (first) {
            out = std::move(mine);
        } else {
            std::set<std::string> both;
            for (const auto& z : out)
                if (mine.count(z)) both.insert(z);
            out = std::move(both);
        }
        first = false;
    }
    return out;
}

Poco::JSON::Object::Ptr rowJson(const ZoneState& z, const std::vector<BackendSync>& sync) {
    auto o = zoneStateJson(z);
    auto arr = jsonArray();
    for (const auto& s : sync) {
        auto b = jsonObject();
        b->set("backend", s.backend);
        b->set("state", std::string(s.state));
        b->set("applied_version", s.stored.appliedVersion);
        b->set("error", s.error());
        arr->add(b);
    }
    o->set("backends", arr);
    return o;
}

void listZones(ApiContext& ctx, const ApiRequest& in, ApiResponse& out) {
    ListQuery q = listQuery(in);
    auto backends = laneBackends(ctx.dispatcher);
    auto rows = jsonArray();
    size_t count = 0;
    std::string last;
    if (q.sync == SyncFilter::All) {
        for (const auto& z : ctx.store.list(q.filter)) {
            rows->add(rowJson(z, zoneSync(ctx.store, z, backends)));
            last = z.name;
            ++count;
        }
    } else {
        auto names = candidates(ctx.store, backends, q.sync);
        for (auto it = names.upper_bound(q.filter.after); it != names.end() && count < q.filter.limit; ++it) {
            if (it->find(q.filter.nameContains) == std::string::npos) continue;
            auto z = ctx.store.current(*it, false);
            if (!z || !stateMatches(q.filter, *z)) continue;
            auto sync = zoneSync(ctx.store, *z, backends);
            if (!syncMatches(q.sync, sync)) continue;
            rows->add(rowJson(*z, sync));
            last = z->name;
            ++count;
        }
    }
    auto o = jsonObject();
    o->set("zones", rows);
    if (count == q.filter.limit) o->set("next", last);
    out.json(200, toJson(o));
}

} // namespace

void addZoneListingRoutes(Router& router, ApiContext& ctx) {
    router.add({"GET", "/api/v1/zones", RouteAccess::Read, [&ctx](ApiRequest& in, ApiResponse& out) { listZones(ctx, in, out); }, ""});

    router.add({"GET", "/api/v1/zones/{zone}/versions/{version}", RouteAccess::Read,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    std::string zone = normalizeZoneName(in.pathParams["zone"]);
                    uint64_t version = 0;
                    const std::string& text = in.pathParams["version"];
                    if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
                        throw InvalidInput("a version is a whole number");
                    version = std::stoull(text);
                    auto v = ctx.store.version(zone, version);
                    if (!v) throw NotFound("zone " + zone + " has no kept version " + text);
                    auto o = zoneStateJson(*v);
                    o->set("zone_text", v->zoneText);
                    out.json(200, toJson(o));
                },
                ""});

    router.add({"POST", "/api/v1/zones/{zone}/redrive", RouteAccess::Mutate,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    std::string zone = normalizeZoneName(in.pathParams["zone"]);
                    if (!ctx.store.current(zone, false)) throw NotFound("no such zone: " + zone);
                    size_t redriven = 0;
                    auto backends = jsonArray();
                    for (const auto& b : laneBackends(ctx.dispatcher)) {
                        if (ctx.dispatcher.redrive(b, zone) == 0) continue;
                        ++redriven;
                        backends->add(b);
                    }
                    auto o = jsonObject();
                    o->set("zone", zone);
                    o->set("redriven", static_cast<Poco::UInt64>(redriven));
                    o->set("backends", backends);
                    out.json(200, toJson(o));
                },
                ""});
}

} // namespace dadns
