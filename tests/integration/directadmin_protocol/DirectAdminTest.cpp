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
        // The zone rules hold on this path too: a zone named could not load is not stored.
        {"/CMD_API_DNS_ADMIN?action=rawsave&domain=nons.example", "$TTL 300\n@ SOA ns1 h 1 2 3 4 5\nwww A 192.0.2.1\n", "no%20NS%20record"},
        {"/CMD_API_DNS_ADMIN?action=rawsave&domain=alias.example",
         "$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nwww CNAME a.example.\nwww TXT \"x\"\n", "has%20a%20CNAME"},
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

namespace {

const std::string kAdmin = "/CMD_API_DNS_ADMIN";

std::string zoneState(Daemon& d, const std::string& zone) { return d.get("/api/v1/zones/" + zone).body; }

// kZone for another domain (its owner names are absolute).
std::string zoneOf(const std::string& domain) {
    std::string z = kZone;
    for (size_t pos = z.find("example.com."); pos != std::string::npos; pos = z.find("example.com.", pos + domain.size() + 1))
        z.replace(pos, 12, domain + ".");
    return z;
}

} // namespace

TEST_CASE("exists, rawsave and delete read a domain the same way, whatever its case or trailing dot", "[directadmin]") {
    Daemon d(daemonConfig(""));
    d.start();
    int port = d.port();
    REQUIRE(send(port, "POST", kAdmin + "?action=rawsave&domain=Example.COM.&hostname=da1.host.example", kZone).body == "error=0");
    CHECK(zoneState(d, "example.com").find("\"version\":1") != std::string::npos);
    for (const char* name : {"example.com", "EXAMPLE.COM", "example.com.", "Example.Com."}) {
        INFO(name);
        CHECK(send(port, "GET", kAdmin + "?action=exists&domain=" + name).body.rfind("error=0&exists=1&details=", 0) == 0);
    }
    // A name that is no domain is an error with the reason, never "exists=0".
    for (const char* name : {"..%2Fbad", "a%0Ab.example", "a%00b.example", "example..com"}) {
        INFO(name);
        auto r = send(port, "GET", kAdmin + "?action=exists&domain=" + name);
        CHECK(r.body.rfind("error=1&text=", 0) == 0);
        CHECK(r.body.find("invalid%20name") != std::string::npos);
    }
    REQUIRE(send(port, "POST", kAdmin, "action=delete&hostname=da1.host.example&select0=EXAMPLE.com.").body == "error=0");
    CHECK(send(port, "GET", kAdmin + "?action=exists&domain=example.com").body == "error=0&exists=0");
}

TEST_CASE("a DirectAdmin parameter given twice with different values is refused by name and changes nothing", "[directadmin]") {
    Daemon d(daemonConfig(""));
    d.start();
    int port = d.port();
    struct Case {
        std::string method, target, body, parameter;
    };
    for (const auto& c : std::vector<Case>{
             {"POST", kAdmin + "?action=rawsave&domain=a.example&domain=b.example", zoneOf("a.example"), "domain"},
             {"POST", kAdmin + "?action=rawsave&action=exists&domain=a.example", zoneOf("a.example"), "action"},
             {"POST", kAdmin + "?action=exists", "action=delete&select0=a.example", "action"},
             {"POST", kAdmin + "?domain=a.example", "action=exists&domain=b.example", "domain"},
             {"POST", kAdmin, "action=delete&select0=a.example&select0=b.example", "select0"},
             {"POST", kAdmin + "?action=rawsave&domain=a.example&hostname=da1.example&hostname=da2.example", zoneOf("a.example"), "hostname"},
         }) {
        INFO(c.target << " " << c.body.substr(0, 40));
        auto r = send(port, c.method, c.target, c.body);
        CHECK(r.body.rfind("error=1&text=", 0) == 0);
        CHECK(r.body.find("parameter%20%27" + c.parameter + "%27%20is%20given%20twice") != std::string::npos);
    }
    CHECK(d.get("/api/v1/zones?state=any").body == "{\"zones\":[]}");
    // The same value twice means one thing.
    CHECK(send(port, "POST", kAdmin + "?action=rawsave&domain=a.example&domain=a.example", zoneOf("a.example")).body == "error=0");
    CHECK(send(port, "POST", kAdmin + "?action=exists", "action=exists&domain=a.example").body.rfind("error=0&exists=1", 0) == 0);
}

