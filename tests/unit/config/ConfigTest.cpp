// Configuration: YAML flattening, environment overrides, validation naming the key.
#include "core/config/ConfigKeys.hpp"
#include "core/config/ConfigLoader.hpp"
#include "core/config/ConfigTree.hpp"
#include "core/config/DaemonConfig.hpp"
#include "core/util/Errors.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace dadns;

namespace {

const char* kMinimal = "app:\n  auth_username: admin\n  auth_password: secret\n";

// The ConfigError message for a config text, or "" when it is valid.
std::string errorOf(const std::string& yaml) {
    try {
        DaemonConfig::fromTree(ConfigTree::fromYamlText(yaml));
        return "";
    } catch (const ConfigError& e) {
        return e.what();
    }
}

} // namespace

TEST_CASE("yaml is flattened into dotted keys", "[config]") {
    auto tree = ConfigTree::fromYamlText("a:\n  b: 1\n  c:\n    d: x\nlist:\n  - one\n  - two\n");
    CHECK(tree.find("a.b")->text == "1");
    CHECK(tree.find("a.c.d")->text == "x");
    CHECK(tree.find("list[1]")->text == "two");
    CHECK(tree.children("a") == std::vector<std::string>{"b", "c"});
    CHECK_FALSE(tree.find("a.x"));
}

TEST_CASE("defaults apply when keys are absent", "[config]") {
    auto c = DaemonConfig::fromTree(ConfigTree::fromYamlText(kMinimal));
    CHECK(c.api.connections.port == 2222);
    CHECK(c.api.connections.address == "127.0.0.1");
    CHECK(c.queueLocation == "./data");
    CHECK(c.historyPerZone == 10);
    CHECK(c.api.connections.limits.maxBodyBytes == 8u * 1024 * 1024);
    CHECK(c.api.publicStatus);
    CHECK(c.backends.empty());
}

TEST_CASE("environment overrides any key, including ones absent from the file", "[config]") {
    auto tree = ConfigTree::fromYamlText(std::string(kMinimal) + "dns:\n  backends:\n    bind:\n      zones_dir: /a\n"
                                                                 "    coredns_dc1:\n      type: coredns_mysql\n"
                                                                 "plugins:\n  extra_paths:\n    - /x.so\n    - /y.so\n");
    auto unmatched = tree.applyEnvironment({{"DADNS_APP_AUTH_PASSWORD", "from-env"},
                                            {"DADNS_APP_LISTEN_PORT", "9999"},
                                            {"DADNS_HTTP_PUBLIC_STATUS", "false"},
                                            {"DADNS_DNS_BACKENDS_BIND_ZONES_DIR", "/b"},
                                            {"DADNS_DNS_BACKENDS_BIND_RNDC_COMMAND", "rndc reload"},
                                            {"DADNS_DNS_BACKENDS_CODEDNS_DC1_PASSWORD", "typo"},
                                            {"DADNS_DNS_BACKENDS_COREDNS_DC1_PASSWORD", "pw"},
                                            {"DADNS_DNS_BACKENDS_BIND_OPTIONAL", "true"},
                                            {"DADNS_PLUGINS_EXTRA_PATHS", "/z.so"},
                                            {"DADNS_NO_SUCH_KEY", "x"},
                                            {"OTHER", "ignored"}},
                                           DaemonConfig::knownKeys(), environmentSections(tree));
    CHECK(unmatched == std::vector<std::string>{"DADNS_DNS_BACKENDS_CODEDNS_DC1_PASSWORD", "DADNS_NO_SUCH_KEY"});
    CHECK(tree.find("dns.backends.bind.rndc_command")->envVar == "DADNS_DNS_BACKENDS_BIND_RNDC_COMMAND");
    auto c = DaemonConfig::fromTree(tree);
    CHECK(c.authPassword == "from-env");
    CHECK(c.api.connections.port == 9999);
    CHECK_FALSE(c.api.publicStatus); // absent from the file
    REQUIRE(c.backends.size() == 2);
    const auto& bind = c.backends[0].name == "bind" ? c.backends[0] : c.backends[1];
    const auto& dc1 = c.backends[0].name == "bind" ? c.backends[1] : c.backends[0];
    CHECK(bind.json.find("\"zones_dir\":\"/b\"") != std::string::npos);
    // A plugin's setting absent from the file is set too: the plugin receives it.
    CHECK(bind.json.find("\"rndc_command\":\"rndc reload\"") != std::string::npos);
    CHECK(bind.optional);
    CHECK(dc1.json.find("\"password\":\"pw\"") != std::string::npos);
    // A variable replaces a list as a whole.
    CHECK(c.pluginExtraPaths == std::vector<std::string>{"/z.so"});
}

