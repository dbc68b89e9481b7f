// The dadns command: --version, --check-config failure classes, --list-plugins, start-up
// failures that must exit non-zero with one clear line (the same as --check-config's) and
// environment overrides. Cases that run the daemon are in tests/integration/cli.
#include "support/DadnsCommand.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace dadns::test;

TEST_CASE("version flag prints the version and ABI", "[cli]") {
    auto r = runDadns({"--version"});
    CHECK(r.status == 0);
    CHECK(r.output.find("dadns ") == 0);
    CHECK(r.output.find("plugin ABI 1.") != std::string::npos);
}

TEST_CASE("check-config accepts a valid file and names file, key and problem otherwise", "[cli]") {
    TempDir dir;
    std::string file = dir.file("dadns.yml");
    writeFile(file, withPlaceholders(baseConfig(), dir, 2222));
    auto ok = runDadns({"--config=" + file, "--check-config"});
    CHECK(ok.status == 0);
    CHECK(ok.output.find(": ok") != std::string::npos);

    struct Case {
        std::string extra;
        std::string expected;
    };
    std::vector<Case> cases = {
        {"bogus_key: 1\n", "bogus_key: unknown key"},
        {"http:\n  publc_status: false\n", "http.publc_status: unknown key (did you mean http.public_status?)"},
        {"http:\n  threads: [1, 2]\n", "http.threads: must be a whole number, not a list"},
        {"app:\n  tls_port: 2443\n", "app: duplicated key (lines 4 and 11)"},
        {"dns:\n  backends:\n    x:\n      type: bind\n      zones_dir: {dir}/data\n", "dns.backends.x.zones_dir: is the zone store's directory"},
        {"dns:\n  backends:\n    nowhere:\n      enabled: true\n", "dns.backends.nowhere.type: plugin 'nowhere' not found"},
        {"dns:\n  backends:\n    x:\n      type: bind\n      parallel: -3\n", "dns.backends.x.parallel: must be between"},
        {"log_format: loud\n", "log_format: must be text or json"},
        {"log_level: debug\n", "log_level: duplicated key (lines 1 and 11)"}, // baseConfig has one
    };
    for (const auto& c : cases) {
        INFO(c.extra);
        writeFile(file, withPlaceholders(baseConfig(c.extra), dir, 2222));
        auto r = runDadns({"--config=" + file, "--check-config"});
        CHECK(r.status == 1);
        CHECK(r.output.find(file + ": ") != std::string::npos);
        CHECK(r.output.find(c.expected) != std::string::npos);
    }

    writeFile(file, "app: [unclosed\n");
    auto syntax = runDadns({"--config=" + file, "--check-config"});
    CHECK(syntax.status == 1);
    CHECK(syntax.output.find("line ") != std::string::npos);

    auto missing = runDadns({"--config=" + dir.file("absent.yml"), "--check-config"});
    CHECK(missing.status == 1);
    CHECK(missing.output.find("cannot read configuration file") != std::string::npos);
}

