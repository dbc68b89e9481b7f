// The SDK's declared settings: every kind read as documented, every mistake named by key and
// refused as permanent, unknown keys refused (the host's own keys known), nested lists keyed by
// index, rules across keys run only on valid values.
#include <dadns/sdk/settings.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace dadns::sdk;
using std::chrono::milliseconds;

namespace {

SettingsSpec exampleSpec() {
    SettingsSpec s;
    s.text("zones_dir", "where the zones go").required();
    s.text("kind", "zone kind").byDefault("Native").oneOf({"Native", "Master"});
    s.integer("port", "server port").byDefault(53).range(1, 65535);
    s.flag("check", "check zones").byDefault(true);
    s.duration("timeout", "call timeout").byDefault(milliseconds(5000)).range(milliseconds(100), std::chrono::minutes(10));
    s.size("max_body", "largest body").byDefault(65536LL).range(1, 1LL << 30);
    s.mode("file_mode", "zone file bits").byDefault(0644).range(0, 0777);
    s.list("nameservers", "apex NS").check([](const std::string& n) { return n.find(' ') == std::string::npos ? "" : "has a space"; });
    s.command("reload", "reload command");
    SettingsSpec server;
    server.text("url", "server URL").required();
    server.flag("enabled", "use it").byDefault(true);
    s.objects("servers", server, "the servers");
    s.rule("timeout", [](const Settings& c) { return c.duration("timeout") > milliseconds(60000) && c.flag("check") ? "is too long to check zones" : ""; });
    return s;
}

std::map<std::string, std::string> problems(const std::string& json) {
    std::map<std::string, std::string> out;
    for (const auto& p : exampleSpec().check(json)) out[p.key] = p.problem;
    return out;
}

} // namespace

TEST_CASE("settings: defaults, and every kind read from what the host hands over", "[sdk]") {
    Settings d = exampleSpec().read("x", R"({"zones_dir":"/z"})");
    CHECK(d.text("zones_dir") == "/z");
    CHECK(d.text("kind") == "Native");
    CHECK(d.integer("port") == 53);
    CHECK(d.flag("check"));
    CHECK(d.duration("timeout") == milliseconds(5000));
    CHECK(d.size("max_body") == 65536);
    CHECK(d.mode("file_mode") == 0644);
    CHECK(d.list("nameservers").empty());
    CHECK(d.objects("servers").empty());
    CHECK_FALSE(d.has("port"));

    // YAML scalars arrive as numbers and booleans; "0644" keeps its text.
    Settings s = exampleSpec().read("x", R"({"zones_dir":1234,"kind":"master","port":"8053","check":"off","timeout":"1500ms",
        "max_body":"16M","file_mode":0640,"nameservers":["a.ns.","b.ns."],"reload":"rndc  -c /etc/rndc.conf reload",
        "servers":[{"url":"http://a"},{"url":"http://b","enabled":false}]})");
    CHECK(s.text("zones_dir") == "1234");
    CHECK(s.text("kind") == "Master"); // as declared
    CHECK(s.integer("port") == 8053);
    CHECK_FALSE(s.flag("check"));
    CHECK(s.duration("timeout") == milliseconds(1500));
    CHECK(s.size("max_body") == 16u * 1024 * 1024);
    CHECK(s.mode("file_mode") == 0640);
    CHECK(s.list("nameservers") == std::vector<std::string>{"a.ns.", "b.ns."});
    CHECK(s.list("reload") == std::vector<std::string>{"rndc", "-c", "/etc/rndc.conf", "reload"});
    auto servers = s.objects("servers");
    REQUIRE(servers.size() == 2);
    CHECK(servers[1].text("url") == "http://b");
    CHECK_FALSE(servers[1].flag("enabled"));
    CHECK(servers[0].instanceName() == "x.servers[0]");

    for (auto [text, ms] : std::vector<std::pair<std::string, long long>>{{"5", 5000}, {"\"5s\"", 5000}, {"\"1.5s\"", 1500}, {"\"2m\"", 120000}, {"\"0.1\"", 100}})
        CHECK(exampleSpec().read("x", R"({"zones_dir":"/z","check":false,"timeout":)" + text + "}").duration("timeout") == milliseconds(ms));
}