TEST_CASE("an environment variable naming no key is refused by name", "[config]") {
    auto refusal = [](const std::map<std::string, std::string>& env) {
        auto tree = ConfigTree::fromYamlText(std::string(kMinimal) + "dns:\n  backends:\n    bind:\n      zones_dir: /a\n");
        try {
            configFromTree(tree, env);
            return std::string();
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
    };
    CHECK(refusal({{"DADNS_HTTP_PUBLC_STATUS", "false"}}) ==
          "DADNS_HTTP_PUBLC_STATUS: names no configuration key (did you mean DADNS_HTTP_PUBLIC_STATUS?)");
    CHECK(refusal({{"DADNS_DNS_BACKENDS_BINDX_ZONES_DIR", "/b"}}).find("DADNS_DNS_BACKENDS_BINDX_ZONES_DIR: names no configuration key") == 0);
    // An override is checked like a file's value.
    CHECK(refusal({{"DADNS_HTTP_THREADS", "many"}}) == "http.threads: must be a whole number, got 'many'");
    CHECK(refusal({{"DADNS_DNS_BACKENDS_BIND_ENABLED", "perhaps"}}) == "dns.backends.bind.enabled: must be true or false, got 'perhaps'");
    CHECK(refusal({{"DADNS_HTTP_PUBLIC_STATUS", "false"}, {"DADNS_DNS_BACKENDS_BIND_NAMED_CONF", "/n"}}).empty());
    // A value that is not UTF-8 (a Latin-1 password) would reach the plugin changed: refused.
    CHECK(refusal({{"DADNS_DNS_BACKENDS_BIND_PASSWORD", "caf\xe9"}}) == "dns.backends.bind.password: is not valid UTF-8 text");
    CHECK(refusal({{"DADNS_DNS_BACKENDS_BIND_PASSWORD", "caf\xc3\xa9"}}).empty());
}

TEST_CASE("a value in the file that is not UTF-8 is refused by key", "[config]") {
    auto tree = ConfigTree::fromYamlText(std::string(kMinimal) + "dns:\n  backends:\n    bind:\n      zones_dir: \"/zones/\xff\"\n");
    CHECK_THROWS_WITH(DaemonConfig::fromTree(tree), Catch::Contains("dns.backends.bind.zones_dir: is not valid UTF-8 text"));
    // A key too: it would reach the plugin renamed. The message shows the byte as \xff.
    auto keyed = ConfigTree::fromYamlText(std::string(kMinimal) + "dns:\n  backends:\n    bind:\n      zones_dir: /z\n      \"dir\xff\": 1\n");
    CHECK_THROWS_WITH(DaemonConfig::fromTree(keyed), Catch::Contains("dns.backends.bind.dir\\xff: is a key that is not valid UTF-8 text"));
}

TEST_CASE("backend instances: enabled, type defaulting to the instance name, JSON section", "[config]") {
    auto c = DaemonConfig::fromTree(ConfigTree::fromYamlText(std::string(kMinimal) +
                                                             "dns:\n  backends:\n"
                                                             "    coredns_dc1:\n      type: coredns_mysql\n      port: 3306\n      host: \"10.0.0.1\"\n"
                                                             "    bind:\n      enabled: false\n      servers:\n        - a\n        - b\n"));
    REQUIRE(c.backends.size() == 2);
    const auto& bind = c.backends[0].name == "bind" ? c.backends[0] : c.backends[1];
    const auto& dc1 = c.backends[0].name == "bind" ? c.backends[1] : c.backends[0];
    CHECK_FALSE(bind.enabled);
    CHECK(bind.type == "bind");
    CHECK(bind.json == "{\"enabled\":false,\"servers\":[\"a\",\"b\"]}");
    CHECK(dc1.type == "coredns_mysql");
    CHECK(dc1.json == "{\"host\":\"10.0.0.1\",\"port\":3306,\"type\":\"coredns_mysql\"}");
}

TEST_CASE("every validation failure names the key and what is wrong", "[config]") {
    std::string base = kMinimal;
    struct Case {
        std::string yaml;
        std::string expected;
    };
    std::vector<Case> cases = {
        {"app:\n  auth_password: x\n", "app.auth_username: must be set"},
        {"app:\n  auth_username: a\n", "app.auth_password: must be set"},
        {base + "  listen_port: 70000\n", "app.listen_port: must be between 0 and 65535"},
        {base + "  listen_port: abc\n", "app.listen_port: must be a whole number"},
        {base + "log_level: chatty\n", "log_level: must be one of"},
        {base + "log_format: xml\n", "log_format: must be text or json"},
        {base + "bogus: 1\n", "bogus: unknown key"},
        {base + "dns:\n  default_backend: nope\n", "dns.default_backend: names no instance"},
        {base + "dns:\n  backends:\n    bind:\n      enabled: maybe\n", "dns.backends.bind.enabled: must be true or false"},
        {base + "dns:\n  backends: [1, 2]\n", "dns.backends: must be a mapping"},
        {base + "dns:\n  backends:\n    Bad/Name: {}\n", "dns.backends.Bad/Name: instance names use"},
        {base + "dns:\n  backendz: {}\n", "dns.backendz: unknown key (did you mean dns.backends?)"},
        {base + "store:\n  engine: oracle\n", "store.engine: unknown engine"},
        {base + "store:\n  type: oracle\n", "store.type: unknown engine 'oracle' (available: sqlite, postgresql)"},
        {base + "store:\n  type: postgresql\n", "store.dsn: must be set"},
        {base + "store:\n  history_per_zone: 0\n", "store.history_per_zone: must be between 1"},
        {base + "http:\n  max_body_bytes: 10\n", "http.max_body_bytes: must be between"},
        {base + "http:\n  public_status: perhaps\n", "http.public_status: must be true or false"},
        {base + "dispatch:\n  retry_backoff: 5 parsecs\n", "dispatch.retry_backoff: unknown duration unit"},
        {base + "dispatch:\n  max_delete_fraction: 2\n", "dispatch.max_delete_fraction: must be between"},
        {base + "queue_location: \"\"\n", "queue_location: must not be empty"},
        {base + "  tls_port: 2443\n", "app.tls_port: needs app.tls_cert and app.tls_key"},
        {base + "  tls_cert: c.pem\n  tls_key: k.pem\n", "app.tls_cert: is set but app.tls_port is not"},
        {base + "  listen_port: 2222\n  tls_port: 2222\n  tls_cert: c.pem\n  tls_key: k.pem\n", "app.tls_port: must differ"},
    };
    for (const auto& c : cases) {
        INFO(c.yaml);
        std::string error = errorOf(c.yaml);
        CHECK(error.find(c.expected) != std::string::npos);
    }
}

TEST_CASE("yaml syntax errors give the line", "[config]") {
    try {
        ConfigTree::fromYamlText("app:\n  auth_username: [unclosed\n");
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("line ") != std::string::npos);
    }
    CHECK_THROWS_AS(ConfigTree::fromYamlText("- just\n- a list\n"), ConfigError);
}

