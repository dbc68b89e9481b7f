// The loader against the test plugins: one refusal reason each, zero-extension of an older
// minor's tables, and plugins whose calls throw or fail never taking the host down.
#include "core/plugin/BackendInstance.hpp"
#include "core/plugin/HostBridge.hpp"
#include "core/plugin/PluginInstances.hpp"
#include "core/plugin/PluginLoader.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

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
        {"/sdk_other_major.so", "other ABI major: plugin 2, host 1"},
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
    for (const char* name : {"test_backend", "old_minor_backend", "throwing_backend", "error_backend", "abi_newer_minor", "sdk_minor1_backend"}) {
        INFO(name);
        CHECK(l.loader.find(name) != nullptr);
    }
}

TEST_CASE("a refused plugin is named when its descriptor names it, whatever its major", "[plugin]") {
    Loaded l;
    CHECK(l.report("/abi_major_mismatch.so").name == "abi_major_mismatch");
    CHECK(l.report("/sdk_other_major.so").name == "sdk_other_major");
    CHECK(l.report("/sdk_other_major.so").abi == "2." + std::to_string(DADNS_ABI_MINOR));
    CHECK(l.report("/zz_duplicate_name.so").name == "test_backend");
    CHECK(l.report("/missing_init_symbol.so").name.empty()); // nothing told its name
    CHECK(l.report("/null_descriptor.so").name.empty());
    // Each file has exactly one report.
    std::set<std::string> paths;
    for (const auto& r : l.loader.reports()) CHECK(paths.insert(r.path).second);
}

TEST_CASE("a newer minor's plugin loads: the host reads the members it knows and drives it", "[plugin]") {
    Loaded l;
    const LoadedPlugin* newer = l.loader.find("abi_newer_minor");
    REQUIRE(newer);
    CHECK(newer->abiMinor == DADNS_ABI_MINOR + 1);
    CHECK(l.report("/abi_newer_minor.so").abi == "1." + std::to_string(DADNS_ABI_MINOR + 1));
    CHECK(newer->backend.struct_size > sizeof(dadns_backend_api)); // as the plugin declared it
    CHECK(newer->checkSettings == nullptr);
    BackendInstance instance(*newer, l.bridge.instanceContext("newer", "abi_newer_minor"), "newer", "{}");
    CHECK(instance.parallelism() == 2);
    sdk::Zone z;
    z.name = "newer.example";
    z.records.push_back({"newer.example.", "NS", 1, 300, {"ns1.newer.example."}});
    int64_t expected = 0, count = 0;
    REQUIRE(instance.apply(z, expected).ok());
    CHECK(expected == 1);
    REQUIRE(instance.count("newer.example", count).ok());
    CHECK(count == 1);
}

TEST_CASE("a 1.1 SDK plugin loads without a settings hook; create still refuses its bad settings", "[plugin]") {
    Loaded l;
    const LoadedPlugin* minor1 = l.loader.find("sdk_minor1_backend");
    REQUIRE(minor1);
    CHECK(minor1->abiMinor == 1);
    CHECK(minor1->checkSettings == nullptr); // beyond its struct_size: never read
    PluginInstanceConfig inst{"dns.backends", "m1", "sdk_minor1_backend", true, false, 0, "{\"zones\":500}"};
    CHECK(settingsProblems(inst, *minor1).empty());
    CHECK_THROWS_WITH(BackendInstance(*minor1, l.bridge.instanceContext("m1", "sdk_minor1_backend"), "m1", inst.json),
                      Catch::Contains("m1: zones: must be between 0 and 100, got 500"));
    BackendInstance ok(*minor1, l.bridge.instanceContext("m2", "sdk_minor1_backend"), "m2", "{\"zones\":7}");
    int64_t count = 0;
    REQUIRE(ok.count("any.example", count).ok());
    CHECK(count == 7);
}

TEST_CASE("a 1.2 plugin's settings hook names every problem by key, before anything is created", "[plugin]") {
    Loaded l;
    const LoadedPlugin* plugin = l.loader.find("test_backend");
    REQUIRE(plugin);
    REQUIRE(plugin->checkSettings != nullptr);
    auto problems = [&](const std::string& json) {
        PluginInstanceConfig inst{"dns.backends", "files", "test_backend", true, false, 0, json};
        std::map<std::string, std::string> out;
        for (const auto& p : settingsProblems(inst, *plugin)) out[p.key] = p.problem;
        return out;
    };
    auto found = problems(R"({"type":"test_backend","enabled":true,"optional":false,"parallel":3000,"delay_msec":5,"fail":"sometimes"})");
    CHECK_THAT(found["dns.backends.files.dir"], Catch::StartsWith("is required"));
    CHECK(found["dns.backends.files.delay_msec"] == "unknown setting (did you mean 'delay_ms'?)");
    CHECK(found["dns.backends.files.fail"] == "must be one of retryable, permanent, got 'sometimes'");
    CHECK(found["dns.backends.files.parallel"] == "must be between 0 and 1024, got 3000"); // the host's key, checked by the host's range
    CHECK(found.size() == 4);
    CHECK(problems(R"({"dir":"/tmp/x","type":"test_backend","enabled":"yes"})").empty()); // core keys are known
    CHECK(problems("{not json").begin()->first == "dns.backends.files");
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
                      Catch::Contains("f: dir: is required"));
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