TEST_CASE("settings: each mistake is named by its key, all of them at once", "[sdk]") {
    auto found = problems(R"({"kind":"Slave","port":70000,"check":"maybe","timeout":"5 parsecs","max_body":"1T",
        "file_mode":"0999","nameservers":["a b"],"reload":{"x":1},"zone_dir":"/z","servers":[{"enabled":true},{"url":"u","urll":"v"}]})");
    CHECK(found["zones_dir"] == "is required (where the zones go)");
    CHECK(found["kind"] == "must be one of Native, Master, got 'Slave'");
    CHECK(found["port"] == "must be between 1 and 65535, got 70000");
    CHECK(found["check"] == "must be true or false");
    CHECK(found["timeout"] == "must be a duration such as 5, \"5s\", \"1500ms\", \"2m\" or \"1h\", got '5 parsecs'");
    CHECK_THAT(found["max_body"], Catch::StartsWith("must be a size such as"));
    CHECK(found["file_mode"] == "must be octal permission bits such as \"0644\", got '0999'");
    CHECK(found["nameservers"] == "item 1: has a space");
    CHECK(found["reload"] == "must be a command: a list of arguments or one string");
    CHECK(found["zone_dir"] == "unknown setting (did you mean 'zones_dir'?)");
    CHECK(found["servers[0].url"] == "is required (server URL)");
    CHECK(found["servers[1].urll"] == "unknown setting (did you mean 'url'?)");
    CHECK(found.size() == 12);

    CHECK(problems(R"({"zones_dir":"/z","file_mode":"4755"})")["file_mode"] == "must be no larger than 0777, got '4755'");
    CHECK(problems(R"({"zones_dir":"/z","port":1.5})")["port"] == "must be a whole number, got '1.5'");
    CHECK_THAT(problems(R"({"zones_dir":"/z","port":"99999999999999999999"})")["port"], Catch::StartsWith("must be a whole number within range"));
    CHECK_THAT(problems(R"({"zones_dir":"/z","port":9223372036854775808})")["port"], Catch::StartsWith("must be a whole number within range"));
    CHECK(problems(R"({"zones_dir":"/z","port":"-9223372036854775808"})")["port"] == "must be between 1 and 65535, got -9223372036854775808");
    CHECK(problems(R"({"zones_dir":"/z","port":2.0})").empty()); // a JSON number whole as written otherwise
    CHECK(exampleSpec().read("x", R"({"zones_dir":"/z","port":1e3})").integer("port") == 1000);
    CHECK(problems(R"({"zones_dir":"/z","port":"2.0"})")["port"] == "must be a whole number, got '2.0'"); // text: digits only
    CHECK(problems(R"({"zones_dir":"/z","timeout":"-5s"})").count("timeout") == 1);
    CHECK(problems(R"({"zones_dir":"/z","timeout":"50ms"})")["timeout"] == "must be between 100ms and 600000ms, got '50ms'");
    CHECK(problems(R"({"zones_dir":"/z","servers":{"url":"u"}})")["servers"] == "must be a list of mappings");
    CHECK(problems(R"({"zones_dir":"/z","servers":["u"]})")["servers[0]"] == "must be a mapping");
    CHECK(problems(R"({"zones_dir":"/z","wholly_unrelated_name":1})")["wholly_unrelated_name"] == "unknown setting");
    CHECK(problems(R"({"zones_dir":"/z","time":1})")["time"] == "unknown setting (did you mean 'timeout'?)"); // cut short
    CHECK(problems("[1]")[""] == "must be a mapping");
    CHECK_THAT(problems("{\"zones_dir\":")[""], Catch::StartsWith("invalid JSON"));
}

