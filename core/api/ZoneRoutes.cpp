// The REST zone API: whole-zone PUT/DELETE, record-level edits, reads, history, rollback;
// every change route takes ?dry_run=true (a plan, ZonePlan.hpp) and ?force=true (zones.safety).
#include "core/api/ApiContext.hpp"
#include "core/api/JsonWriter.hpp"
#include "core/api/ZonePlan.hpp"
#include "core/api/ZoneSync.hpp"
#include "core/intake/ZoneOwnership.hpp"
#include "core/util/Errors.hpp"
#include "core/util/WallClock.hpp"
#include "core/zone/ZoneName.hpp"
#include "core/zone/ZoneParser.hpp"

#include <Poco/Exception.h>
#include <Poco/String.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

namespace dadns {
namespace {

// The origin of a change through the API: the operator's ("rest"), or, with ?owner=PRINCIPAL,
// a change made for that principal, which owns the zone afterwards (zones.ownership: the
// operator edits a zone for its owner, takes it with owner=rest, or hands it over).
ZoneOrigin restOrigin(const ApiRequest& in, const char* source = "rest") {
    if (in.hasParam("owner")) return originActingFor(in.param("owner"), in.authUser, in.remoteAddress);
    return {source, in.remoteAddress, in.authUser};
}

bool isJson(const ApiRequest& in) { return Poco::icompare(in.contentType.substr(0, 16), "application/json") == 0; }

// A string member of a record object; absent gives def. A number, null or object is refused:
// it would be turned into text the client did not write.
std::string stringMember(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& def) {
    if (!o->has(key)) return def;
    Poco::Dynamic::Var v = o->get(key);
    if (!v.isString()) throw InvalidInput("bad record: " + key + " must be a string");
    return v.extract<std::string>();
}

// Whether a ';' outside double quotes (and not escaped) is in data: a zone file would read the
// rest of the line as a comment, and JSON has no comments, so the client meant it as data.
bool hasCommentStart(const std::string& data) {
    bool quoted = false;
    for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '\\') ++i;
        else if (data[i] == '"') quoted = !quoted;
        else if (data[i] == ';' && !quoted) return true;
    }
    return false;
}

void checkMembers(const Poco::JSON::Object::Ptr& o) {
    static const std::set<std::string> known = {"name", "type", "ttl", "data", "content", "class"};
    for (const auto& [key, value] : *o)
        if (!known.count(key)) throw InvalidInput("bad record: unknown member '" + key.substr(0, 64) + "' (records have name, type, ttl and data)");
    if (o->has("class") && Poco::icompare(stringMember(o, "class", "IN"), "IN") != 0)
        throw InvalidInput("bad record: class must be IN, the only class dadns serves");
}

// {"name": "www", "type": "A", "ttl": 300, "data": "192.0.2.1"} -> Record; rdata stays one
// presentation string, split into fields by the parser.
sdk::Record recordFromJson(const Poco::JSON::Object::Ptr& o, bool requireData) {
    sdk::Record r;
    if (!o) throw InvalidInput("each record must be a JSON object");
    checkMembers(o);
    r.owner = stringMember(o, "name", "@");
    r.type = Poco::toUpper(stringMember(o, "type", ""));
    // Each field becomes one token of a master-file line: anything that would end or split
    // the token (a newline in "type" made a second record) is refused, not passed on.
    if (!std::all_of(r.type.begin(), r.type.end(), [](unsigned char c) { return std::isalnum(c); }))
        throw InvalidInput("bad record: type must be letters and digits (A, MX, TYPE65534): '" + r.type + "'");
    if (r.owner.empty() || r.owner.find_first_of(" \t\r\n;()\"") != std::string::npos || r.owner.find('\0') != std::string::npos)
        throw InvalidInput("bad record: name must be one owner name without spaces, quotes, ';' or parentheses");
    if (o->has("ttl")) {
        Poco::Dynamic::Var ttlValue = o->get("ttl");
        if (!ttlValue.isInteger() || ttlValue.isBoolean()) throw InvalidInput("bad record: ttl must be a whole number of seconds");
        long long ttl = ttlValue.convert<long long>();
        if (ttl < 0 || ttl > 2147483647) throw InvalidInput("ttl out of range");
        r.ttl = static_cast<uint32_t>(ttl);
    } else {
        r.ttl = 3600;
    }
    std::string data = o->has("data") ? stringMember(o, "data", "") : stringMember(o, "content", "");
    if (data.find_first_of("\r\n") != std::string::npos || data.find('\0') != std::string::npos)
        throw InvalidInput("record data must be one line");
    if (hasCommentStart(data))
        throw InvalidInput("bad record: a ';' outside quotes in data would start a comment; quote the text or write \\;");
    if (!data.empty()) r.rdata.push_back(data);
    if (requireData && (r.type.empty() || data.empty())) throw InvalidInput("each record needs type and data");
    return r;
}

