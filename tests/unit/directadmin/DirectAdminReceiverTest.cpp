// The shipped directadmin.so in-process on the SDK's fake host: its routes called as
// DirectAdmin's Multi-Server calls them, its submissions and answers checked without a daemon.
#include "support/TestSupport.hpp"

#include <dadns/sdk/testing.hpp>

#include <catch2/catch.hpp>

using namespace dadns::sdk;
using namespace dadns::sdk::testing;

namespace {

const std::string kAdmin = "/CMD_API_DNS_ADMIN";
const std::string kZone = "$TTL 14400\n@ IN SOA ns1.example.com. hostmaster.example.com. 1 14400 3600 1209600 86400\n"
                          "example.com. 14400 IN NS ns1.example.com.\nwww 14400 IN A 192.0.2.10\n";

// A receiver instance on a fake host whose API credentials are admin/secret.
struct Receiver {
    FakeHost host;
    PluginLibrary plugin{host, dadns::test::pluginDir() + "/directadmin.so"};
    LoadedService service;

    explicit Receiver(const std::string& config = "{}") : service(plugin.createService("directadmin", config)) {
        host.setCredentials("admin", "secret");
        service.start();
    }
    HttpReply send(const std::string& method, const std::string& target, const std::string& body = "", const std::string& user = "admin",
                   const std::string& password = "secret") {
        HttpCall call = HttpCall::make(method, target, body);
        call.httpVersion = "HTTP/1.0"; // as DirectAdmin sends it
        if (!user.empty()) call.basicAuth(user, password);
        return host.call(call);
    }
    size_t stored() const {
        size_t n = 0;
        for (const auto& s : host.submissions()) n += s.stored ? 1 : 0;
        return n;
    }
};

bool startsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

} // namespace

TEST_CASE("directadmin in-process: login, exists, a good push and a delete reach the host as changes", "[directadmin]") {
    Receiver da("{\"check_parent_domain\":true}");
    CHECK(da.host.routes().size() == 2);
    CHECK(da.host.routes()[0].auth == DADNS_ROUTE_AUTH_PLUGIN);
    CHECK(da.send("GET", "/CMD_API_LOGIN_TEST").body == "error=0&text=Login%20OK");
    CHECK(da.send("GET", kAdmin + "?action=exists&domain=example.com").body == "error=0&exists=0");

    auto save = da.send("POST", kAdmin + "?action=rawsave&domain=Example.com&hostname=DA1.host.example&username=bob", kZone);
    CHECK(save.status == 200);
    CHECK(save.body == "error=0");
    REQUIRE(da.host.submissions().size() == 1);
    Submission push = da.host.submissions()[0];
    CHECK(push.kind == DADNS_CHANGE_ZONE_TEXT);
    CHECK(push.zone == "Example.com");
    CHECK(push.zoneText == kZone);
    CHECK(push.origin.source == "directadmin");
    CHECK(push.origin.host == "da1.host.example");
    CHECK(push.origin.user == "bob");
    CHECK(da.host.counter("dadns_directadmin_requests_total", {{"action", "rawsave"}, {"result", "ok"}}) == 1);
    CHECK(da.host.logged("rawsave example.com v1", DADNS_LOG_INFO));

    CHECK(startsWith(da.send("GET", kAdmin + "?action=exists&domain=EXAMPLE.com.").body, "error=0&exists=1&details="));
    CHECK(da.send("GET", kAdmin + "?action=exists&domain=shop.example.com").body == "error=0&exists=3&hostname=da1.host.example&username=bob");

    CHECK(da.send("POST", kAdmin, "action=delete&hostname=da1.host.example&select0=example.com").body == "error=0");
    REQUIRE(da.host.submissions().size() == 2);
    CHECK(da.host.submissions()[1].kind == DADNS_CHANGE_DELETE);
    CHECK(da.host.zone("example.com")->deleted);
    CHECK(da.send("GET", kAdmin + "?action=exists&domain=example.com").body == "error=0&exists=0");
    // Deleting again is not an error, and asks nothing of the host: the zone is gone either way.
    CHECK(da.send("POST", kAdmin, "action=delete&select0=example.com").body == "error=0");
    CHECK(da.host.submissions().size() == 2);
}

