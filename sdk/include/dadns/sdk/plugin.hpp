// Export macros: one line turns a Backend/Ingestion/Discovery class into a loadable plugin.
//
//   DADNS_BACKEND_PLUGIN(MyBackend, "my_backend", "1.0.0")
//
// generates dadns_plugin_init and C trampolines that catch every exception at the boundary.
#pragma once

#include <dadns/abi.h>
#include <dadns/sdk/backend.hpp>
#include <dadns/sdk/service.hpp>
#include <dadns/sdk/settings.hpp>

#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace dadns::sdk::detail {

// The host table this plugin was initialised with. One per shared object (hidden visibility).
inline const dadns_host_api*& hostApi() {
    static const dadns_host_api* api = nullptr;
    return api;
}

// Runs fn, turning any exception into a status. Returns the status code.
template <class Fn>
int32_t guarded(dadns_status* status, Fn&& fn) {
    try {
        fn();
        if (status && status->code != DADNS_OK) status->code = DADNS_OK;
        return DADNS_OK;
    } catch (const Error& e) {
        setStatus(status, e.code(), e.what());
        return e.code();
    } catch (const std::exception& e) {
        setStatus(status, DADNS_ERR_RETRYABLE, e.what());
        return DADNS_ERR_RETRYABLE;
    } catch (...) {
        setStatus(status, DADNS_ERR_RETRYABLE, "unknown exception in plugin");
        return DADNS_ERR_RETRYABLE;
    }
}

template <class T>
void* createInstance(void* hostCtx, dadns_str name, dadns_str config, dadns_status* status) {
    T* out = nullptr;
    guarded(status, [&] {
        InstanceContext ctx{Host(hostApi(), hostCtx), std::string(view(name)), std::string(view(config))};
        out = new T(ctx);
    });
    return out;
}

// Whether a backend class declares the optional static targets() (see backend.hpp).
template <class T, class = void>
struct DeclaresTargets : std::false_type {};
template <class T>
struct DeclaresTargets<T, std::void_t<decltype(T::targets(std::declval<const std::string&>(), std::declval<const std::string&>()))>>
    : std::true_type {};

// Whether a plugin class declares its settings: static SettingsSpec settings() (settings.hpp).
template <class T, class = void>
struct DeclaresSettings : std::false_type {};
template <class T>
struct DeclaresSettings<T, std::void_t<decltype(SettingsSpec(T::settings()))>> : std::true_type {};

// ABI 1.2 check_settings: the declared settings' problems, one sink call each.
template <class T>
int32_t checkSettings(dadns_str /*instance*/, dadns_str config, void* sinkCtx, dadns_setting_problem_sink sink, dadns_status* st) {
    return guarded(st, [&] {
        for (const auto& p : T::settings().check(std::string(view(config)))) sink(sinkCtx, str(p.key), str(p.problem));
    });
}

template <class T>
decltype(dadns_plugin_desc::check_settings) checkSettingsEntry() {
    if constexpr (DeclaresSettings<T>::value) return &checkSettings<T>;
    else return nullptr;
}

// Whether a backend class declares the optional servedRecords() (see backend.hpp). A trait,
// not a concept: the SDK's headers build as C++17 too.
template <class T, class = void>
struct DeclaresServedRecords : std::false_type {};
template <class T>
struct DeclaresServedRecords<T, std::enable_if_t<std::is_same_v<decltype(std::declval<T&>().servedRecords(std::declval<const std::string&>())),
                                                                 std::optional<std::vector<Record>>>>> : std::true_type {};

// Whether a backend class declares the optional describe() (see backend.hpp); services always
// have one (service.hpp).
template <class T, class = void>
struct DeclaresDescribe : std::false_type {};
template <class T>
struct DeclaresDescribe<T, std::enable_if_t<std::is_same_v<decltype(std::declval<const T&>().describe()), std::string>>> : std::true_type {};

// A describe() that is not const would not be found above, and so never shown: refused instead.
template <class T, class = void>
struct DeclaresNonConstDescribe : std::false_type {};
template <class T>
struct DeclaresNonConstDescribe<T, std::void_t<decltype(std::declval<T&>().describe())>> : std::bool_constant<!DeclaresDescribe<T>::value> {};

// describe of a backend or service: its JSON object through the sink; an exception sends nothing.
template <class T>
int32_t describeInstance(void* p, void* sinkCtx, dadns_str_sink sink) {
    dadns_status st{};
    return guarded(&st, [&] {
        std::string json = static_cast<const T*>(p)->describe();
        sink(sinkCtx, str(json));
    });
}