TEST_CASE("a DirectAdmin delete with one bad name deletes nothing", "[directadmin]") {
    Daemon d(daemonConfig(""));
    d.start();
    int port = d.port();
    REQUIRE(send(port, "POST", kAdmin + "?action=rawsave&domain=ok.example&hostname=da1.host.example", zoneOf("ok.example")).body == "error=0");
    for (const char* body : {"action=delete&hostname=da1.host.example&select0=ok.example&select1=../bad",
                             "action=delete&hostname=da1.host.example&select0=../bad&select1=ok.example",
                             "action=delete&hostname=da1.host.example&select0=ok.example&domain=a%0Ab"}) {
        INFO(body);
        auto r = send(port, "POST", kAdmin, body);
        CHECK(r.body.rfind("error=1&text=", 0) == 0);
        CHECK(r.body.find("nothing%20was%20deleted") != std::string::npos);
        CHECK(send(port, "GET", kAdmin + "?action=exists&domain=ok.example").body.rfind("error=0&exists=1", 0) == 0);
    }
    CHECK(zoneState(d, "ok.example").find("\"deleted\":false") != std::string::npos);
}

TEST_CASE("a DirectAdmin hostname or username that is not a name is refused before anything is stored or logged", "[directadmin]") {
    Daemon d(daemonConfig(""));
    d.start();
    int port = d.port();
    struct Case {
        std::string query, field;
    };
    for (const auto& c : std::vector<Case>{
             {"hostname=da1%0A2026-11-28%2012:00:00.000%20error%20[app]%20FAKE%20LOG%20LINE", "hostname"},
             {"hostname=da1%1B%5B31mred", "hostname"},
             {"hostname=da1.example%20x", "hostname"},
             {"hostname=" + std::string(300, 'a'), "hostname"},
             {"hostname=da1.example&username=bob%0AFAKE%20LOG%20LINE", "username"},
             {"hostname=da1.example&username=bob%1B%5B2J", "username"},
         }) {
        INFO(c.query.substr(0, 60));
        auto r = send(port, "POST", kAdmin + "?action=rawsave&domain=forged.example&" + c.query, zoneOf("forged.example"));
        CHECK(r.body.rfind("error=1&text=" + c.field, 0) == 0);
        CHECK(r.body.find("%0A") == std::string::npos); // control characters are not echoed back
        CHECK(r.body.find("%1B") == std::string::npos);
        auto del = send(port, "POST", kAdmin, "action=delete&select0=forged.example&" + c.query);
        CHECK(del.body.rfind("error=1&text=" + c.field, 0) == 0);
    }
    CHECK(d.get("/api/v1/zones?state=any").body == "{\"zones\":[]}");
    CHECK(d.log().find("FAKE LOG LINE") == std::string::npos);
    CHECK(d.log().find('\x1b') == std::string::npos);
    // A plausible one is stored as sent (lower case).
    REQUIRE(send(port, "POST", kAdmin + "?action=rawsave&domain=fine.example&hostname=DA1.Host-2.example&username=bob_1.x", zoneOf("fine.example")).body == "error=0");
    CHECK(zoneState(d, "fine.example").find("\"host\":\"da1.host-2.example\"") != std::string::npos);
}

