// The host's services as a plugin instance sees them.
#pragma once

#include <dadns/sdk/http.hpp>
#include <dadns/sdk/json_writer.hpp>
#include <dadns/sdk/types.hpp>

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dadns::sdk {

struct ZoneInfo {
    std::string name;
    uint64_t version = 0;
    bool deleted = false;
    std::string stamp, source, originHost, originUser, zoneText;
};

// Where a change came from; stored with the zone and shown in its state.
struct Origin {
    std::string source;      // "directadmin", "hosts", ...
    std::string host;        // e.g. the DirectAdmin hostname that pushed it
    std::string user;        // e.g. the DirectAdmin username
    std::string stamp;       // replication stamp; empty = the host assigns one
    // ABI 1.3: store the change even where the host's safety limits would refuse it (a change
    // that removes most of a zone, a burst of zone deletes: the operator's zones.safety).
    bool force = false;
};

// Where a zone stands on one running backend (Host::zoneBackends).
struct ZoneBackendState {
    std::string backend;
    uint64_t appliedVersion = 0; // 0 = never applied
    bool failing = false;        // the current version fails there (retrying or dead letter)
    bool deadLetter = false;
    std::string error;
    int64_t updatedAtMs = 0;     // last apply or failure; 0 = never
};

struct SubmitResult {
    uint64_t version = 0;
    bool applied = false;
    int recordCount = 0;
};

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;
using RouteHandler = std::function<void(const Request&, Response&)>;

class Host {
public:
    Host(const dadns_host_api* api, void* ctx) : api_(api), ctx_(ctx) {}

    void log(dadns_log_level level, std::string_view message) const {
        api_->log(ctx_, level, str(message));
    }
    void debug(std::string_view m) const { log(DADNS_LOG_DEBUG, m); }
    void info(std::string_view m) const { log(DADNS_LOG_INFO, m); }
    void warn(std::string_view m) const { log(DADNS_LOG_WARN, m); }
    void error(std::string_view m) const { log(DADNS_LOG_ERROR, m); }

    // Throws PermanentError with the host's reason (e.g. the zone's parse error and line).
    SubmitResult submitZoneText(std::string_view zone, std::string_view text, const Origin& origin) const {
        dadns_change c = change(DADNS_CHANGE_ZONE_TEXT, zone, origin);
        c.zone_text = str(text);
        return submit(c);
    }
    SubmitResult submitRecords(std::string_view zone, const std::vector<Record>& records, const Origin& origin) const {
        AbiRecords abi(records);
        dadns_change c = change(DADNS_CHANGE_RECORDS, zone, origin);
        c.records = abi.data();
        c.record_count = abi.size();
        return submit(c);
    }
    SubmitResult submitDelete(std::string_view zone, const Origin& origin) const {
        dadns_change c = change(DADNS_CHANGE_DELETE, zone, origin);
        return submit(c);
    }

    // The zone's current state (deleted zones included); nullopt when the store does not know
    // it. The host reads the name as it stores it (lower case, no trailing dot). Throws
    // PermanentError when the name is not a valid zone name (the host's reason), and
    // RetryableError when the store could not be read (busy, unreachable): a failed read is
    // never "no such zone".
    std::optional<ZoneInfo> readZone(std::string_view zone) const {
        std::optional<ZoneInfo> out;
        dadns_status st{};
        int32_t code = api_->read_zone(ctx_, str(zone), &out, &Host::collectInfo, &st);
        // abi.h: an unknown zone is DADNS_ERR_PERMANENT with no call of the sink; the host says
        // "no such zone" then, and another reason for a name it refuses.
        std::string_view reason = statusMessage(st);
        bool unknown = reason.empty() || reason.substr(0, 12) == "no such zone";
        if (code == DADNS_OK || (code == DADNS_ERR_PERMANENT && !out && unknown)) return out;
        if (code == DADNS_ERR_PERMANENT && !out) throw PermanentError(std::string(reason)); // names the zone, printably
        std::string why = "cannot read zone " + std::string(zone) + ": " + std::string(statusMessage(st));
        if (code == DADNS_ERR_PERMANENT) throw PermanentError(why);
        throw RetryableError(why);
    }
    void listZones(const std::function<void(const ZoneInfo&)>& fn) const {
        dadns_status st{};
        auto sink = [](void* ctx, const dadns_zone_info* info) {
            (*static_cast<const std::function<void(const ZoneInfo&)>*>(ctx))(toInfo(*info));
        };
        if (api_->list_zones(ctx_, const_cast<std::function<void(const ZoneInfo&)>*>(&fn), sink, &st) != DADNS_OK)
            throw Error(static_cast<dadns_status_code>(st.code), std::string(statusMessage(st)));
    }

    // The zone's state on every running backend. Throws RetryableError on a host older than
    // ABI 1.1, which cannot tell.
    std::vector<ZoneBackendState> zoneBackends(std::string_view zone) const {
        if (api_->struct_size < offsetof(dadns_host_api, zone_backends) + sizeof(api_->zone_backends) || !api_->zone_backends)
            throw RetryableError("this dadns is too old to report backend states (needs plugin ABI 1.1)");
        std::vector<ZoneBackendState> out;
        auto sink = [](void* ctx, const dadns_zone_backend_state* s) {
            static_cast<std::vector<ZoneBackendState>*>(ctx)->push_back({std::string(view(s->backend)), s->applied_version, s->failing != 0,
                                                                         s->dead_letter != 0, std::string(view(s->error)), s->updated_at_ms});
        };
        dadns_status st{};
        if (api_->zone_backends(ctx_, str(zone), &out, sink, &st) != DADNS_OK)
            throw Error(static_cast<dadns_status_code>(st.code), std::string(statusMessage(st)));
        return out;
    }

    bool checkCredentials(std::string_view user, std::string_view password) const {
        return api_->check_credentials(ctx_, str(user), str(password)) == 1;
    }

    void counterAdd(std::string_view name, std::string_view help, Labels labels, double v = 1) const {
        auto l = toLabels(labels);
        api_->counter_add(ctx_, str(name), str(help), l.data(), l.size(), v);
    }
    void gaugeSet(std::string_view name, std::string_view help, Labels labels, double v) const {
        auto l = toLabels(labels);
        api_->gauge_set(ctx_, str(name), str(help), l.data(), l.size(), v);
    }
    void observe(std::string_view name, std::string_view help, Labels labels, double v) const {
        auto l = toLabels(labels);
        api_->histogram_observe(ctx_, str(name), str(help), l.data(), l.size(), v);
    }

    std::string nodeId() const { return std::string(view(api_->node_id(ctx_))); }
    std::string apiUrl() const { return std::string(view(api_->api_url(ctx_))); }

    const dadns_host_api* api() const { return api_; }
    void* ctx() const { return ctx_; }

private:
    static dadns_change change(dadns_change_kind kind, std::string_view zone, const Origin& o) {
        dadns_change c{};
        c.struct_size = sizeof(c);
        c.kind = kind;
        c.zone = str(zone);
        c.source = str(o.source);
        c.origin_host = str(o.host);
        c.origin_user = str(o.user);
        c.stamp = str(o.stamp);
        c.force = o.force ? 1 : 0;
        return c;
    }
    SubmitResult submit(const dadns_change& c) const {
        dadns_change_result r{};
        r.struct_size = sizeof(r);
        dadns_status st{};
        if (api_->submit_change(ctx_, &c, &r, &st) != DADNS_OK)
            throw Error(static_cast<dadns_status_code>(st.code), std::string(statusMessage(st)));
        return SubmitResult{r.version, r.applied != 0, r.record_count};
    }
    static ZoneInfo toInfo(const dadns_zone_info& i) {
        ZoneInfo z;
        z.name = std::string(view(i.name));
        z.version = i.version;
        z.deleted = i.deleted != 0;
        z.stamp = std::string(view(i.stamp));
        z.source = std::string(view(i.source));
        z.originHost = std::string(view(i.origin_host));
        z.originUser = std::string(view(i.origin_user));
        z.zoneText = std::string(view(i.zone_text));
        return z;
    }
    static void collectInfo(void* ctx, const dadns_zone_info* info) {
        *static_cast<std::optional<ZoneInfo>*>(ctx) = toInfo(*info);
    }
    static std::vector<dadns_label> toLabels(Labels labels) {
        std::vector<dadns_label> out;
        out.reserve(labels.size());
        for (const auto& [k, v] : labels) out.push_back(dadns_label{str(k), str(v)});
        return out;
    }

    const dadns_host_api* api_;
    void* ctx_;
};

// What every plugin instance is constructed with.
struct InstanceContext {
    Host host;
    std::string name;       // instance name from the config (e.g. "coredns_dc1")
    std::string configJson; // the instance's config section as JSON text
};

// Registers HTTP routes on behalf of an instance and keeps their handlers alive with it.
class RouteTable {
public:
    explicit RouteTable(Host host) : host_(host) {}
    void add(std::string_view method, std::string_view prefix, RouteHandler handler,
             dadns_route_auth auth = DADNS_ROUTE_AUTH_HOST) {
        handlers_.push_back(std::move(handler));
        dadns_status st{};
        if (host_.api()->register_route(host_.ctx(), str(method), str(prefix), auth, &RouteTable::trampoline,
                                        &handlers_.back(), &st) != DADNS_OK)
            throw PermanentError(std::string(statusMessage(st)));
    }

private:
    static void trampoline(void* ctx, const dadns_http_request* req, const dadns_http_response* out) {
        Response resp;
        try {
            (*static_cast<RouteHandler*>(ctx))(Request(*req), resp);
        } catch (const std::exception& e) {
            resp = Response();
            resp.json(500, "{\"error\":" + jsonQuote(e.what()) + "}");
        } catch (...) {
            resp = Response();
            resp.json(500, "{\"error\":\"unknown plugin error\"}");
        }
        resp.writeTo(*out);
    }

    Host host_;
    std::list<RouteHandler> handlers_; // list: addresses stay valid as routes are added
};

} // namespace dadns::sdk
