// The DirectAdmin receiver spoken to exactly as DirectAdmin's Multi-Server does: HTTP/1.0,
// Basic auth, rawsave with the zone as the body, delete with select0, exists with a parent.
#include "support/DirectAdminClient.hpp"
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>


using namespace dadns::test;

namespace {

HttpResponse send(int port, const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& user = "admin", const std::string& password = "secret") {
    return directAdminRequest(port, method, target, body, user, password);
}

const char* kZone =
    "$TTL 14400\n"
    "@\tIN\tSOA\tns1.example.com.\thostmaster.example.com. (\n\t\t2024011501\n\t\t14400\n\t\t3600\n\t\t1209600\n\t\t86400 )\n"
    "example.com.\t14400\tIN\tNS\tns1.example.com.\n"
    "example.com.\t14400\tIN\tA\t192.0.2.10\n"
    "www\t14400\tIN\tA\t192.0.2.10\n"
    "example.com.\t14400\tIN\tMX\t10 mail\n"
    "mail\t14400\tIN\tA\t192.0.2.10\n"
    "example.com.\t14400\tIN\tTXT\t\"v=spf1 a mx ip4:192.0.2.10 ~all\"\n";

std::string daemonConfig(const std::string& ingestion) {
    return baseConfig("  extra_paths:\n    - {test_plugins}/test_backend.so\n"
                      "dns:\n  backends:\n    files:\n      type: test_backend\n      dir: {dir}/files\n"
                      "ingestion:\n  directadmin:\n" + ingestion);
}

} // namespace

TEST_CASE("DirectAdmin's Multi-Server conversation", "[directadmin]") {
    Daemon d(daemonConfig("    check_parent_domain: true\n"));
    d.start();
    int port = d.port();

    auto login = send(port, "GET", "/CMD_API_LOGIN_TEST");
    CHECK(login.status == 200);
    CHECK(login.body == "error=0&text=Login%20OK");

    CHECK(send(port, "GET", "/CMD_API_DNS_ADMIN?action=exists&domain=example.com").body == "error=0&exists=0");

    auto save = send(port, "POST", "/CMD_API_DNS_ADMIN?action=rawsave&domain=example.com&hostname=da1.host.example&username=bob", kZone);
    CHECK(save.status == 200);
    CHECK(save.body == "error=0");
    CHECK(eventually([&] { return fileExists(d.dir() + "/files/example.com.zone"); }));
    auto state = d.get("/api/v1/zones/example.com").body;
    CHECK(state.find("\"source\":\"directadmin\"") != std::string::npos);
    CHECK(state.find("\"host\":\"da1.host.example\"") != std::string::npos);
    CHECK(state.find("\"user\":\"bob\"") != std::string::npos);
    CHECK(state.find("\"records\":7") != std::string::npos);

    auto exists = send(port, "GET", "/CMD_API_DNS_ADMIN?action=exists&domain=example.com");
    CHECK(exists.body.rfind("error=0&exists=1&details=", 0) == 0);
    auto parent = send(port, "GET", "/CMD_API_DNS_ADMIN?action=exists&domain=shop.example.com");
    CHECK(parent.body == "error=0&exists=3&hostname=da1.host.example&username=bob");

    CHECK(send(port, "POST", "/CMD_API_DNS_ADMIN", "").body == "error=0&text=OK");

    auto del = send(port, "POST", "/CMD_API_DNS_ADMIN", "action=delete&cluster=yes&hostname=da1.host.example&select0=example.com");
    CHECK(del.body == "error=0");
    CHECK(eventually([&] { return !fileExists(d.dir() + "/files/example.com.zone"); }));
    CHECK(send(port, "GET", "/CMD_API_DNS_ADMIN?action=exists&domain=example.com").body == "error=0&exists=0");
    // Deleting again is not an error: the zone is gone either way.
    CHECK(send(port, "POST", "/CMD_API_DNS_ADMIN", "action=delete&select0=example.com").body == "error=0");
}

TEST_CASE("DirectAdmin requests with bad input are refused clearly and nothing reaches a backend", "[directadmin]") {
    Daemon d(daemonConfig("    username: da\n    password: da-secret\n"));
    d.start();
    int port = d.port();
    auto wrong = send(port, "GET", "/CMD_API_LOGIN_TEST", "", "da", "nope");
    CHECK(wrong.status == 401);
    CHECK(wrong.body.rfind("error=1&text=Invalid%20login", 0) == 0);
    CHECK(send(port, "GET", "/CMD_API_LOGIN_TEST", "", "", "").status == 401);
    CHECK(send(port, "GET", "/CMD_API_LOGIN_TEST", "", "admin", "secret").status == 401); // its own credentials only
    auto ok = [&](const std::string& method, const std::string& target, const std::string& body = "") {
        return send(port, method, target, body, "da", "da-secret");
    };
    CHECK(ok("GET", "/CMD_API_LOGIN_TEST").body == "error=0&text=Login%20OK");

    struct Case {
        std::string target, body, fragment;
    };
    std::vector<Case> cases = {
        {"/CMD_API_DNS_ADMIN?action=frobnicate", "", "Unknown%20action"},
        {"/CMD_API_DNS_ADMIN?action=rawsave&domain=inc.example", "$INCLUDE /etc/passwd\n", "INCLUDE"},
        {"/CMD_API_DNS_ADMIN?action=rawsave&domain=bad.example", "www IN A 300.1.1.1\n", "line%201"},
        {"/CMD_API_DNS_ADMIN?action=rawsave&domain=..%2Fx", kZone, "invalid%20name"},
        {"/CMD_API_DNS_ADMIN?action=rawsave&domain=" + std::string(70, 'a') + ".com", kZone, "63"},
        {"/CMD_API_DNS_ADMIN?action=rawsave&domain=a%00b.com", kZone, "NUL"},
        {"/CMD_API_DNS_ADMIN?action=rawsave&domain=", kZone, "needs%20domain"},
        {"/CMD_API_DNS_ADMIN", "action=delete", "select0"},
    };
    for (const auto& c : cases) {
        INFO(c.target);
        auto r = ok("POST", c.target, c.body);
        CHECK(r.status == 200);
        CHECK(r.body.rfind("error=1&text=", 0) == 0);
        CHECK(r.body.find(c.fragment) != std::string::npos);
    }
    // A 20 MB body is refused before it is read: the answer comes while the client still sends.
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    std::string head = "POST /CMD_API_DNS_ADMIN?action=rawsave&domain=big.example HTTP/1.0\r\nAuthorization: Basic " +
                       base64("da:da-secret") + "\r\nContent-Length: " + std::to_string(20 * 1024 * 1024) + "\r\n\r\n" +
                       std::string(65536, 'x');
    s.sendBytes(head.data(), static_cast<int>(head.size()));
    s.setReceiveTimeout(Poco::Timespan(10, 0));
    char buf[256] = {};
    int n = s.receiveBytes(buf, sizeof buf - 1);
    REQUIRE(n > 0);
    CHECK(std::string(buf, static_cast<size_t>(n)).find(" 413 ") != std::string::npos);
    CHECK(d.get("/api/v1/zones?state=any").body == "{\"zones\":[]}");
    CHECK(d.get("/health").status == 200);
}
