#include "core/plugin/HostBridge.hpp"

#include "core/log/Logging.hpp"
#include "core/util/Errors.hpp"
#include "core/zone/ZoneName.hpp"

#include <dadns/sdk/types.hpp>

#include <Poco/String.h>

#include <algorithm>
#include <cstring>

namespace dadns {
namespace {

using sdk::str;
using sdk::view;

HostBridge::Context& ctxOf(void* p) { return *static_cast<HostBridge::Context*>(p); }

int32_t fail(dadns_status* status, dadns_status_code code, const std::string& message) {
    sdk::setStatus(status, code, message);
    return code;
}

// Runs fn, mapping core exceptions to statuses: bad input is permanent, the rest retryable.
template <class Fn>
int32_t guarded(dadns_status* status, Fn&& fn) {
    try {
        fn();
        sdk::setStatus(status, DADNS_OK, "");
        return DADNS_OK;
    } catch (const InvalidInput& e) {
        return fail(status, DADNS_ERR_PERMANENT, e.what());
    } catch (const NotFound& e) {
        return fail(status, DADNS_ERR_PERMANENT, e.what());
    } catch (const HttpError& e) { // e.g. a zone another source owns (409)
        return fail(status, e.status >= 400 && e.status < 500 ? DADNS_ERR_PERMANENT : DADNS_ERR_RETRYABLE, e.what());
    } catch (const std::exception& e) {
        return fail(status, DADNS_ERR_RETRYABLE, e.what());
    } catch (...) {
        return fail(status, DADNS_ERR_RETRYABLE, "unknown error");
    }
}

void hostLog(void* ctx, int32_t level, dadns_str message) {
    auto log = logger("plugin." + ctxOf(ctx).instance);
    auto text = view(message);
    switch (level) {
    case DADNS_LOG_TRACE: log->trace("{}", text); break;
    case DADNS_LOG_DEBUG: log->debug("{}", text); break;
    case DADNS_LOG_INFO: log->info("{}", text); break;
    case DADNS_LOG_WARN: log->warn("{}", text); break;
    default: log->error("{}", text); break;
    }
}

int32_t hostSubmit(void* ctx, const dadns_change* change, dadns_change_result* result, dadns_status* status) {
    auto& c = ctxOf(ctx);
    if (!c.bridge->services().intake) return fail(status, DADNS_ERR_RETRYABLE, "the store is not available yet");
    if (!change) return fail(status, DADNS_ERR_PERMANENT, "no change given");
    return guarded(status, [&] {
        ChangeRequest req;
        switch (change->kind) {
        case DADNS_CHANGE_ZONE_TEXT: req.kind = ChangeRequest::Kind::ZoneText; break;
        case DADNS_CHANGE_RECORDS: req.kind = ChangeRequest::Kind::Records; break;
        case DADNS_CHANGE_DELETE: req.kind = ChangeRequest::Kind::Delete; break;
        default: throw InvalidInput("unknown change kind " + std::to_string(change->kind));
        }
        req.zone = std::string(view(change->zone));
        req.zoneText = std::string(view(change->zone_text));
        if (req.kind == ChangeRequest::Kind::Records) {
            dadns_zone z{};
            z.records = change->records;
            z.record_count = change->record_count;
            req.records = sdk::toZone(z).records;
        }
        req.origin.source = std::string(view(change->source));
        if (req.origin.source.empty()) req.origin.source = c.instance;
        req.origin.host = std::string(view(change->origin_host));
        req.origin.user = std::string(view(change->origin_user));
        req.stamp = std::string(view(change->stamp));
        // force came with 1.3: an older plugin's smaller struct does not have it.
        if (change->struct_size >= offsetof(dadns_change, force) + sizeof(change->force)) req.options.force = change->force != 0;
        ChangeOutcome out = c.bridge->services().intake->submit(req);
        if (result) {
            // The plugin's struct may be older and smaller: fill only what it has room for.
            dadns_change_result full{};
            full.struct_size = sizeof(full);
            full.version = out.stored ? out.version : 0;
            full.applied = out.stored ? 1 : 0;
            full.record_count = static_cast<int32_t>(out.recordCount);
            uint32_t size = result->struct_size ? std::min<uint32_t>(result->struct_size, sizeof(full)) : sizeof(full);
            std::memcpy(result, &full, size);
            result->struct_size = size;
        }
    });
}

void sinkInfo(const ZoneState& z, void* sinkCtx, dadns_zone_info_sink sink) {
    dadns_zone_info info{};
    info.struct_size = sizeof(info);
    info.name = str(z.name);
    info.version = z.version;
    info.deleted = z.deleted ? 1 : 0;
    info.stamp = str(z.stamp);
    info.source = str(z.origin.source);
    info.origin_host = str(z.origin.host);
    info.origin_user = str(z.origin.user);
    info.zone_text = str(z.zoneText);
    sink(sinkCtx, &info);
}

int32_t hostReadZone(void* ctx, dadns_str zone, void* sinkCtx, dadns_zone_info_sink sink, dadns_status* status) {
    auto* store = ctxOf(ctx).bridge->services().store;
    if (!store) return fail(status, DADNS_ERR_RETRYABLE, "the store is not available yet");
    if (!sink) return fail(status, DADNS_ERR_PERMANENT, "no sink given");
    return guarded(status, [&] {
        // The name is read as submit stores it (EXAMPLE.COM. is example.com); an invalid one is
        // a permanent error saying why, not an unknown zone (Host::readZone tells them apart).
        std::string name = normalizeZoneName(view(zone));
        auto z = store->current(name, true);
        if (!z) throw NotFound("no such zone: " + name);
        sinkInfo(*z, sinkCtx, sink);
    });
}

int32_t hostListZones(void* ctx, void* sinkCtx, dadns_zone_info_sink sink, dadns_status* status) {
    auto* store = ctxOf(ctx).bridge->services().store;
    if (!store) return fail(status, DADNS_ERR_RETRYABLE, "the store is not available yet");
    if (!sink) return fail(status, DADNS_ERR_PERMANENT, "no sink given");
    return guarded(status, [&] {
        ZoneListFilter filter;
        filter.limit = 1000;
        while (true) {
            auto page = store->list(filter);
            for (const auto& z : page) sinkInfo(z, sinkCtx, sink);
            if (page.size() < filter.limit) break;
            filter.after = page.back().name;
        }
    });
}

int32_t hostZoneBackends(void* ctx, dadns_str zone, void* sinkCtx, dadns_zone_backend_sink sink, dadns_status* status) {
    const auto& services = ctxOf(ctx).bridge->services();
    if (!services.store || !services.runningBackends) return fail(status, DADNS_ERR_RETRYABLE, "the backends are not running yet");
    if (!sink) return fail(status, DADNS_ERR_PERMANENT, "no sink given");
    return guarded(status, [&] {
        std::string name(view(zone));
        auto current = services.store->current(name, true);
        uint64_t version = current ? current->version : 0;
        auto states = services.store->backendStates(name);
        for (const auto& backend : services.runningBackends()) {
            BackendZoneState st;
            st.backend = backend;
            for (const auto& s : states)
                if (s.backend == backend) st = s;
            // A failure of an older version does not concern the current one.
            bool failing = (st.attempts > 0 || st.deadLetter) && st.appliedVersion < version;
            dadns_zone_backend_state out{};
            out.struct_size = sizeof(out);
            out.backend = str(st.backend);
            out.applied_version = st.appliedVersion;
            out.failing = failing ? 1 : 0;
            out.dead_letter = failing && st.deadLetter ? 1 : 0;
            std::string error = failing ? st.lastError : "";
            out.error = str(error);
            out.updated_at_ms = st.updatedAtMs;
            sink(sinkCtx, &out);
        }
    });
}

int32_t hostRegisterRoute(void* ctx, dadns_str method, dadns_str prefix, int32_t auth, dadns_http_handler handler,
                          void* handlerCtx, dadns_status* status) {
    auto& c = ctxOf(ctx);
    Router* router = c.bridge->services().router;
    if (!router) return fail(status, DADNS_ERR_RETRYABLE, "the HTTP server is not available");
    if (!handler) return fail(status, DADNS_ERR_PERMANENT, "no handler given");
    std::string path(view(prefix));
    if (path.empty() || path[0] != '/') return fail(status, DADNS_ERR_PERMANENT, "route prefix must start with '/'");
    if (path.find('*') != std::string::npos || path.find('{') != std::string::npos)
        return fail(status, DADNS_ERR_PERMANENT, "route prefix must not contain '*' or '{'");
    return guarded(status, [&] {
        Route route;
        route.method = Poco::toUpper(std::string(view(method)));
        if (route.method.empty()) route.method = "*";
        route.pattern = path + "*";
        bool readOnly = route.method == "GET" || route.method == "HEAD";
        route.access = auth == DADNS_ROUTE_AUTH_PLUGIN ? RouteAccess::Plugin : readOnly ? RouteAccess::Read : RouteAccess::Mutate;
        route.owner = c.instance;
        route.handler = [handler, handlerCtx](ApiRequest& in, ApiResponse& out) {
            std::vector<dadns_http_header> headers;
            headers.reserve(in.headers.size());
            for (const auto& [n, v] : in.headers) headers.push_back({str(n), str(v)});
            dadns_http_request req{};
            req.struct_size = sizeof(req);
            req.method = str(in.method);
            req.path = str(in.path);
            req.query = str(in.query);
            req.headers = headers.data();
            req.header_count = headers.size();
            req.body = str(in.body);
            req.remote_address = str(in.remoteAddress);
            req.http_version = str(in.httpVersion);
            req.auth_user = str(in.authUser);
            out.status = 200;
            out.contentType = "text/plain; charset=utf-8";
            dadns_http_response writer{};
            writer.struct_size = sizeof(writer);
            writer.writer_ctx = &out;
            writer.set_status = [](void* w, int32_t code) {
                static_cast<ApiResponse*>(w)->status = code >= 100 && code <= 599 ? code : 500;
            };
            writer.add_header = [](void* w, dadns_str name, dadns_str value) {
                auto& r = *static_cast<ApiResponse*>(w);
                std::string n(view(name)), v(view(value));
                if (n.find_first_of("\r\n") != std::string::npos || v.find_first_of("\r\n") != std::string::npos) return;
                if (Poco::icompare(n, "Content-Type") == 0) r.contentType = v;
                else if (Poco::icompare(n, "Content-Length") != 0) r.headers.emplace_back(n, v);
            };
            writer.append_body = [](void* w, dadns_str data) { static_cast<ApiResponse*>(w)->body.append(data.ptr ? data.ptr : "", data.len); };
            handler(handlerCtx, &req, &writer);
        };
        router->add(std::move(route));
        logger("http")->info("{} registered route {} {}*", c.instance, std::string(view(method)), path);
    });
}

int32_t hostCheckCredentials(void* ctx, dadns_str user, dadns_str password) {
    const Credentials* creds = ctxOf(ctx).bridge->services().credentials;
    return creds && creds->check(view(user), view(password)) ? 1 : 0;
}

Labels labelsOf(const HostBridge::Context& c, const dadns_label* labels, size_t count) {
    Labels out;
    bool hasInstance = false;
    for (size_t i = 0; labels && i < count; ++i) {
        out.emplace_back(std::string(view(labels[i].name)), std::string(view(labels[i].value)));
        hasInstance = hasInstance || out.back().first == "instance";
    }
    if (!hasInstance) out.emplace_back("instance", c.instance);
    return out;
}

void hostCounterAdd(void* ctx, dadns_str name, dadns_str help, const dadns_label* labels, size_t count, double value) {
    auto& c = ctxOf(ctx);
    if (auto* m = c.bridge->services().metrics) m->counterAdd(std::string(view(name)), std::string(view(help)), labelsOf(c, labels, count), value);
}

void hostGaugeSet(void* ctx, dadns_str name, dadns_str help, const dadns_label* labels, size_t count, double value) {
    auto& c = ctxOf(ctx);
    if (auto* m = c.bridge->services().metrics) m->gaugeSet(std::string(view(name)), std::string(view(help)), labelsOf(c, labels, count), value);
}

void hostHistogramObserve(void* ctx, dadns_str name, dadns_str help, const dadns_label* labels, size_t count, double value) {
    auto& c = ctxOf(ctx);
    if (auto* m = c.bridge->services().metrics)
        m->histogramObserve(std::string(view(name)), std::string(view(help)), labelsOf(c, labels, count), value);
}

dadns_str hostNodeId(void* ctx) { return str(ctxOf(ctx).bridge->services().nodeId); }
dadns_str hostApiUrl(void* ctx) { return str(ctxOf(ctx).bridge->services().apiUrl); }

} // namespace

HostBridge::HostBridge(HostServices services) : services_(std::move(services)) {}

const dadns_host_api* HostBridge::pluginTable(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    contexts_.push_back(Context{this, path, ""});
    dadns_host_api api{};
    api.struct_size = sizeof(api);
    api.abi_major = DADNS_ABI_MAJOR;
    api.abi_minor = DADNS_ABI_MINOR;
    api.host_ctx = &contexts_.back();
    api.log = hostLog;
    api.submit_change = hostSubmit;
    api.read_zone = hostReadZone;
    api.list_zones = hostListZones;
    api.register_route = hostRegisterRoute;
    api.check_credentials = hostCheckCredentials;
    api.counter_add = hostCounterAdd;
    api.gauge_set = hostGaugeSet;
    api.histogram_observe = hostHistogramObserve;
    api.node_id = hostNodeId;
    api.api_url = hostApiUrl;
    api.zone_backends = hostZoneBackends;
    tables_.push_back(api);
    return &tables_.back();
}

void* HostBridge::instanceContext(const std::string& instanceName, const std::string& pluginName) {
    std::lock_guard<std::mutex> lock(mutex_);
    contexts_.push_back(Context{this, instanceName, pluginName});
    return &contexts_.back();
}

} // namespace dadns
