#include "core/api/ZonePlan.hpp"

#include "core/api/JsonWriter.hpp"
#include "core/util/Errors.hpp"
#include "core/zone/ServedContent.hpp"
#include "core/zone/ZoneName.hpp"
#include "core/zone/ZoneParser.hpp"

namespace dadns {
namespace {

Poco::JSON::Array::Ptr recordsJson(const std::vector<sdk::Record>& records) {
    auto arr = jsonArray();
    for (const auto& r : records) {
        auto o = jsonObject();
        o->set("name", r.owner);
        o->set("ttl", r.ttl);
        o->set("type", r.type);
        std::string data;
        for (const auto& f : r.rdata) data += (data.empty() ? "" : " ") + f;
        o->set("data", data);
        arr->add(o);
    }
    return arr;
}

// What a count-verified backend holds, as far as the store knows: the version it applied
// (none: nothing). nullopt when that version is no longer kept, so its records are unknown.
std::optional<std::vector<sdk::Record>> appliedRecords(ZoneStore& store, const std::string& backend, const std::string& zone,
                                                       uint64_t& version) {
    version = 0;
    auto state = store.backendState(backend, zone);
    if (!state || state->appliedVersion == 0) return std::vector<sdk::Record>();
    version = state->appliedVersion;
    auto applied = store.version(zone, version);
    if (!applied) return std::nullopt;
    if (applied->deleted) return std::vector<sdk::Record>();
    return parseZoneText(applied->zoneText, zone).records;
}

// One backend's way from what it holds to target.
Poco::JSON::Object::Ptr backendDifference(ApiContext& ctx, const ServedNow& s, const std::string& zone, const std::vector<sdk::Record>& target) {
    auto o = jsonObject();
    o->set("backend", s.backend);
    o->set("verification", verifyMethodName(s.method));
    if (!s.result.ok()) {
        o->set("error", "reading what the backend serves failed: " + s.result.message);
        return o;
    }
    std::vector<sdk::Record> held;
    if (s.method == VerifyMethod::Content) {
        o->set("basis", "served");
        o->set("serves_zone", s.records.has_value());
        if (s.records) held = *s.records;
    } else {
        uint64_t version = 0;
        auto applied = appliedRecords(ctx.store, s.backend, zone, version);
        o->set("basis", "applied_version");
        o->set("applied_version", version);
        if (!applied) {
            o->set("error", "the version it applied is no longer kept (store.history_per_zone): what it holds is unknown");
            return o;
        }
        held = std::move(*applied);
    }
    ServedComparison c = compareServed(target, held);
    o->set("add", recordsJson(c.missing));
    o->set("remove", recordsJson(c.unexpected));
    o->set("in_sync", c.missing.empty() && c.unexpected.empty() && c.duplicates == 0);
    if (c.duplicates) o->set("served_twice", static_cast<Poco::UInt64>(c.duplicates));
    return o;
}

Poco::JSON::Array::Ptr differences(ApiContext& ctx, const std::string& zone, const std::vector<sdk::Record>& target) {
    auto arr = jsonArray();
    for (const auto& s : ctx.dispatcher.servedNow(zone)) arr->add(backendDifference(ctx, s, zone, target));
    return arr;
}

} // namespace

void sendPlan(ApiContext& ctx, ApiResponse& out, const ChangeOutcome& plan) {
    auto o = jsonObject();
    o->set("zone", plan.zone);
    o->set("dry_run", true);
    o->set("stored", false);
    o->set("deleted", plan.planned == nullptr);
    if (plan.planned) o->set("records", plan.recordCount);
    if (!plan.held.empty()) o->set("held", plan.held);
    o->set("backends", differences(ctx, plan.zone, plan.planned ? plan.planned->records : std::vector<sdk::Record>()));
    out.json(200, toJson(o));
}

void addZoneDiffRoute(Router& router, ApiContext& ctx) {
    router.add({"GET", "/api/v1/zones/{zone}/diff", RouteAccess::Read,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    std::string zone = normalizeZoneName(in.pathParams["zone"]);
                    auto z = ctx.store.current(zone, true);
                    if (!z) throw NotFound("no such zone: " + zone);
                    std::vector<sdk::Record> desired = z->deleted ? std::vector<sdk::Record>() : parseZoneText(z->zoneText, zone).records;
                    auto o = jsonObject();
                    o->set("zone", zone);
                    o->set("version", z->version);
                    o->set("deleted", z->deleted);
                    o->set("backends", differences(ctx, zone, desired));
                    out.json(200, toJson(o));
                },
                ""});
}

} // namespace dadns