TEST_CASE("directadmin in-process: bad credentials are refused in DirectAdmin's form and change nothing", "[directadmin]") {
    Receiver da;
    auto wrong = da.send("POST", kAdmin + "?action=rawsave&domain=example.com", kZone, "admin", "nope");
    CHECK(wrong.status == 401);
    CHECK(startsWith(wrong.body, "error=1&text=Invalid%20login"));
    CHECK(wrong.header("WWW-Authenticate") == "Basic realm=\"dadns\"");
    auto none = da.send("GET", "/CMD_API_LOGIN_TEST", "", "");
    CHECK(none.status == 401);
    CHECK(startsWith(none.body, "error=1&text=Login%20required"));
    CHECK(da.host.counter("dadns_directadmin_requests_total", {{"action", "login"}, {"result", "denied"}}) == 2);
    CHECK(da.host.submissions().empty());

    // With its own username and password, the host's credentials are not accepted.
    Receiver own("{\"username\":\"da\",\"password\":\"da-secret\"}");
    CHECK(own.send("GET", "/CMD_API_LOGIN_TEST").status == 401);
    CHECK(own.send("GET", "/CMD_API_LOGIN_TEST", "", "da", "da-secret").body == "error=0&text=Login%20OK");
}

TEST_CASE("directadmin in-process: a malformed form is refused by name and nothing is stored", "[directadmin]") {
    Receiver da;
    struct Case {
        std::string target, body, reply;
    };
    for (const auto& c : std::vector<Case>{
             {kAdmin + "?action=rawsave&domain=a.example&domain=b.example", kZone, "error=1&text=parameter%20%27domain%27%20is%20given%20twice"},
             {kAdmin + "?action=exists", "action=delete&select0=a.example", "error=1&text=parameter%20%27action%27%20is%20given%20twice"},
             {kAdmin + "?action=rawsave&domain=a.example&hostname=da1%0AFAKE", kZone, "error=1&text=hostname"},
             {kAdmin + "?action=rawsave&domain=a.example&username=bob%1B%5B2J", kZone, "error=1&text=username"},
             {kAdmin + "?action=frobnicate", "", "error=1&text=Unknown%20action"},
             {kAdmin + "?action=rawsave&domain=", kZone, "error=1&text=rawsave%20needs%20domain"},
             {kAdmin + "?action=rawsave&domain=a.example", "", "error=1&text=rawsave%20of%20a.example%20has%20an%20empty%20zone%20file"},
             {kAdmin + "?action=rawsave&domain=..%2Fx", kZone, "error=1&text=invalid%20name"},
             {kAdmin, "action=delete", "error=1&text=delete%20needs%20select0"},
         }) {
        INFO(c.target << " " << c.body.substr(0, 30));
        auto r = da.send("POST", c.target, c.body);
        CHECK(r.status == 200);
        CHECK(startsWith(r.body, c.reply));
        CHECK(r.body.find("%0A") == std::string::npos); // control characters are not echoed back
    }
    CHECK(da.stored() == 0);
    CHECK(da.host.zones().empty());
}

TEST_CASE("directadmin in-process: a delete with one bad name deletes nothing", "[directadmin]") {
    Receiver da;
    REQUIRE(da.send("POST", kAdmin + "?action=rawsave&domain=ok.example&hostname=da1.host.example", kZone).body == "error=0");
    for (const char* body : {"action=delete&hostname=da1.host.example&select0=ok.example&select1=../bad",
                             "action=delete&hostname=da1.host.example&select0=../bad&select1=ok.example"}) {
        INFO(body);
        auto r = da.send("POST", kAdmin, body);
        CHECK(startsWith(r.body, "error=1&text="));
        CHECK(r.body.find("nothing%20was%20deleted") != std::string::npos);
    }
    CHECK(da.stored() == 1);
    CHECK_FALSE(da.host.zone("ok.example")->deleted);
}

TEST_CASE("directadmin in-process: a store that fails answers an error, never a wrong 'exists' or 'saved'", "[directadmin]") {
    Receiver da;
    da.host.failNext(HostCall::ReadZone, DADNS_ERR_RETRYABLE, "store busy");
    CHECK(startsWith(da.send("GET", kAdmin + "?action=exists&domain=example.com").body,
                     "error=1&text=dadns%20could%20not%20look%20the%20domain%20up%2C%20try%20again%3A%20cannot%20read%20zone%20example.com%3A%20store%20busy"));
    da.host.failNext(HostCall::SubmitChange, DADNS_ERR_RETRYABLE, "store busy");
    CHECK(startsWith(da.send("POST", kAdmin + "?action=rawsave&domain=example.com", kZone).body,
                     "error=1&text=dadns%20could%20not%20store%20the%20change%2C%20try%20again"));
    // The host's ownership rule refuses: its reason reaches DirectAdmin as it is.
    da.host.failNext(HostCall::SubmitChange, DADNS_ERR_PERMANENT, "example.com belongs to directadmin:da2.example");
    CHECK(da.send("POST", kAdmin + "?action=rawsave&domain=example.com", kZone).body ==
          "error=1&text=example.com%20belongs%20to%20directadmin%3Ada2.example");
    CHECK(da.host.zones().empty());
    CHECK(da.host.counter("dadns_directadmin_requests_total", {{"result", "error"}}) == 3);
}