TEST_CASE("durations", "[config]") {
    CHECK(parseDuration("250ms").count() == 250);
    CHECK(parseDuration("30s").count() == 30000);
    CHECK(parseDuration("5m").count() == 300000);
    CHECK(parseDuration("1h").count() == 3600000);
    CHECK(parseDuration("2").count() == 2000);
    CHECK_THROWS(parseDuration("-1s"));
    CHECK_THROWS(parseDuration("soon"));
}

TEST_CASE("secret keys are recognised", "[config]") {
    for (const char* k : {"app.auth_password", "dns.backends.pdns.api_key", "discovery.swim.cluster_key", "x.secret", "x.key", "x.password"})
        CHECK(isSecretKey(k));
    for (const char* k : {"app.auth_username", "dns.backends.bind.zones_dir", "x.keyring_dir", "x.monkey"}) CHECK_FALSE(isSecretKey(k));
}

TEST_CASE("the DaDNS seed's config/app.yml is accepted as written", "[config]") {
    auto tree = ConfigTree::fromYamlFile(test::sourceDir() + "/tests/data/config/dadns_seed_app.yml");
    auto c = DaemonConfig::fromTree(tree);
    CHECK(c.authUsername == "directdnsonly");
    CHECK(c.timezone == "Pacific/Auckland");
    CHECK(c.logLevel == "info");
    CHECK(c.queueLocation == "./data/queues");
    CHECK(c.defaultBackend == "bind");
    REQUIRE(c.backends.size() == 2);
    CHECK(c.backends[1].type == "coredns_mysql");
}