std::vector<sdk::Record> recordsFromBody(const std::string& body, bool requireData) {
    auto o = parseJsonObject(body);
    std::vector<sdk::Record> out;
    try {
        if (o->has("records")) {
            auto arr = o->getArray("records");
            if (!arr) throw InvalidInput("\"records\" must be an array");
            for (size_t i = 0; i < arr->size(); ++i) out.push_back(recordFromJson(arr->getObject(static_cast<unsigned>(i)), requireData));
        } else {
            out.push_back(recordFromJson(o, requireData));
        }
    } catch (const Poco::Exception& e) { // a member of the wrong JSON type
        throw InvalidInput("bad record: " + e.displayText());
    }
    if (out.empty()) throw InvalidInput("no records given");
    return out;
}

std::chrono::milliseconds waitParam(const ApiRequest& in) {
    if (!in.hasParam("wait")) return std::chrono::milliseconds(-1);
    try {
        double s = std::stod(in.param("wait", "0"));
        if (!(s >= 0 && s <= 300)) throw std::out_of_range("wait");
        return std::chrono::milliseconds(static_cast<long long>(s * 1000));
    } catch (const std::logic_error&) {
        throw InvalidInput("wait must be a number of seconds between 0 and 300");
    }
}

bool flagParam(const ApiRequest& in, const std::string& name) {
    std::string v = Poco::toLower(in.param(name, "false"));
    if (v == "true" || v == "1" || v == "yes") return true;
    if (v == "false" || v == "0" || v == "no") return false;
    throw InvalidInput(name + " must be true or false");
}

// ?dry_run=true: plan only (ZonePlan.hpp); ?force=true: past the safety limits (zones.safety).
ChangeOptions changeOptions(const ApiRequest& in) { return ChangeOptions{flagParam(in, "dry_run"), flagParam(in, "force")}; }

// Answers a change: a dry run with its plan (ZonePlan.hpp); else 200/201 at once, or with ?wait the backends' states once every backend
// applied or dead-lettered it, or at the deadline: 200 all applied; 207 some applied, the
// others dead; 502 every one dead; 202 the deadline passed with backends still retrying or not
// yet tried (it goes on: see each backend's state). Made before the change, so a bad parameter
// is refused while nothing has changed yet.
class ChangeAnswer {
public:
    ChangeAnswer(ApiContext& ctx, const ApiRequest& in) : ctx_(ctx), wait_(waitParam(in)), atMs_(nowMs()) {}
    void send(ApiResponse& out, const ChangeOutcome& change, bool deleted, int immediateStatus) const;

private:
    ApiContext& ctx_;
    std::chrono::milliseconds wait_;
    int64_t atMs_;
};

