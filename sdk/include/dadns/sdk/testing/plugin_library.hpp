// A built plugin .so loaded into a test against a FakeHost, and its instances driven through
// the plugin's C tables as the daemon drives them: the shipped binary is what gets tested.
#pragma once

#include <dadns/abi.h>
#include <dadns/sdk/backend.hpp>
#include <dadns/sdk/plugin_tables.hpp>
#include <dadns/sdk/settings.hpp>
#include <dadns/sdk/testing/fake_host.hpp>
#include <dadns/sdk/types.hpp>

#include <dlfcn.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dadns::sdk::testing {

namespace detail {

// The dlopen handle and the plugin's tables, copied into zeroed current-size ones as the
// daemon copies them (members an older plugin lacks read as NULL). Instances share it, so
// the .so stays loaded until the last of them is destroyed.
struct OpenedPlugin {
    void* handle = nullptr;
    std::string path, name, version;
    dadns_plugin_kind kind = DADNS_KIND_BACKEND;
    uint16_t abiMinor = 0;
    dadns_backend_api backend{};
    dadns_service_api service{};
    decltype(dadns_plugin_desc::check_settings) checkSettings = nullptr;

    ~OpenedPlugin() {
        if (handle) dlclose(handle);
    }
};

// Throws the SDK's error for a failed call, as a plugin's own code would see it.
inline void throwIfFailed(int32_t code, const dadns_status& status) {
    if (code == DADNS_OK) return;
    std::string message(statusMessage(status));
    if (code == DADNS_ERR_PERMANENT) throw PermanentError(message);
    throw RetryableError(message);
}

inline std::string warningOf(const dadns_status& status) { return std::string(statusMessage(status)); }

} // namespace detail

// One backend instance, created through the plugin's create and destroyed with this object.
// Calls throw RetryableError or PermanentError with the plugin's message when they fail.
class LoadedBackend {
public:
    LoadedBackend(std::shared_ptr<const detail::OpenedPlugin> plugin, void* hostCtx, std::string name, const std::string& configJson)
        : plugin_(std::move(plugin)), name_(std::move(name)) {
        dadns_status st{};
        instance_ = plugin_->backend.create(hostCtx, str(name_), str(configJson), &st);
        if (!instance_) detail::throwIfFailed(st.code == DADNS_OK ? DADNS_ERR_PERMANENT : st.code, st);
    }
    ~LoadedBackend() {
        if (instance_) plugin_->backend.destroy(instance_);
    }
    LoadedBackend(LoadedBackend&& other) noexcept
        : plugin_(std::move(other.plugin_)), name_(std::move(other.name_)), instance_(std::exchange(other.instance_, nullptr)) {}
    LoadedBackend(const LoadedBackend&) = delete;
    LoadedBackend& operator=(const LoadedBackend&) = delete;
    LoadedBackend& operator=(LoadedBackend&&) = delete;

    const std::string& name() const { return name_; }

