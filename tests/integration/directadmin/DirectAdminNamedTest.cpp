// DirectAdmin to named, end to end: a DirectAdmin Multi-Server conversation (HTTP/1.0, Basic
// auth, rawsave body, select0 delete, exists with a parent domain) against a daemon whose bind
// backend feeds a real named, checked with dig.
#include "support/DirectAdminClient.hpp"
#include "support/NamedServer.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

using namespace dadns::test;

namespace {

std::string zoneText(const std::string& zone, int serial, const std::string& ip) {
    return "$TTL 14400\n@\tIN\tSOA\tns1." + zone + ".\thostmaster." + zone + ". (\n\t\t" + std::to_string(serial) +
           "\n\t\t14400\n\t\t3600\n\t\t1209600\n\t\t86400 )\n" + zone + ".\t14400\tIN\tNS\tns1." + zone + ".\nns1\t14400\tIN\tA\t192.0.2.53\n" +
           "www\t14400\tIN\tA\t" + ip + "\n" + zone + ".\t14400\tIN\tMX\t10 mail\nmail\t14400\tIN\tA\t192.0.2.25\n";
}

// cfg with an HTTPS listener on tlsPort (app.tls_*).
std::string withTls(std::string cfg, int tlsPort, const TempDir& certs) {
    cfg.replace(cfg.find("app:\n") + 5, 0, "  tls_port: " + std::to_string(tlsPort) + "\n  tls_cert: " + certs.file("cert.pem") +
                                                "\n  tls_key: " + certs.file("key.pem") + "\n");
    return cfg;
}

} // namespace

TEST_CASE("DirectAdmin pushes reach named", "[directadmin]") {
    NamedServer named;
    named.start();
    Daemon d(baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: " + named.dir() + "/zones\n      named_conf: " + named.includeFile() +
                        "\n      rndc_command: \"" + named.rndcCommand() + "\"\n      reload_batch_ms: 100\n"
                        "ingestion:\n  directadmin:\n    check_parent_domain: true\n"));
    d.start();
    int port = d.port();
    CHECK(directAdminRequest(port, "GET", "/CMD_API_LOGIN_TEST").body == "error=0&text=Login%20OK");
    CHECK(directAdminRequest(port, "GET", "/CMD_API_DNS_ADMIN?action=exists&domain=da.example").body == "error=0&exists=0");

    auto save = directAdminRequest(port, "POST", "/CMD_API_DNS_ADMIN?action=rawsave&domain=da.example&hostname=panel.host&username=alice",
                                   zoneText("da.example", 1, "192.0.2.10"));
    REQUIRE(save.body == "error=0");
    CHECK(eventually([&] { return named.query("www.da.example", "A") == std::vector<std::string>{"192.0.2.10"}; }));
    CHECK(named.query("da.example", "MX") == std::vector<std::string>{"10 mail.da.example."});

    auto update = directAdminRequest(port, "POST", "/CMD_API_DNS_ADMIN?action=rawsave&domain=da.example&hostname=panel.host&username=alice",
                                     zoneText("da.example", 2, "192.0.2.11"));
    REQUIRE(update.body == "error=0");
    CHECK(eventually([&] { return named.query("www.da.example", "A") == std::vector<std::string>{"192.0.2.11"}; }));

    CHECK(directAdminRequest(port, "GET", "/CMD_API_DNS_ADMIN?action=exists&domain=sub.da.example").body ==
          "error=0&exists=3&hostname=panel.host&username=alice");

    auto bad = directAdminRequest(port, "POST", "/CMD_API_DNS_ADMIN?action=rawsave&domain=da.example", "$INCLUDE /etc/passwd\n");
    CHECK(bad.body.rfind("error=1&text=", 0) == 0);
    CHECK(named.query("www.da.example", "A") == std::vector<std::string>{"192.0.2.11"});

    auto del = directAdminRequest(port, "POST", "/CMD_API_DNS_ADMIN", "action=delete&cluster=yes&hostname=panel.host&select0=da.example");
    REQUIRE(del.body == "error=0");
    CHECK(eventually([&] { return !named.authoritative("da.example"); }));
}

TEST_CASE("DirectAdmin pushes over HTTPS when the daemon has a TLS listener", "[directadmin]") {
    TempDir certs("dadns-tls");
    auto made = runCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                            "-keyout", certs.file("key.pem"), "-out", certs.file("cert.pem")});
    REQUIRE(made.status == 0);
    int tlsPort = freePort();
    Daemon d(withTls(baseConfig("dns:\n  backends:\n    bind:\n      zones_dir: {dir}/zones\n      rndc_command: \"\"\n"
                                "ingestion:\n  directadmin: {}\n"),
                     tlsPort, certs));
    d.start();
    auto tls = [&](const std::string& method, const std::string& target, const std::string& body = "", const std::string& password = "secret") {
        return directAdminRequest(tlsPort, method, target, body, "admin", password, true);
    };
    CHECK(tls("GET", "/CMD_API_LOGIN_TEST").body == "error=0&text=Login%20OK");
    auto wrong = tls("GET", "/CMD_API_LOGIN_TEST", "", "not-the-password");
    CHECK(wrong.status == 401);
    CHECK(wrong.body.rfind("error=1&text=", 0) == 0);
    auto save = tls("POST", "/CMD_API_DNS_ADMIN?action=rawsave&domain=tls.example&hostname=panel.host&username=alice",
                    zoneText("tls.example", 1, "192.0.2.44"));
    REQUIRE(save.body == "error=0");
    CHECK(tls("GET", "/CMD_API_DNS_ADMIN?action=exists&domain=tls.example").body.rfind("error=0&exists=1", 0) == 0);
    CHECK(d.get("/api/v1/zones/tls.example").status == 200);
    std::string file = d.dir() + "/zones/tls.example.db";
    CHECK(eventually([&] { return fileExists(file) && readFile(file).find("192.0.2.44") != std::string::npos; }));
    // Plain HTTP on the TLS port gets no DirectAdmin answer (the connection is dropped); the
    // plain port still serves.
    std::string plain;
    try {
        plain = rawHttp(tlsPort, "GET /CMD_API_LOGIN_TEST HTTP/1.0\r\n\r\n").body;
    } catch (const std::exception&) {
        // reset by the TLS listener
    }
    CHECK(plain.find("error=0") == std::string::npos);
    CHECK(directAdminRequest(d.port(), "GET", "/CMD_API_LOGIN_TEST").body == "error=0&text=Login%20OK");
}

TEST_CASE("a TLS listener with an unreadable certificate stops the start with the reason", "[directadmin]") {
    TempDir certs("dadns-tls");
    writeFile(certs.file("cert.pem"), "not a certificate\n");
    writeFile(certs.file("key.pem"), "not a key\n");
    Daemon d(withTls(baseConfig(""), freePort(), certs));
    CHECK_THROWS(d.start());
    CHECK_THAT(d.log(), Catch::Contains("cannot use the TLS certificate"));
}