void ChangeAnswer::send(ApiResponse& out, const ChangeOutcome& change, bool deleted, int immediateStatus) const {
    if (change.dryRun) return sendPlan(ctx_, out, change);
    auto o = jsonObject();
    o->set("zone", change.zone);
    o->set("version", change.version);
    o->set("stored", change.stored);
    o->set("deleted", deleted);
    if (!deleted) o->set("records", change.recordCount);
    o->set("stamp", change.stamp);
    int status = change.stored ? immediateStatus : 200;
    if (wait_.count() >= 0 && change.stored) {
        auto outcomes = ctx_.dispatcher.waitFor(change.zone, change.version, atMs_, wait_);
        auto arr = jsonArray();
        size_t applied = 0, settled = 0;
        for (const auto& b : outcomes) {
            auto bo = jsonObject();
            bo->set("backend", b.backend);
            bo->set("status", b.state);
            bo->set("applied_version", b.appliedVersion);
            if (b.attempts > 0) bo->set("attempts", b.attempts);
            if (b.state == "retrying") bo->set("next_attempt_ms", b.nextAttemptMs);
            if (!b.error.empty()) bo->set("error", b.error);
            if (!b.warning.empty()) bo->set("warning", b.warning);
            applied += b.state == "applied";
            settled += b.settled();
            arr->add(bo);
        }
        o->set("backends", arr);
        status = settled < outcomes.size() ? 202 : applied == outcomes.size() ? 200 : applied > 0 ? 207 : 502;
        o->set("result", status == 200 ? "applied" : status == 207 ? "partial" : status == 202 ? "pending" : "failed");
    }
    out.json(status, toJson(o));
}

} // namespace

Poco::JSON::Object::Ptr zoneStateJson(const ZoneState& z) {
    auto o = jsonObject();
    o->set("zone", z.name);
    o->set("version", z.version);
    o->set("deleted", z.deleted);
    o->set("records", z.recordCount);
    o->set("stamp", z.stamp);
    auto origin = jsonObject();
    origin->set("source", z.origin.source);
    origin->set("host", z.origin.host);
    origin->set("user", z.origin.user);
    o->set("origin", origin);
    std::string owner = z.deleted ? std::string() : principalOf(z.origin); // a delete frees the name
    if (owner.empty()) o->set("owner", Poco::Dynamic::Var());
    else o->set("owner", owner);
    o->set("updated_at_ms", z.updatedAtMs);
    return o;
}


