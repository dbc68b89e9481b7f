// Configuration: YAML flattening, environment overrides, validation naming the key.
#include "core/config/ConfigTree.hpp"
#include "core/config/DaemonConfig.hpp"
#include "core/util/Errors.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

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
    CHECK(c.listenPort == 2222);
    CHECK(c.listenAddress == "127.0.0.1");
    CHECK(c.queueLocation == "./data");
    CHECK(c.historyPerZone == 10);
    CHECK(c.maxBodyBytes == 8u * 1024 * 1024);
    CHECK(c.publicStatus);
    CHECK(c.backends.empty());
}

TEST_CASE("environment overrides any key, including ones absent from the file", "[config]") {
    auto tree = ConfigTree::fromYamlText(std::string(kMinimal) + "dns:\n  backends:\n    bind:\n      zones_dir: /a\n");
    auto unmatched = tree.applyEnvironment({{"DADNS_APP_AUTH_PASSWORD", "from-env"},
                                            {"DADNS_APP_LISTEN_PORT", "9999"},
                                            {"DADNS_DNS_BACKENDS_BIND_ZONES_DIR", "/b"},
                                            {"DADNS_NO_SUCH_KEY", "x"},
                                            {"OTHER", "ignored"}},
                                           DaemonConfig::knownKeys());
    auto c = DaemonConfig::fromTree(tree);
    CHECK(c.authPassword == "from-env");
    CHECK(c.listenPort == 9999);
    REQUIRE(c.backends.size() == 1);
    CHECK(c.backends[0].json.find("\"zones_dir\":\"/b\"") != std::string::npos);
    CHECK(unmatched == std::vector<std::string>{"DADNS_NO_SUCH_KEY"});
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
        {base + "bogus: 1\n", "bogus: unknown setting"},
        {base + "dns:\n  default_backend: nope\n", "dns.default_backend: names no instance"},
        {base + "dns:\n  backends:\n    bind:\n      enabled: maybe\n", "dns.backends.bind.enabled: must be true or false"},
        {base + "dns:\n  backends: [1, 2]\n", "dns.backends: must be a mapping"},
        {base + "dns:\n  backends:\n    Bad/Name: {}\n", "dns.backends.Bad/Name: instance names use"},
        {base + "dns:\n  backendz: {}\n", "dns.backendz: unknown setting"},
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

TEST_CASE("zones.ownership: per_source by default, shared on request, anything else refused by name", "[config]") {
    CHECK(DaemonConfig::fromTree(ConfigTree::fromYamlText(kMinimal)).zoneOwnership == "per_source");
    CHECK(DaemonConfig::fromTree(ConfigTree::fromYamlText(std::string(kMinimal) + "zones:\n  ownership: shared\n")).zoneOwnership == "shared");
    CHECK(errorOf(std::string(kMinimal) + "zones:\n  ownership: anyone\n").find("zones.ownership: must be per_source or shared") == 0);
    CHECK(errorOf(std::string(kMinimal) + "zones:\n  owner: shared\n").find("zones.owner: unknown setting") == 0);
}