TEST_CASE("each DirectAdmin server owns the domains it pushed; zones of other sources are not DirectAdmin's to change", "[directadmin]") {
    Daemon d(daemonConfig("    check_parent_domain: true\n"));
    d.start();
    int port = d.port();
    auto rawsave = [&](const std::string& domain, const std::string& server) {
        return send(port, "POST", kAdmin + "?action=rawsave&domain=" + domain + "&hostname=" + server + "&username=bob", zoneOf(domain)).body;
    };
    REQUIRE(rawsave("example.com", "da1.host.example") == "error=0");
    CHECK(zoneState(d, "example.com").find("\"owner\":\"directadmin:da1.host.example\"") != std::string::npos);
    CHECK(rawsave("example.com", "da1.host.example") == "error=0"); // its own: as often as it likes

    // Another DirectAdmin server: refused, naming the owner; nothing changes.
    auto other = rawsave("example.com", "da2.host.example");
    CHECK(other.rfind("error=1&text=", 0) == 0);
    CHECK(other.find("belongs%20to%20directadmin%3Ada1.host.example") != std::string::npos);
    auto otherDelete = send(port, "POST", kAdmin, "action=delete&hostname=da2.host.example&select0=example.com").body;
    CHECK(otherDelete.find("belongs%20to%20directadmin%3Ada1.host.example") != std::string::npos);
    CHECK(zoneState(d, "example.com").find("\"version\":2") != std::string::npos);
    CHECK(zoneState(d, "example.com").find("\"deleted\":false") != std::string::npos);

    // A zone of the REST API: DirectAdmin may neither overwrite nor delete it.
    REQUIRE(d.call("PUT", "/api/v1/zones/api.example", zoneOf("api.example")).status == 201);
    CHECK(zoneState(d, "api.example").find("\"owner\":\"rest\"") != std::string::npos);
    CHECK(rawsave("api.example", "da1.host.example").find("belongs%20to%20rest") != std::string::npos);
    // One refused domain in a delete: nothing of it is deleted, whatever the order.
    REQUIRE(rawsave("mine.example", "da1.host.example") == "error=0");
    for (const char* body : {"action=delete&hostname=da1.host.example&select0=mine.example&select1=api.example",
                             "action=delete&hostname=da1.host.example&select0=api.example&select1=mine.example"}) {
        INFO(body);
        CHECK(send(port, "POST", kAdmin, body).body.find("belongs%20to%20rest") != std::string::npos);
        CHECK(zoneState(d, "mine.example").find("\"deleted\":false") != std::string::npos);
        CHECK(zoneState(d, "api.example").find("\"deleted\":false") != std::string::npos);
    }
    // A parent domain of the API is not reported as a DirectAdmin server's.
    CHECK(send(port, "GET", kAdmin + "?action=exists&domain=www.api.example").body.rfind("error=0&exists=2&details=", 0) == 0);

    // The operator's API: refused on DirectAdmin's zone unless it names the owner.
    auto rest = d.call("PUT", "/api/v1/zones/example.com", kZone);
    CHECK(rest.status == 409);
    CHECK(rest.body.find("{\"error\":") == 0);
    CHECK(rest.body.find("?owner=directadmin:da1.host.example") != std::string::npos);
    CHECK(d.call("DELETE", "/api/v1/zones/example.com").status == 409);
    CHECK(zoneState(d, "example.com").find("\"version\":2") != std::string::npos);
    // Edited for its owner, the zone stays da1's.
    CHECK(d.call("PUT", "/api/v1/zones/example.com?owner=directadmin:da1.host.example", kZone).status == 200);
    CHECK(zoneState(d, "example.com").find("\"owner\":\"directadmin:da1.host.example\"") != std::string::npos);
    CHECK(rawsave("example.com", "da1.host.example") == "error=0");
    // Handed to da2: now da2's, no longer da1's.
    CHECK(d.call("PUT", "/api/v1/zones/example.com?owner=directadmin:da2.host.example", kZone).status == 200);
    CHECK(rawsave("example.com", "da2.host.example") == "error=0");
    CHECK(rawsave("example.com", "da1.host.example").find("belongs%20to%20directadmin%3Ada2.host.example") != std::string::npos);

    // A delete frees the name: another server may push it afterwards.
    REQUIRE(send(port, "POST", kAdmin, "action=delete&hostname=da2.host.example&select0=example.com").body == "error=0");
    CHECK(rawsave("example.com", "da1.host.example") == "error=0");
    CHECK(zoneState(d, "example.com").find("\"owner\":\"directadmin:da1.host.example\"") != std::string::npos);
}

TEST_CASE("zones.ownership: shared lets every source change every zone", "[directadmin]") {
    Daemon d(baseConfig("  extra_paths:\n    - {test_plugins}/test_backend.so\n"
                        "dns:\n  backends:\n    files:\n      type: test_backend\n      dir: {dir}/files\n"
                        "ingestion:\n  directadmin: {}\nzones:\n  ownership: shared\n"));
    d.start();
    int port = d.port();
    REQUIRE(d.call("PUT", "/api/v1/zones/api.example", zoneOf("api.example")).status == 201);
    CHECK(send(port, "POST", kAdmin + "?action=rawsave&domain=api.example&hostname=da1.host.example", zoneOf("api.example")).body == "error=0");
    CHECK(send(port, "POST", kAdmin + "?action=rawsave&domain=api.example&hostname=da2.host.example", zoneOf("api.example")).body == "error=0");
    CHECK(send(port, "POST", kAdmin, "action=delete&hostname=da1.host.example&select0=api.example").body == "error=0");
}

TEST_CASE("a DirectAdmin push that would empty most of a zone is held, unless the receiver forces large changes", "[directadmin]") {
    std::string big = "$TTL 300\n@ IN SOA ns1.big.example. hostmaster.big.example. 1 3600 600 86400 300\n@ IN NS ns1.big.example.\n";
    for (int i = 0; i < 18; ++i) big += "h" + std::to_string(i) + " IN A 192.0.2." + std::to_string(i + 1) + "\n";
    std::string broken = "$TTL 300\n@ IN SOA ns1.big.example. hostmaster.big.example. 2 3600 600 86400 300\n@ IN NS ns1.big.example.\n";
    for (const bool force : {false, true}) {
        INFO("force_large_changes: " << force);
        Daemon d(daemonConfig(force ? "    force_large_changes: true\n" : ""));
        d.start();
        int port = d.port();
        REQUIRE(send(port, "POST", kAdmin + "?action=rawsave&domain=big.example&hostname=da1.host.example", big).body == "error=0");
        auto r = send(port, "POST", kAdmin + "?action=rawsave&domain=big.example&hostname=da1.host.example", broken);
        if (force) {
            CHECK(r.body == "error=0");
            CHECK(zoneState(d, "big.example").find("\"records\":2") != std::string::npos);
        } else {
            CHECK(r.body.rfind("error=1&text=", 0) == 0);
            CHECK(r.body.find("zones.safety") != std::string::npos);
            CHECK(zoneState(d, "big.example").find("\"records\":20") != std::string::npos);
        }
    }
}