void addZoneRoutes(Router& router, ApiContext& ctx) {
    router.add({"PUT", "/api/v1/zones/{zone}", RouteAccess::Mutate,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    ChangeAnswer answer(ctx, in); // parameters checked before anything changes
                    ChangeRequest req;
                    req.zone = in.pathParams["zone"];
                    req.origin = restOrigin(in);
                    req.options = changeOptions(in);
                    if (isJson(in)) {
                        req.kind = ChangeRequest::Kind::Records;
                        req.records = recordsFromBody(in.body, true);
                    } else {
                        req.kind = ChangeRequest::Kind::ZoneText;
                        req.zoneText = in.body;
                    }
                    ChangeOutcome change = ctx.intake.submit(req);
                    answer.send(out, change, false, change.created ? 201 : 200);
                },
                ""});

    router.add({"DELETE", "/api/v1/zones/{zone}", RouteAccess::Mutate,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    ChangeAnswer answer(ctx, in); // parameters checked before anything changes
                    ChangeRequest req;
                    req.kind = ChangeRequest::Kind::Delete;
                    req.zone = in.pathParams["zone"];
                    req.origin = restOrigin(in);
                    req.options = changeOptions(in);
                    answer.send(out, ctx.intake.submit(req), true, 200);
                },
                ""});

    router.add({"POST", "/api/v1/zones/{zone}/records", RouteAccess::Mutate,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    ChangeAnswer answer(ctx, in); // parameters checked before anything changes
                    auto change = ctx.intake.addRecords(in.pathParams["zone"], recordsFromBody(in.body, true), restOrigin(in), changeOptions(in));
                    answer.send(out, change, false, 200);
                },
                ""});

    router.add({"DELETE", "/api/v1/zones/{zone}/records", RouteAccess::Mutate,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    ChangeAnswer answer(ctx, in); // parameters checked before anything changes
                    std::vector<sdk::Record> matchers;
                    if (!in.body.empty()) {
                        matchers = recordsFromBody(in.body, false);
                    } else {
                        if (!in.hasParam("name")) throw InvalidInput("give the records to remove as JSON or ?name=&type=&data=");
                        sdk::Record m;
                        m.owner = in.param("name");
                        m.type = Poco::toUpper(in.param("type"));
                        if (in.hasParam("data")) m.rdata.push_back(in.param("data"));
                        matchers.push_back(m);
                    }
                    // Matchers' data is compared field by field: normalise it through the parser.
                    std::string zone = normalizeZoneName(in.pathParams["zone"]);
                    for (auto& m : matchers) {
                        if (m.rdata.empty() || m.type.empty()) continue;
                        sdk::Zone probe = parseZoneText(std::string("@ 1 IN ") + m.type + " " + m.rdata[0] + "\n", zone);
                        m.rdata = probe.records.at(0).rdata;
                    }
                    auto change = ctx.intake.removeRecords(zone, matchers, restOrigin(in), changeOptions(in));
                    answer.send(out, change, false, 200);
                },
                ""});

    router.add({"GET", "/api/v1/zones/{zone}", RouteAccess::Read,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    std::string zone = normalizeZoneName(in.pathParams["zone"]);
                    auto z = ctx.store.current(zone, true);
                    if (!z) throw NotFound("no such zone: " + zone);
                    auto o = zoneStateJson(*z);
                    if (!z->deleted) o->set("zone_text", z->zoneText);
                    auto arr = jsonArray();
                    for (const auto& s : zoneSync(ctx.store, *z, laneBackends(ctx.dispatcher))) {
                        const BackendZoneState& b = s.stored;
                        bool failing = !s.error().empty();
                        auto bo = jsonObject();
                        bo->set("backend", s.backend);
                        bo->set("state", std::string(s.state));
                        bo->set("applied_version", b.appliedVersion);
                        bo->set("in_sync", std::string_view(s.state) == "applied");
                        bo->set("verified_count", b.verifiedCount);
                        bo->set("attempts", failing ? b.attempts : 0);
                        bo->set("last_error", s.error());
                        bo->set("warning", b.warning);
                        bo->set("dead_letter", std::string_view(s.state) == "dead");
                        bo->set("updated_at_ms", b.updatedAtMs);
                        arr->add(bo);
                    }
                    o->set("backends", arr);
                    out.json(200, toJson(o));
                },
                ""});

    router.add({"GET", "/api/v1/zones/{zone}/history", RouteAccess::Read,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    std::string zone = normalizeZoneName(in.pathParams["zone"]);
                    auto versions = ctx.store.history(zone);
                    if (versions.empty()) throw NotFound("no such zone: " + zone);
                    auto o = jsonObject();
                    o->set("zone", zone);
                    auto arr = jsonArray();
                    for (const auto& v : versions) arr->add(zoneStateJson(v));
                    o->set("versions", arr);
                    out.json(200, toJson(o));
                },
                ""});

    router.add({"POST", "/api/v1/zones/{zone}/rollback", RouteAccess::Mutate,
                [&ctx](ApiRequest& in, ApiResponse& out) {
                    ChangeAnswer answer(ctx, in); // parameters checked before anything changes
                    std::string zone = normalizeZoneName(in.pathParams["zone"]);
                    uint64_t version = 0;
                    try {
                        version = std::stoull(in.param("version"));
                    } catch (const std::logic_error&) {
                        throw InvalidInput("rollback needs ?version=N");
                    }
                    auto target = ctx.store.version(zone, version);
                    if (!target) throw NotFound("zone " + zone + " has no kept version " + std::to_string(version));
                    ChangeRequest req;
                    req.zone = zone;
                    req.origin = restOrigin(in, "rollback");
                    req.options = changeOptions(in);
                    if (target->deleted) {
                        req.kind = ChangeRequest::Kind::Delete;
                    } else {
                        req.kind = ChangeRequest::Kind::ZoneText;
                        req.zoneText = target->zoneText;
                    }
                    answer.send(out, ctx.intake.submit(req), target->deleted, 200);
                },
                ""});

    addZoneDiffRoute(router, ctx);
    addZoneListingRoutes(router, ctx);
}

} // namespace dadns