namespace {

std::string loadError(const std::string& path) {
    try {
        loadConfig(path);
        return "";
    } catch (const ConfigFileError& e) {
        return e.what();
    }
}

} // namespace

TEST_CASE("unknown keys anywhere in the core configuration are refused by name", "[config]") {
    std::string base = kMinimal;
    struct Case {
        std::string yaml;
        std::string expected;
    };
    std::vector<Case> cases = {
        {base + "http:\n  publc_status: false\n", "http.publc_status: unknown key (did you mean http.public_status?)"},
        {base + "  listen_prot: 2223\n", "app.listen_prot: unknown key (did you mean app.listen_port?)"},
        {base + "log_levl: debug\n", "log_levl: unknown key (did you mean log_level?)"},
        {base + "dispatch:\n  retry_backof: 1s\n", "dispatch.retry_backof: unknown key (did you mean dispatch.retry_backoff?)"},
        {base + "store:\n  history: 3\n", "store.history: unknown key"},
        {base + "plugins:\n  directory: /x\n", "plugins.directory: unknown key"},
        {base + "http:\n  tls:\n    port: 1\n", "http.tls: unknown key"},
        {base + "cache:\n  size: 1\n", "cache: unknown key"},
        // Inside a plugin instance block the keys the core reads are checked; the rest is the plugin's.
        {base + "dns:\n  backends:\n    bind:\n      enabled: true\n      optional: maybe\n", "dns.backends.bind.optional: must be true or false"},
        {base + "ingestion:\n  hosts:\n    type: [hosts]\n", "ingestion.hosts.type: must be a single value, not a list"},
        {base + "discovery:\n  swim:\n    parallel: many\n", "discovery.swim.parallel: must be a whole number"},
    };
    for (const auto& c : cases) {
        INFO(c.yaml);
        CHECK(errorOf(c.yaml).find(c.expected) == 0);
    }
    // A plugin's own keys, nested or not, pass through to it.
    CHECK(errorOf(base + "dns:\n  backends:\n    pdns:\n      type: powerdns\n      soa_edit_api: \"\"\n      servers:\n"
                         "        - name: one\n          api_url: http://h:8081/api/v1\n          api_key: k\n          enabled: false\n"
                         "ingestion:\n  hosts:\n    default_zone: x.example\n    nameservers: [ns1.x.example]\n"
                         "discovery:\n  swim:\n    cluster_key: a-long-enough-secret\n    seeds: []\n") == "");
}