    // expectedCount is what the plugin reported; warning the message it sent with success.
    ApplyResult apply(const Zone& zone) {
        AbiZone abi(zone);
        int64_t expected = -1;
        dadns_status st{};
        detail::throwIfFailed(table().apply(instance_, abi.get(), &expected, &st), st);
        return ApplyResult{expected, detail::warningOf(st)};
    }
    void remove(std::string_view zone) {
        dadns_status st{};
        detail::throwIfFailed(table().remove(instance_, str(zone), &st), st);
    }
    int64_t count(std::string_view zone) {
        int64_t n = 0;
        dadns_status st{};
        detail::throwIfFailed(table().count(instance_, str(zone), &n, &st), st);
        return n;
    }
    std::vector<std::string> listZones() {
        std::vector<std::string> out;
        if (!table().list_zones) return out;
        dadns_status st{};
        auto sink = [](void* ctx, dadns_str zone) { static_cast<std::vector<std::string>*>(ctx)->emplace_back(view(zone)); };
        detail::throwIfFailed(table().list_zones(instance_, &out, sink, &st), st);
        return out;
    }
    // ABI 1.3: whether the plugin reports what its server serves (served_records).
    bool reportsServedRecords() const { return table().served_records != nullptr; }
    // ABI 1.4: the instance's JSON object of its own state, or "{}" when it has none (or
    // describe failed), as the daemon shows it.
    std::string describe() { return tables::describeInstance(table().describe, instance_); }
    // What the server serves for the zone; std::nullopt when it does not serve it. Throws
    // PermanentError for a plugin without served_records.
    std::optional<std::vector<Record>> servedRecords(std::string_view zone) {
        if (!reportsServedRecords()) throw PermanentError("plugin does not implement served_records");
        std::optional<std::vector<Record>> out;
        dadns_status st{};
        auto sink = [](void* ctx, const dadns_zone* z) { *static_cast<std::optional<std::vector<Record>>*>(ctx) = toZone(*z).records; };
        detail::throwIfFailed(table().served_records(instance_, str(zone), &out, sink, &st), st);
        return out;
    }
    // As the daemon does: a plugin without reconcile is applied again.
    void reconcile(const Zone& zone) {
        if (!table().reconcile) {
            apply(zone);
            return;
        }
        AbiZone abi(zone);
        dadns_status st{};
        detail::throwIfFailed(table().reconcile(instance_, abi.get(), &st), st);
    }
    // A plugin without health is healthy.
    void health() {
        if (!table().health) return;
        dadns_status st{};
        detail::throwIfFailed(table().health(instance_, &st), st);
    }
    uint32_t parallelism() { return table().parallelism ? table().parallelism(instance_) : 1; }

private:
    const dadns_backend_api& table() const { return plugin_->backend; }

    std::shared_ptr<const detail::OpenedPlugin> plugin_;
    std::string name_;
    void* instance_ = nullptr;
};

// One ingestion or discovery instance. Destroyed as the daemon destroys it: stopped when
// started, its routes removed from the host, then the plugin's destroy.
class LoadedService {
public:
    LoadedService(std::shared_ptr<const detail::OpenedPlugin> plugin, FakeHost& host, std::string name, const std::string& configJson)
        : plugin_(std::move(plugin)), host_(&host), name_(std::move(name)) {
        dadns_status st{};
        instance_ = plugin_->service.create(host.instanceContext(name_), str(name_), str(configJson), &st);
        if (!instance_) {
            host.removeRoutes(name_); // the SDK's RouteTable registered them before a later throw
            detail::throwIfFailed(st.code == DADNS_OK ? DADNS_ERR_PERMANENT : st.code, st);
        }
    }
    ~LoadedService() {
        if (!instance_) return;
        stop();
        host_->removeRoutes(name_);
        plugin_->service.destroy(instance_);
    }
    LoadedService(LoadedService&& other) noexcept
        : plugin_(std::move(other.plugin_)), host_(other.host_), name_(std::move(other.name_)),
          instance_(std::exchange(other.instance_, nullptr)), started_(other.started_) {}
    LoadedService(const LoadedService&) = delete;
    LoadedService& operator=(const LoadedService&) = delete;
    LoadedService& operator=(LoadedService&&) = delete;

    const std::string& name() const { return name_; }

    void start() {
        if (table().start) {
            dadns_status st{};
            detail::throwIfFailed(table().start(instance_, &st), st);
        }
        started_ = true;
    }
    void stop() {
        if (started_ && table().stop) table().stop(instance_);
        started_ = false;
    }
    // Unlike the daemon, delivered whether or not the instance was started.
    void zoneChanged(std::string_view zone, uint64_t version, std::string_view stamp) {
        if (table().zone_changed) table().zone_changed(instance_, str(zone), version, str(stamp));
    }
    // The instance's JSON, or "{}" when it has none (or describe failed), as the daemon shows it.
    std::string describe() { return tables::describeInstance(table().describe, instance_); }

private:
    const dadns_service_api& table() const { return plugin_->service; }

    std::shared_ptr<const detail::OpenedPlugin> plugin_;
    FakeHost* host_;
    std::string name_;
    void* instance_ = nullptr;
    bool started_ = false;
};