TEST_CASE("settings: the host's keys are known; null means unset; rules see valid values only", "[sdk]") {
    CHECK(problems(R"({"zones_dir":"/z","type":"bind","enabled":true,"optional":"yes","parallel":4})").empty());
    CHECK(problems(R"({"zones_dir":"/z","enabled":"sometimes"})")["enabled"] == "must be true or false");
    CHECK(problems(R"({"zones_dir":"/z","port":null})").empty());
    CHECK(problems(R"({"zones_dir":null})")["zones_dir"] == "is required (where the zones go)");
    // Nested mappings know only their own keys.
    CHECK(problems(R"({"zones_dir":"/z","servers":[{"url":"u","type":"x"}]})")["servers[0].type"] == "unknown setting");

    CHECK(problems(R"({"zones_dir":"/z","timeout":"2m"})")["timeout"] == "is too long to check zones");
    CHECK(problems(R"({"zones_dir":"/z","timeout":"2m","check":false})").empty());
    // A rule never runs on a value that failed its own check.
    auto found = problems(R"({"zones_dir":"/z","timeout":"2m","check":"maybe"})");
    CHECK(found.size() == 1);
    CHECK(found["check"] == "must be true or false");
}

TEST_CASE("settings: a text choice may be empty; a default or range of another kind is a plugin bug at once", "[sdk]") {
    SettingsSpec s;
    s.text("soa_edit", "SOA-EDIT-API").oneOf({"", "DEFAULT", "INCREASE"});
    CHECK(s.check(R"({"soa_edit":""})").empty());
    CHECK(s.read("p", R"({"soa_edit":"increase"})").text("soa_edit") == "INCREASE");
    CHECK(s.read("p", "{}").text("soa_edit").empty());
    CHECK(s.check(R"({"soa_edit":"SOMETIMES"})").size() == 1);

    SettingsSpec bad;
    CHECK_THROWS_AS(bad.flag("check", "c").byDefault(1), std::logic_error);
    CHECK_THROWS_AS(bad.duration("timeout", "t").byDefault(5), std::logic_error);
    CHECK_THROWS_AS(bad.duration("interval", "i").range(1, 5), std::logic_error);
    CHECK_THROWS_AS(bad.text("name", "n").byDefault(true), std::logic_error);
    CHECK_NOTHROW(bad.mode("bits", "b").byDefault(0644).range(0, 0777));
}

TEST_CASE("settings: a declaration's reference stays valid while more keys are declared", "[sdk]") {
    SettingsSpec s;
    Setting& first = s.text("first", "declared first");
    for (int i = 0; i < 100; ++i) s.integer("k" + std::to_string(i), "filler");
    first.required(); // refined after a hundred more declarations
    CHECK(s.check("{}").front().problem == "is required (declared first)");
}

TEST_CASE("settings: the host's parallel is known to every plugin, with the host's range", "[sdk]") {
    SettingsSpec s;
    CHECK(s.read("p", R"({"parallel":8})").parallel(4) == 8);
    CHECK(s.read("p", R"({"parallel":0})").parallel(4) == 4); // 0: the plugin decides
    CHECK(s.read("p", "{}").parallel(4) == 4);
    CHECK(s.check(R"({"parallel":1024})").empty());
    CHECK(s.check(R"({"parallel":1025})").front().problem == "must be between 0 and 1024, got 1025");
}

TEST_CASE("settings: read refuses with a permanent error naming instance and keys; misuse is a plugin bug", "[sdk]") {
    try {
        exampleSpec().read("ns1", R"({"port":0,"zone_dir":"/z"})");
        FAIL("accepted");
    } catch (const PermanentError& e) {
        CHECK(std::string(e.what()) == "ns1: zone_dir: unknown setting (did you mean 'zones_dir'?); zones_dir: is required (where the zones go); "
                                       "port: must be between 1 and 65535, got 0");
        CHECK(e.code() == DADNS_ERR_PERMANENT);
    }
    Settings s = exampleSpec().read("ns1", R"({"zones_dir":"/z"})");
    CHECK_THROWS_WITH(s.integer("zones_dir"), Catch::Contains("plugin bug: setting 'zones_dir' is read as another kind"));
    CHECK_THROWS_WITH(s.text("undeclared"), Catch::Contains("plugin bug: setting 'undeclared' is read but not declared"));
    CHECK_THROWS_AS(s.text("undeclared"), PermanentError);
}