TEST_CASE("values of the wrong type are refused", "[config]") {
    std::string base = kMinimal;
    struct Case {
        std::string yaml;
        std::string expected;
    };
    std::vector<Case> cases = {
        {base + "http:\n  threads: [1, 2]\n", "http.threads: must be a whole number, not a list"},
        {base + "http:\n  threads:\n    a: 1\n", "http.threads: must be a whole number, not a mapping"},
        {base + "http:\n  threads: {}\n", "http.threads: must be a whole number, not a mapping"},
        {base + "http:\n  threads: \"8\"\n", "http.threads: must be a whole number, not a quoted string"},
        {base + "http:\n  threads: eight\n", "http.threads: must be a whole number, got 'eight'"},
        {base + "http:\n  threads: 8.5\n", "http.threads: must be a whole number, got '8.5'"},
        {base + "http:\n  public_status: 0\n", "http.public_status: must be true or false, got '0'"},
        {base + "http:\n  public_status: \"false\"\n", "http.public_status: must be true or false, not a quoted string"},
        {base + "dispatch:\n  max_delete_fraction: \"0.5\"\n", "dispatch.max_delete_fraction: must be a number, not a quoted string"},
        {base + "dispatch:\n  max_delete_fraction: half\n", "dispatch.max_delete_fraction: must be a number, got 'half'"},
        {base + "dispatch:\n  drift_interval: [5m]\n", "dispatch.drift_interval: must be a duration like 500ms, 30s, 5m or 1h, not a list"},
        {base + "log_level:\n  - info\n", "log_level: must be a single value, not a list"},
        {base + "  listen_address:\n    host: 127.0.0.1\n", "app.listen_address: must be a single value, not a mapping"},
        {base + "http: 5\n", "http: must be a mapping of settings, not a single value"},
        {base + "dispatch:\n  - retry_backoff\n", "dispatch: must be a mapping, not a list"},
        {base + "plugins:\n  extra_paths:\n    a: /x.so\n", "plugins.extra_paths: must be a list, not a mapping"},
        {base + "plugins:\n  extra_paths:\n    - [/x.so]\n", "plugins.extra_paths: must be a list of single values"},
        {base + "dns:\n  backends:\n    bind:\n      enabled: \"no\"\n", "dns.backends.bind.enabled: must be true or false, not a quoted string"},
        {base + "dns:\n  backends:\n    bind:\n      enabled: 1\n", "dns.backends.bind.enabled: must be true or false, got '1'"},
        {base + "dns:\n  backends:\n    bind: [zones_dir]\n", "dns.backends.bind: must be a mapping of settings, not a list"},
    };
    for (const auto& c : cases) {
        INFO(c.yaml);
        CHECK(errorOf(c.yaml).find(c.expected) == 0);
    }
    // YAML booleans in any of their spellings, and durations quoted or not, are fine.
    CHECK(errorOf(base + "http:\n  public_status: No\ndispatch:\n  remove_unknown_zones: on\n  drift_interval: \"10m\"\n  lease: 45\n") == "");
}

