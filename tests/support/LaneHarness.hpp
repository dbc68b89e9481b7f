// One dispatcher with one lane of the test backend plugin ("files": zone files under
// <dir>/files), over an embedded store whose calls fail on demand: the dispatch tests run the
// real lane in process, so the sanitizer builds see it.
#pragma once

#include "core/dispatch/Dispatcher.hpp"
#include "core/plugin/BackendInstance.hpp"
#include "core/plugin/HostBridge.hpp"
#include "core/plugin/PluginLoader.hpp"
#include "core/store/SqliteZoneStore.hpp"
#include "support/FlakyStore.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace dadns::test {

struct LaneHarness {
    TempDir dir;
    FlakyStore store{std::make_unique<SqliteZoneStore>(dir.path() + "/store", SqliteZoneStore::Options{})};
    MetricsRegistry metrics;
    HostBridge bridge{HostServices{}};
    PluginLoader loader{[this](const std::string& path) { return bridge.pluginTable(path); }};
    std::unique_ptr<Dispatcher> dispatcher;

    // backendSettings: more JSON members of the test backend's settings, each after a comma.
    explicit LaneHarness(DispatchOptions options, const std::string& backendSettings = "") {
        loader.loadDirectory(testPluginDir());
        const LoadedPlugin* plugin = loader.find("test_backend");
        REQUIRE(plugin);
        auto backend = std::make_shared<BackendInstance>(*plugin, bridge.instanceContext("files", "test_backend"), "files",
                                                         "{\"dir\":\"" + dir.path() + "/files\"" + backendSettings + "}");
        dispatcher = std::make_unique<Dispatcher>(store, metrics, options);
        dispatcher->addBackend(backend, 2);
    }
    ~LaneHarness() { dispatcher->stop(); }

    LaneStatus lane() const { return dispatcher->lanes().at(0); }
    std::string backendFile(const std::string& zone) const { return dir.path() + "/files/" + zone + ".zone"; }
    bool applied(const std::string& zone) const { return fileExists(backendFile(zone)); }

    // Stores a new version of a minimal zone; notify: tell the dispatcher, as the intake does.
    uint64_t submit(const std::string& name, bool notify, int serial = 1) {
        ZoneSubmission s;
        s.name = name;
        s.zoneText = "$TTL 300\n@ IN SOA ns1." + name + ". hostmaster." + name + ". " + std::to_string(serial) +
                     " 3600 600 86400 300\n@ IN NS ns1." + name + ".\n";
        s.recordCount = 2;
        s.origin = {"rest", "", ""};
        auto out = store.submit(s);
        if (notify) dispatcher->notify(ZoneChange{name, out.version, out.stamp, false, nullptr, "rest"});
        return out.version;
    }
};

inline DispatchOptions fastOptions() {
    using namespace std::chrono_literals;
    DispatchOptions o;
    o.retryBackoff = 50ms;
    o.retryBackoffMax = 200ms;
    return o;
}

} // namespace dadns::test
