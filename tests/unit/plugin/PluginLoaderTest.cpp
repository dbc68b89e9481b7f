// The loader against the test plugins: one refusal reason each, zero-extension of an older
// minor's tables, and plugins whose calls throw or fail never taking the host down.
#include "core/plugin/BackendInstance.hpp"
#include "core/plugin/HostBridge.hpp"
#include "core/plugin/PluginLoader.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

using namespace dadns;

namespace {

struct Loaded {
    HostBridge bridge{HostServices{}};
    PluginLoader loader{[this](const std::string& path) { return bridge.pluginTable(path); }};
    Loaded() { loader.loadDirectory(test::testPluginDir()); }

    const PluginReport& report(const std::string& file) const {
        for (const auto& r : loader.reports())
            if (r.path.size() >= file.size() && r.path.compare(r.path.size() - file.size(), file.size(), file) == 0) return r;
        throw std::runtime_error("no report for " + file);
    }
};

} // namespace

TEST_CASE("each malformed plugin is refused with its named reason; the others load", "[plugin]") {
    Loaded l;
    struct Case {
        std::string file, reason;
    };
    std::vector<Case> refused = {
        {"/abi_major_mismatch.so", "other ABI major: plugin 2, host 1"},
        {"/abi_newer_minor.so", "newer ABI minor: plugin 1." + std::to_string(DADNS_ABI_MINOR + 1) + ", host 1." + std::to_string(DADNS_ABI_MINOR)},
        {"/missing_init_symbol.so", "missing init symbol dadns_plugin_init"},
        {"/null_descriptor.so", "null descriptor"},
        {"/oversized_desc.so", "oversized struct: plugin descriptor"},
        {"/bad_name.so", "invalid name"},
        {"/zz_duplicate_name.so", "duplicate plugin name: test_backend (already loaded from"},
    };
    for (const auto& c : refused) {
        INFO(c.file);
        const auto& r = l.report(c.file);
        CHECK_FALSE(r.loaded);
        CHECK(r.reason.find(c.reason) != std::string::npos);
    }
    for (const char* name : {"test_backend", "old_minor_backend", "throwing_backend", "error_backend"}) {
        INFO(name);
        CHECK(l.loader.find(name) != nullptr);
    }
}

TEST_CASE("a file that is not a shared object is refused; a missing directory throws", "[plugin]") {
    test::TempDir dir;
    test::writeFile(dir.file("text.so"), "this is not an ELF file\n");
    HostBridge bridge{HostServices{}};
    PluginLoader loader([&](const std::string& p) { return bridge.pluginTable(p); });
    loader.loadDirectory(dir.path());
    REQUIRE(loader.reports().size() == 1);
    CHECK(loader.reports()[0].reason.find("not a loadable shared object") != std::string::npos);
    CHECK(loader.plugins().empty());
    CHECK_THROWS_WITH(loader.loadDirectory(dir.file("absent")), Catch::Contains("plugin directory not found"));
}

TEST_CASE("an older minor's smaller tables are zero-extended", "[plugin]") {
    Loaded l;
    const LoadedPlugin* old = l.loader.find("old_minor_backend");
    REQUIRE(old);
    CHECK(old->abiMinor == 0);
    CHECK(old->backend.apply != nullptr);
    CHECK(old->backend.parallelism == nullptr); // beyond its struct_size: not read
    CHECK(old->backend.targets == nullptr);     // added in 1.1: the instance is one target
    BackendInstance instance(*old, l.bridge.instanceContext("old", "old_minor_backend"), "old", "{}");
    CHECK(instance.parallelism() == 1);
    sdk::Zone z;
    z.name = "old.example";
    int64_t expected = 0;
    CHECK(instance.apply(z, expected).ok());
    std::vector<std::string> zones;
    CHECK(instance.listZones(zones).code == DADNS_ERR_PERMANENT); // not implemented: a clear error
}

TEST_CASE("exceptions thrown by a plugin come back as statuses", "[plugin]") {
    Loaded l;
    BackendInstance t(*l.loader.find("throwing_backend"), l.bridge.instanceContext("t", "throwing_backend"), "t", "{}");
    sdk::Zone z;
    z.name = "x.example";
    int64_t expected = 0, count = 0;
    auto applied = t.apply(z, expected);
    CHECK(applied.code == DADNS_ERR_RETRYABLE);
    CHECK(applied.message == "apply exploded");
    CHECK(t.remove("x.example").message == "remove exploded");
    auto counted = t.count("x.example", count);
    CHECK(counted.code == DADNS_ERR_RETRYABLE);
    CHECK(counted.message == "unknown exception in plugin");
    std::vector<std::string> zones;
    CHECK_FALSE(t.listZones(zones).ok());

    BackendInstance e(*l.loader.find("error_backend"), l.bridge.instanceContext("e", "error_backend"), "e", "{}");
    auto refused = e.apply(z, expected);
    CHECK(refused.code == DADNS_ERR_PERMANENT);
    CHECK(refused.message == "zone x.example rejected");
}

TEST_CASE("a backend's create failure is reported, not thrown past the host", "[plugin]") {
    Loaded l;
    CHECK_THROWS_WITH(BackendInstance(*l.loader.find("test_backend"), l.bridge.instanceContext("f", "test_backend"), "f", "{}"),
                      Catch::Contains("test_backend needs 'dir'"));
    CHECK_THROWS_WITH(BackendInstance(*l.loader.find("test_backend"), l.bridge.instanceContext("g", "test_backend"), "g", "{not json"),
                      Catch::Contains("JSON"));
}

TEST_CASE("apply, count, list and remove through the C tables", "[plugin]") {
    Loaded l;
    test::TempDir dir;
    BackendInstance b(*l.loader.find("test_backend"), l.bridge.instanceContext("files", "test_backend"), "files",
                      "{\"dir\":\"" + dir.path() + "\",\"parallel\":3}");
    CHECK(b.parallelism() == 3);
    sdk::Zone z;
    z.name = "rt.example";
    z.version = 4;
    z.records.push_back({"rt.example.", "NS", 1, 300, {"ns1.rt.example."}});
    z.records.push_back({"www.rt.example.", "A", 1, 60, {"192.0.2.1"}});
    int64_t expected = 0, count = 0;
    REQUIRE(b.apply(z, expected).ok());
    CHECK(expected == 2);
    REQUIRE(b.count("rt.example", count).ok());
    CHECK(count == 2);
    std::vector<std::string> zones;
    REQUIRE(b.listZones(zones).ok());
    CHECK(zones == std::vector<std::string>{"rt.example"});
    CHECK(test::readFile(dir.file("applied.log")) == "rt.example 4\n");
    REQUIRE(b.remove("rt.example").ok());
    REQUIRE(b.count("rt.example", count).ok());
    CHECK(count == 0);
}