TEST_CASE("a key given twice is refused with both lines, not merged", "[config]") {
    struct Case {
        std::string yaml;
        std::string expected;
    };
    std::vector<Case> cases = {
        {"app:\n  auth_username: admin\napp:\n  auth_password: secret\n", "app: duplicated key (lines 1 and 3)"},
        {std::string(kMinimal) + "  auth_password: other\n", "app.auth_password: duplicated key (lines 3 and 4)"},
        {std::string(kMinimal) + "dns:\n  backends:\n    bind:\n      zones_dir: /a\n    bind:\n      zones_dir: /b\n",
         "dns.backends.bind: duplicated key (lines 6 and 8)"},
        {std::string(kMinimal) + "dns:\n  backends:\n    bind:\n      zones_dir: /a\n      zones_dir: /b\n",
         "dns.backends.bind.zones_dir: duplicated key (lines 7 and 8)"},
        {std::string(kMinimal) + "dns:\n  backends:\n    p:\n      servers:\n        - name: a\n          name: b\n",
         "dns.backends.p.servers[0].name: duplicated key (lines 8 and 9)"},
    };
    for (const auto& c : cases) {
        INFO(c.yaml);
        try {
            ConfigTree::fromYamlText(c.yaml);
            FAIL("accepted");
        } catch (const ConfigError& e) {
            CHECK(std::string(e.what()).find(c.expected) == 0);
        }
    }
}

TEST_CASE("a configuration error names the file, the key, the problem and the line", "[config]") {
    test::TempDir dir;
    std::string file = dir.file("dadns.yml");
    test::writeFile(file, std::string(kMinimal) + "http:\n  threads: 4\n  publc_status: false\n");
    CHECK(loadError(file) == file + ": http.publc_status: unknown key (did you mean http.public_status?) (line 6)");
    test::writeFile(file, "app: [unclosed\n");
    CHECK(loadError(file).find(file + ": line ") == 0);
    test::writeFile(file, std::string(kMinimal) + "app:\n  listen_port: 1\n");
    CHECK(loadError(file) == file + ": app: duplicated key (lines 1 and 4): give it once");
    CHECK(loadError(dir.file("absent.yml")).find(dir.file("absent.yml") + ": cannot read configuration file") == 0);
}

TEST_CASE("no plugin setting may name the store's directory or its database", "[config]") {
    test::TempDir dir;
    std::string data = dir.file("data");
    std::filesystem::create_directories(data + "/zones");
    std::filesystem::create_symlink(data, dir.file("link"));
    auto withBackend = [&](const std::string& settings, const std::string& store = "") {
        return std::string(kMinimal) + "queue_location: " + data + "\n" + store + "dns:\n  backends:\n    bind:\n" + settings;
    };
    struct Case {
        std::string yaml;
        std::string expected;
    };
    std::vector<Case> cases = {
        {withBackend("      zones_dir: " + data + "\n"), "dns.backends.bind.zones_dir: is the zone store's directory"},
        {withBackend("      zones_dir: " + data + "/\n"), "dns.backends.bind.zones_dir: is the zone store's directory"},
        {withBackend("      zones_dir: " + data + "/zones/..\n"), "dns.backends.bind.zones_dir: is the zone store's directory"},
        {withBackend("      zones_dir: " + dir.file("link") + "\n"), "dns.backends.bind.zones_dir: is the zone store's directory"},
        {withBackend("      named_conf: " + data + "/dadns.db\n"), "dns.backends.bind.named_conf: is a file of the zone store"},
        {withBackend("      type: test_backend\n      dir: " + data + "\n"), "dns.backends.bind.dir: is the zone store's directory"},
        {withBackend("      paths:\n        - /tmp\n        - " + data + "\n"), "dns.backends.bind.paths[1]: is the zone store's directory"},
        {std::string(kMinimal) + "queue_location: " + data + "\ningestion:\n  hosts:\n    hosts_file: " + data + "/dadns.db-wal\n",
         "ingestion.hosts.hosts_file: is a file of the zone store"},
    };
    for (const auto& c : cases) {
        INFO(c.yaml);
        CHECK(errorOf(c.yaml).find(c.expected) == 0);
    }
    // A relative path is resolved as the daemon resolves it: from its working directory.
    auto cwd = std::filesystem::current_path();
    std::filesystem::current_path(dir.path());
    std::string relative = errorOf(std::string(kMinimal) + "queue_location: ./data\ndns:\n  backends:\n    bind:\n      zones_dir: data\n");
    std::filesystem::current_path(cwd);
    CHECK(relative.find("dns.backends.bind.zones_dir: is the zone store's directory (queue_location: ./data)") == 0);

    // A directory inside the store's, another store engine, or a secret that happens to match are fine.
    CHECK(errorOf(withBackend("      zones_dir: " + data + "/zones\n")) == "");
    CHECK(errorOf(withBackend("      zones_dir: " + data + "\n", "store:\n  type: postgresql\n  dsn: host=db\n")) == "");
    CHECK(errorOf(withBackend("      zones_dir: /tmp\n      password: " + data + "\n")) == "");
}