template <class T>
struct BackendTrampolines {
    static T* self(void* p) { return static_cast<T*>(p); }
    static void destroy(void* p) {
        try { delete self(p); } catch (...) {}
    }
    static int32_t apply(void* p, const dadns_zone* z, int64_t* expected, dadns_status* st) {
        return guarded(st, [&] {
            Zone zone = toZone(*z);
            ApplyResult r = self(p)->apply(zone);
            if (expected) *expected = r.expectedCount < 0 ? static_cast<int64_t>(zone.records.size()) : r.expectedCount;
            if (!r.warning.empty()) setStatus(st, DADNS_OK, r.warning);
        });
    }
    static int32_t remove(void* p, dadns_str zone, dadns_status* st) {
        return guarded(st, [&] { self(p)->remove(std::string(view(zone))); });
    }
    static int32_t count(void* p, dadns_str zone, int64_t* out, dadns_status* st) {
        return guarded(st, [&] { *out = self(p)->count(std::string(view(zone))); });
    }
    static int32_t list(void* p, void* sinkCtx, dadns_str_sink sink, dadns_status* st) {
        return guarded(st, [&] {
            for (const auto& z : self(p)->listZones()) sink(sinkCtx, str(z));
        });
    }
    static int32_t reconcile(void* p, const dadns_zone* z, dadns_status* st) {
        return guarded(st, [&] { self(p)->reconcile(toZone(*z)); });
    }
    static int32_t health(void* p, dadns_status* st) {
        return guarded(st, [&] { self(p)->health(); });
    }
    static uint32_t parallelism(void* p) {
        try { return self(p)->parallelism(); } catch (...) { return 1; }
    }
    static int32_t targets(dadns_str name, dadns_str config, void* sinkCtx, dadns_target_sink sink, dadns_status* st) {
        return guarded(st, [&] {
            for (const auto& t : T::targets(std::string(view(name)), std::string(view(config))))
                sink(sinkCtx, str(t.name), str(t.configJson));
        });
    }
    static int32_t servedRecords(void* p, dadns_str zone, void* sinkCtx, dadns_zone_sink sink, dadns_status* st) {
        return guarded(st, [&] {
            std::string name(view(zone));
            std::optional<std::vector<Record>> served = self(p)->servedRecords(name);
            if (!served) return;
            Zone held{name, 0, std::move(*served)};
            AbiZone abi(held); // borrows from held
            sink(sinkCtx, abi.get());
        });
    }
    static decltype(dadns_backend_api::served_records) servedRecordsEntry() {
        if constexpr (DeclaresServedRecords<T>::value) return &servedRecords;
        else return nullptr;
    }
    static decltype(dadns_backend_api::describe) describeEntry() {
        static_assert(!DeclaresNonConstDescribe<T>::value, "a backend's describe() must be `std::string describe() const`");
        if constexpr (DeclaresDescribe<T>::value) return &describeInstance<T>;
        else return nullptr;
    }
    static decltype(dadns_backend_api::targets) targetsEntry() {
        if constexpr (DeclaresTargets<T>::value) return &targets;
        else return nullptr;
    }
    static const dadns_backend_api* table() {
        static const dadns_backend_api api = {sizeof(dadns_backend_api), &createInstance<T>, &destroy, &apply,
                                              &remove, &count, &list, &reconcile, &health, &parallelism,
                                              targetsEntry(), servedRecordsEntry(), describeEntry()};
        return &api;
    }
};

template <class T>
struct ServiceTrampolines {
    static T* self(void* p) { return static_cast<T*>(p); }
    static int32_t start(void* p, dadns_status* st) {
        return guarded(st, [&] { self(p)->start(); });
    }
    static void stop(void* p) {
        try { self(p)->stop(); } catch (...) {}
    }
    static void destroy(void* p) {
        try { delete self(p); } catch (...) {}
    }
    static void zoneChanged(void* p, dadns_str zone, uint64_t version, dadns_str stamp) {
        try { self(p)->zoneChanged(std::string(view(zone)), version, std::string(view(stamp))); } catch (...) {}
    }
    static const dadns_service_api* table() {
        static const dadns_service_api api = {sizeof(dadns_service_api), &createInstance<T>, &start, &stop,
                                              &destroy, &zoneChanged, &describeInstance<T>};
        return &api;
    }
};

// The descriptor is returned to a host of any major, so that the host can refuse the plugin by
// name and say why ("other ABI major"); only a host of this major is kept and ever called.
template <class T>
const dadns_plugin_desc* descriptor(const dadns_host_api* host, const char* name, const char* version,
                                    dadns_plugin_kind kind) {
    if (host && host->abi_major == DADNS_ABI_MAJOR) hostApi() = host;
    static dadns_plugin_desc desc{};
    desc.struct_size = sizeof(dadns_plugin_desc);
    desc.abi_major = DADNS_ABI_MAJOR;
    desc.abi_minor = DADNS_ABI_MINOR;
    desc.name = name;
    desc.version = version;
    desc.kind = kind;
    if constexpr (std::is_base_of_v<Backend, T>) desc.backend = BackendTrampolines<T>::table();
    else desc.service = ServiceTrampolines<T>::table();
    desc.check_settings = checkSettingsEntry<T>();
    return &desc;
}

} // namespace dadns::sdk::detail

#define DADNS_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

#define DADNS_BACKEND_PLUGIN(Class, Name, Version)                                                      \
    DADNS_PLUGIN_EXPORT const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api* host) {         \
        return ::dadns::sdk::detail::descriptor<Class>(host, Name, Version, DADNS_KIND_BACKEND);         \
    }

#define DADNS_INGESTION_PLUGIN(Class, Name, Version)                                                    \
    DADNS_PLUGIN_EXPORT const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api* host) {         \
        return ::dadns::sdk::detail::descriptor<Class>(host, Name, Version, DADNS_KIND_INGESTION);       \
    }

#define DADNS_DISCOVERY_PLUGIN(Class, Name, Version)                                                    \
    DADNS_PLUGIN_EXPORT const dadns_plugin_desc* dadns_plugin_init(const dadns_host_api* host) {         \
        return ::dadns::sdk::detail::descriptor<Class>(host, Name, Version, DADNS_KIND_DISCOVERY);       \
    }