TEST_CASE("check-config runs every plugin's settings check: one line per problem, by key", "[cli]") {
    TempDir dir;
    std::string file = dir.file("dadns.yml");
    struct Case {
        std::string extra;
        std::vector<std::string> lines; // each printed as "FILE: KEY: problem"
    };
    std::vector<Case> cases = {
        {"dns:\n  backends:\n    ns:\n      type: bind\n      file_mode: \"0999\"\n      checkzone: maybe\n",
         {"dns.backends.ns.zones_dir: is required (directory the zone files are written to)",
          "dns.backends.ns.file_mode: must be octal permission bits such as \"0644\", got '0999'",
          "dns.backends.ns.checkzone: must be true or false"}},
        {"dns:\n  backends:\n    pdns:\n      type: powerdns\n      timeout: 5 parsecs\n      servers:\n        - api_url: http://127.0.0.1:8081\n"
         "          api_key: k\n          api_ky: typo\n",
         {"dns.backends.pdns.timeout: must be a duration such as 5, \"5s\", \"1500ms\", \"2m\" or \"1h\", got '5 parsecs'",
          "dns.backends.pdns.servers[0].api_ky: unknown setting (did you mean 'api_key'?)"}},
        {"dns:\n  backends:\n    sql:\n      type: coredns_mysql\n      database: dns\n      username: u\n"
         "      table_prefix: \"x; DROP TABLE records; --\"\n",
         {"dns.backends.sql.table_prefix: must be letters, digits and '_' (at most 48), got 'x; DROP TABLE records; --'"}},
        {"discovery:\n  swim:\n    bind_adress: 127.0.0.1\n",
         {"discovery.swim.cluster_key: is required", "discovery.swim.bind_adress: unknown setting (did you mean 'bind_address'?)"}},
        {"ingestion:\n  directadmin:\n    username: da\n", {"ingestion.directadmin.password: set both username and password, or neither"}},
        {"ingestion:\n  hosts:\n    default_zone: \"../x\"\n", {"ingestion.hosts.default_zone: must be a zone name"}},
    };
    for (const auto& c : cases) {
        INFO(c.extra);
        writeFile(file, withPlaceholders(baseConfig(c.extra), dir, 2222));
        auto r = runDadns({"--config=" + file, "--check-config"});
        CHECK(r.status == 1);
        for (const auto& line : c.lines) CHECK(r.output.find(file + ": " + line) != std::string::npos);
        CHECK(r.output.find(": ok") == std::string::npos);
    }

    // The same problems in an optional instance are reported, and the file passes.
    writeFile(file, withPlaceholders(baseConfig("dns:\n  backends:\n    ns:\n      type: bind\n      optional: true\n"), dir, 2222));
    auto optional = runDadns({"--config=" + file, "--check-config"});
    CHECK(optional.status == 0);
    CHECK(optional.output.find("dns.backends.ns.zones_dir: is required") != std::string::npos);

    // Valid settings of every in-tree plugin, core keys included, pass.
    writeFile(file, withPlaceholders(baseConfig("dns:\n  backends:\n    ns:\n      type: bind\n      zones_dir: {dir}/zones\n      parallel: 8\n"
                                                "      file_mode: 0640\n      rndc_command: \"\"\n      checkzone: false\n"
                                                "discovery:\n  swim:\n    enabled: true\n    cluster_key: 0123456789abcdef\n    probe_timeout: 200ms\n"),
                                     dir, 2222));
    auto valid = runDadns({"--config=" + file, "--check-config"});
    CHECK(valid.status == 0);
    CHECK(valid.output.find(": ok") != std::string::npos);
}

TEST_CASE("the DaDNS seed config fails --check-config only on a plugin that is not there", "[cli]") {
    std::string seed = sourceDir() + "/tests/data/config/dadns_seed_app.yml";
    TempDir dir;
    std::string file = dir.file("seed.yml");
    // The seed as written, plus where this build keeps its plugins.
    writeFile(file, readFile(seed) + "\nplugins:\n  dir: " + pluginDir() + "\n");
    auto r = runDadns({"--config=" + file, "--check-config"});
    bool haveCoredns = fileExists(pluginDir() + "/coredns_mysql.so");
    bool haveBind = fileExists(pluginDir() + "/bind.so");
    if (haveCoredns && haveBind) {
        CHECK(r.status == 0);
    } else {
        CHECK(r.status == 1);
        CHECK(r.output.find("plugin 'coredns_mysql' not found") != std::string::npos);
        CHECK((haveBind == (r.output.find("plugin 'bind' not found") == std::string::npos)));
        CHECK(r.output.find("unknown setting") == std::string::npos);
    }
}

TEST_CASE("environment overrides reach --check-config", "[cli]") {
    TempDir dir;
    std::string file = dir.file("dadns.yml");
    writeFile(file, withPlaceholders(baseConfig(), dir, 2222));
    auto r = runDadns({"--config=" + file, "--check-config"}, {{"DADNS_APP_LISTEN_PORT", "notaport"}});
    CHECK(r.status == 1);
    CHECK(r.output.find("app.listen_port: must be a whole number") != std::string::npos);
}