TEST_CASE("plugin instances may be marked optional", "[config]") {
    auto c = DaemonConfig::fromTree(ConfigTree::fromYamlText(std::string(kMinimal) +
                                                             "dns:\n  backends:\n    a: {}\n    b:\n      optional: true\n"));
    REQUIRE(c.backends.size() == 2);
    CHECK_FALSE(c.backends[0].optional);
    CHECK(c.backends[1].optional);
}

TEST_CASE("the shipped configuration and the documented keys are accepted", "[config]") {
    auto c = DaemonConfig::fromTree(ConfigTree::fromYamlFile(test::sourceDir() + "/etc/dadns.yml"));
    CHECK(c.backends.size() == 1);
    // Every key in the reference table of docs/configuration.md that the core reads is in the key list.
    std::string doc = test::readFile(test::sourceDir() + "/docs/configuration.md");
    std::vector<std::string> known = DaemonConfig::knownKeys();
    for (const auto& key : known) {
        INFO(key);
        CHECK(doc.find("`" + key + "`") != std::string::npos);
    }
}

TEST_CASE("zones.ownership: per_source by default, shared on request, anything else refused by name", "[config]") {
    CHECK(DaemonConfig::fromTree(ConfigTree::fromYamlText(kMinimal)).zoneOwnership == "per_source");
    CHECK(DaemonConfig::fromTree(ConfigTree::fromYamlText(std::string(kMinimal) + "zones:\n  ownership: shared\n")).zoneOwnership == "shared");
    CHECK_THAT(errorOf(std::string(kMinimal) + "zones:\n  ownership: anyone\n"), Catch::Contains("zones.ownership: must be per_source or shared"));
    CHECK_THAT(errorOf(std::string(kMinimal) + "zones:\n  owner: shared\n"), Catch::Contains("zones.owner: unknown key"));
}

TEST_CASE("zones.soa_serial: keep by default, increase on request, anything else refused by name", "[config]") {
    CHECK(DaemonConfig::fromTree(ConfigTree::fromYamlText(kMinimal)).soaSerial == "keep");
    CHECK(DaemonConfig::fromTree(ConfigTree::fromYamlText(std::string(kMinimal) + "zones:\n  soa_serial: Increase\n")).soaSerial == "increase");
    CHECK_THAT(errorOf(std::string(kMinimal) + "zones:\n  soa_serial: date\n"), Catch::Contains("zones.soa_serial: must be keep or increase"));
}

TEST_CASE("node_id is the node's one identity; a cluster-only one from older configurations still names it", "[config]") {
    CHECK(DaemonConfig::fromTree(ConfigTree::fromYamlText(std::string(kMinimal) + "node_id: dns1\n")).nodeId == "dns1");
    CHECK(DaemonConfig::fromTree(ConfigTree::fromYamlText(std::string(kMinimal) + "discovery:\n  swim:\n    node_id: dns2\n")).nodeId == "dns2");
    CHECK(DaemonConfig::fromTree(ConfigTree::fromYamlText(std::string(kMinimal) + "node_id: dns1\ndiscovery:\n  swim:\n    node_id: dns1\n"))
              .nodeId == "dns1");
    CHECK_FALSE(DaemonConfig::fromTree(ConfigTree::fromYamlText(kMinimal)).nodeId.empty()); // the host name
}