// dlopens a plugin and initialises it with host's table, refusing what the daemon's loader
// refuses (no init symbol, no descriptor, another ABI major, an oversized or missing table): a
// std::runtime_error names the reason. host must outlive every instance.
class PluginLibrary {
public:
    PluginLibrary(FakeHost& host, const std::string& path) : host_(&host) {
        auto p = std::make_shared<detail::OpenedPlugin>();
        p->path = path;
        p->handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!p->handle) {
            const char* why = dlerror();
            throw std::runtime_error("cannot load " + path + ": " + (why ? why : "unknown error"));
        }
        auto init = reinterpret_cast<dadns_plugin_init_fn>(dlsym(p->handle, DADNS_PLUGIN_INIT_SYMBOL));
        if (!init) throw std::runtime_error(path + ": missing init symbol " DADNS_PLUGIN_INIT_SYMBOL);
        describe(*p, init(host.table()));
        plugin_ = std::move(p);
    }

    const std::string& name() const { return plugin_->name; }
    const std::string& version() const { return plugin_->version; }
    dadns_plugin_kind kind() const { return plugin_->kind; }
    uint16_t abiMinor() const { return plugin_->abiMinor; }

    // The instance's targets (ABI 1.1); empty when the backend declares none.
    std::vector<Target> targets(const std::string& instance, const std::string& configJson) const {
        std::vector<Target> out;
        if (plugin_->kind != DADNS_KIND_BACKEND || !plugin_->backend.targets) return out;
        dadns_status st{};
        auto sink = [](void* ctx, dadns_str name, dadns_str config) {
            static_cast<std::vector<Target>*>(ctx)->push_back(Target{std::string(view(name)), std::string(view(config))});
        };
        detail::throwIfFailed(plugin_->backend.targets(str(instance), str(configJson), &out, sink, &st), st);
        return out;
    }

    // The problems the plugin's settings check (ABI 1.2) finds; none when it has no check.
    std::vector<SettingProblem> checkSettings(const std::string& instance, const std::string& configJson) const {
        std::vector<SettingProblem> out;
        if (!plugin_->checkSettings) return out;
        dadns_status st{};
        auto sink = [](void* ctx, dadns_str key, dadns_str problem) {
            static_cast<std::vector<SettingProblem>*>(ctx)->push_back({std::string(view(key)), std::string(view(problem))});
        };
        detail::throwIfFailed(plugin_->checkSettings(str(instance), str(configJson), &out, sink, &st), st);
        return out;
    }

    // Like the daemon, create runs the settings check first: PermanentError naming every problem.
    LoadedBackend createBackend(const std::string& instance, const std::string& configJson = "{}") const {
        if (plugin_->kind != DADNS_KIND_BACKEND) throw std::logic_error(plugin_->name + " is not a backend plugin");
        refuseBadSettings(instance, configJson);
        return LoadedBackend(plugin_, host_->instanceContext(instance), instance, configJson);
    }
    LoadedService createService(const std::string& instance, const std::string& configJson = "{}") const {
        if (plugin_->kind == DADNS_KIND_BACKEND) throw std::logic_error(plugin_->name + " is a backend plugin");
        refuseBadSettings(instance, configJson);
        return LoadedService(plugin_, *host_, instance, configJson);
    }

private:
    void refuseBadSettings(const std::string& instance, const std::string& configJson) const {
        auto problems = checkSettings(instance, configJson);
        if (!problems.empty()) throw PermanentError(describeProblems(instance, problems));
    }

    // The daemon's rules (plugin_tables.hpp), refusals thrown as "<path>: <reason>".
    static void describe(detail::OpenedPlugin& p, const dadns_plugin_desc* desc) {
        tables::DescriptorFacts facts;
        dadns_plugin_desc d{};
        std::string reason = tables::readDescriptor(desc, d, facts);
        if (reason.empty()) reason = tables::readFunctions(d, p.backend, p.service);
        if (!reason.empty()) throw std::runtime_error(p.path + ": " + reason);
        p.name = d.name;
        p.version = d.version ? d.version : "";
        p.kind = static_cast<dadns_plugin_kind>(d.kind);
        p.abiMinor = d.abi_minor;
        p.checkSettings = d.check_settings;
    }

    FakeHost* host_;
    std::shared_ptr<const detail::OpenedPlugin> plugin_;
};

} // namespace dadns::sdk::testing