TEST_CASE("start-up failures exit non-zero with one clear line", "[cli]") {
    TempDir dir;
    std::string file = dir.file("dadns.yml");

    SECTION("port in use") {
        int port = 0;
        int fd = listenOnLoopback(1, port);
        writeFile(file, withPlaceholders(baseConfig(), dir, port));
        auto r = runDadns({"--config=" + file});
        close(fd);
        CHECK(r.status != 0);
        CHECK(r.output.find("cannot start: cannot listen on 127.0.0.1:" + std::to_string(port)) != std::string::npos);
    }
    SECTION("plugin directory missing") {
        std::string cfg = withPlaceholders(baseConfig(), dir, freePort());
        cfg.replace(cfg.find(pluginDir()), pluginDir().size(), dir.file("no-plugins"));
        writeFile(file, cfg);
        auto r = runDadns({"--config=" + file});
        CHECK(r.status != 0);
        CHECK(r.output.find("cannot start: " + file + ": plugins.dir: plugin directory not found") != std::string::npos);
    }
    SECTION("unreadable config") {
        auto r = runDadns({"--config=" + dir.file("absent.yml")});
        CHECK(r.status != 0);
        CHECK(r.output.find("cannot start: " + dir.file("absent.yml") + ": cannot read configuration file") != std::string::npos);
    }
}

TEST_CASE("a start refuses what --check-config refuses, naming the file, the key and the problem", "[cli]") {
    TempDir dir;
    std::string file = dir.file("dadns.yml");
    struct Case {
        std::string yaml;
        std::string expected;
    };
    std::vector<Case> cases = {
        {"app: [unclosed\n", ": line "},
        {withPlaceholders(baseConfig("http:\n  publc_status: false\n"), dir, freePort()),
         ": http.publc_status: unknown key (did you mean http.public_status?) (line 12)"},
        {withPlaceholders(baseConfig("app:\n  listen_port: 1\n"), dir, freePort()), ": app: duplicated key (lines 4 and 11)"},
        {withPlaceholders(baseConfig("dispatch:\n  max_attempts: \"3\"\n"), dir, freePort()),
         ": dispatch.max_attempts: must be a whole number, not a quoted string"},
        {testPluginsConfig(dir, "dns:\n  backends:\n    files:\n      type: test_backend\n      dir: {dir}/data/\n"),
         ": dns.backends.files.dir: is the zone store's directory"},
    };
    for (const auto& c : cases) {
        INFO(c.yaml);
        writeFile(file, c.yaml);
        auto check = runDadns({"--config=" + file, "--check-config"});
        CHECK(check.status == 1);
        CHECK(check.output.find(file + c.expected) != std::string::npos);
        auto start = startRefused(file);
        CHECK(start.status == 1);
        CHECK(start.output.find("cannot start: " + file + c.expected) != std::string::npos);
    }

    // An environment variable that names no key is refused the same way.
    writeFile(file, withPlaceholders(baseConfig(), dir, freePort()));
    auto env = startRefused(file, {{"DADNS_HTTP_PUBLC_STATUS", "false"}});
    CHECK(env.status == 1);
    CHECK(env.output.find("cannot start: " + file + ": DADNS_HTTP_PUBLC_STATUS: names no configuration key "
                          "(did you mean DADNS_HTTP_PUBLIC_STATUS?)") != std::string::npos);
}

TEST_CASE("list-plugins shows loaded and refused plugins", "[cli]") {
    TempDir dir;
    std::string file = dir.file("dadns.yml");
    std::string cfg = withPlaceholders(baseConfig(), dir, 2222);
    cfg.replace(cfg.find(pluginDir()), pluginDir().size(), testPluginDir());
    writeFile(file, cfg);
    auto r = runDadns({"--config=" + file, "--list-plugins"});
    CHECK(r.status == 0);
    CHECK(r.output.find("loaded   test_backend") != std::string::npos);
    CHECK(r.output.find("refused  ") != std::string::npos);
    CHECK(r.output.find("other ABI major") != std::string::npos);
}
