// The HTTP API against a running daemon: auth, body limits, JSON errors, metrics, hostile input.
#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/StreamSocket.h>

using namespace dadns::test;

namespace {

const char* kZone =
    "$TTL 300\n"
    "@ IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 86400 300\n"
    "@ IN NS ns1.example.com.\n"
    "www IN A 192.0.2.10\n";

Poco::JSON::Object::Ptr json(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

HttpResponse call(Daemon& d, const std::string& method, const std::string& path, const std::string& body = "",
                  std::optional<std::pair<std::string, std::string>> auth = std::nullopt) {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.contentType = "text/plain";
    req.basicAuth = std::move(auth);
    return httpCall("127.0.0.1", d.port(), req);
}

} // namespace

TEST_CASE("mutations need Basic auth; reads are open by default", "[http]") {
    Daemon d(baseConfig());
    d.start();
    auto anonymous = call(d, "PUT", "/api/v1/zones/example.com", kZone);
    CHECK(anonymous.status == 401);
    CHECK(anonymous.headers["www-authenticate"] == "Basic realm=\"dadns\"");
    CHECK(json(anonymous.body)->getValue<std::string>("error") == "authentication required");

    auto wrong = call(d, "PUT", "/api/v1/zones/example.com", kZone, std::make_pair("admin", "wrong"));
    CHECK(wrong.status == 401);
    CHECK(json(wrong.body)->getValue<std::string>("error") == "invalid credentials");
    auto wrongUser = call(d, "PUT", "/api/v1/zones/example.com", kZone, std::make_pair("root", "secret"));
    CHECK(wrongUser.status == 401);

    auto ok = call(d, "PUT", "/api/v1/zones/example.com", kZone, std::make_pair("admin", "secret"));
    CHECK(ok.status == 201);
    CHECK(json(ok.body)->getValue<int>("records") == 3);

    CHECK(call(d, "GET", "/api/v1/zones/example.com").status == 200);
    CHECK(call(d, "GET", "/api/v1/status").status == 200);
    CHECK(call(d, "GET", "/metrics").status == 200);
}

TEST_CASE("http.public_status false closes reads too", "[http]") {
    Daemon d(baseConfig("http:\n  public_status: false\n"));
    d.start();
    CHECK(call(d, "GET", "/api/v1/status").status == 401);
    CHECK(call(d, "GET", "/api/v1/status", "", std::make_pair("admin", "secret")).status == 200);
}

TEST_CASE("bodies over http.max_body_bytes get 413 without being read", "[http]") {
    Daemon d(baseConfig("http:\n  max_body_bytes: 4096\n"));
    d.start();
    std::string big(5000, 'a');
    auto r = call(d, "PUT", "/api/v1/zones/example.com", big, std::make_pair("admin", "secret"));
    CHECK(r.status == 413);
    CHECK(json(r.body)->getValue<std::string>("error").find("max_body_bytes") != std::string::npos);

    // A declared 1 GiB body: the answer comes without the daemon waiting for the bytes.
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(d.port())));
    std::string head =
        "PUT /api/v1/zones/example.com HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\n"
        "Content-Length: 1073741824\r\n\r\n";
    s.sendBytes(head.data(), static_cast<int>(head.size()));
    s.setReceiveTimeout(Poco::Timespan(10, 0));
    char buf[512] = {};
    int n = s.receiveBytes(buf, sizeof buf - 1);
    REQUIRE(n > 0);
    CHECK(std::string(buf, static_cast<size_t>(n)).find("HTTP/1.1 413") == 0);
    CHECK(d.get("/health").status == 200);
}

TEST_CASE("every error is a JSON body with the right status", "[http]") {
    Daemon d(baseConfig());
    d.start();
    auto auth = std::make_pair(std::string("admin"), std::string("secret"));
    struct Case {
        std::string method, path, body;
        int status;
        std::string fragment;
    };
    std::vector<Case> cases = {
        {"GET", "/no/such/thing", "", 404, "no such endpoint"},
        {"PATCH", "/api/v1/zones/example.com", "", 405, "not allowed"},
        {"GET", "/api/v1/zones/unknown.example", "", 404, "no such zone"},
        {"PUT", "/api/v1/zones/..%2Fx", kZone, 400, ""},
        {"PUT", "/api/v1/zones/a%00b.com", kZone, 400, ""},
        {"PUT", "/api/v1/zones/" + std::string(64, 'a') + ".com", kZone, 400, "63"},
        {"PUT", "/api/v1/zones/example.com", "this is not a zone\n", 400, "line 1"},
        {"PUT", "/api/v1/zones/example.com", "$INCLUDE /etc/passwd\n", 400, "$INCLUDE"},
        {"PUT", "/api/v1/zones/example.com", std::string(kZone) + "t TXT \"caf\xe9\"\n", 400, "0xE9 is not UTF-8"},
        {"DELETE", "/api/v1/zones/never.example", "", 404, "no such zone"},
        {"GET", "/api/v1/zones?limit=abc", "", 400, "limit"},
        {"POST", "/api/v1/backends/none/redrive", "", 404, "no running backend"},
    };
    for (const auto& c : cases) {
        INFO(c.method << " " << c.path);
        auto r = call(d, c.method, c.path, c.body, auth);
        CHECK(r.status == c.status);
        auto o = json(r.body);
        REQUIRE(o->has("error"));
        CHECK(o->getValue<std::string>("error").find(c.fragment) != std::string::npos);
    }
    // SQL metacharacters in a zone name are just an invalid name.
    auto sql = call(d, "PUT", "/api/v1/zones/x%27%3B%20DROP%20TABLE%20zones%3B--", kZone, auth);
    CHECK(sql.status == 400);
    CHECK(d.get("/health").status == 200);
}

TEST_CASE("JSON records body and record-level edits", "[http]") {
    Daemon d(baseConfig());
    d.start();
    auto put = d.call("PUT", "/api/v1/zones/json.example",
                      R"({"records":[{"name":"@","type":"SOA","ttl":300,"data":"ns1.json.example. h.json.example. 1 3600 600 86400 300"},
                                     {"name":"@","type":"NS","data":"ns1.json.example."},
                                     {"name":"www","type":"A","ttl":60,"data":"192.0.2.1"}]})",
                      "application/json");
    REQUIRE(put.status == 201);
    CHECK(json(put.body)->getValue<int>("records") == 3);
    auto add = d.call("POST", "/api/v1/zones/json.example/records", R"({"name":"mail","type":"A","data":"192.0.2.2"})",
                      "application/json");
    CHECK(add.status == 200);
    CHECK(json(add.body)->getValue<int>("records") == 4);
    CHECK(json(add.body)->getValue<int>("version") == 2);
    auto del = d.call("DELETE", "/api/v1/zones/json.example/records?name=www&type=A");
    CHECK(del.status == 200);
    CHECK(json(del.body)->getValue<int>("records") == 3);
    auto text = json(d.get("/api/v1/zones/json.example").body)->getValue<std::string>("zone_text");
    CHECK(text.find("mail.json.example.") != std::string::npos);
    CHECK(text.find("www.json.example.") == std::string::npos);
    auto wrongType = d.call("PUT", "/api/v1/zones/json.example", R"({"records":[{"name":"x","type":"A","ttl":"soon","data":"192.0.2.1"}]})",
                            "application/json");
    CHECK(wrongType.status == 400);
    CHECK(json(wrongType.body)->getValue<std::string>("error").find("bad record") != std::string::npos);
    auto bad = d.call("PUT", "/api/v1/zones/json.example", "{\"records\": [", "application/json");
    CHECK(bad.status == 400);
    CHECK(json(bad.body)->getValue<std::string>("error").find("malformed JSON") != std::string::npos);
}

TEST_CASE("metrics expose HTTP counts and latency by route and status", "[http]") {
    Daemon d(baseConfig());
    d.start();
    d.get("/api/v1/status");
    d.get("/nope");
    auto m = d.get("/metrics").body;
    CHECK(m.find("# TYPE dadns_http_requests_total counter") != std::string::npos);
    CHECK(m.find("dadns_http_requests_total{method=\"GET\",route=\"/api/v1/status\",status=\"200\"} 1") != std::string::npos);
    CHECK(m.find("route=\"unmatched\",status=\"404\"") != std::string::npos);
    CHECK(m.find("dadns_http_request_duration_seconds_bucket{route=\"/api/v1/status\",status=\"200\",le=\"+Inf\"} 1") != std::string::npos);
    CHECK(m.find("process_resident_memory_bytes ") != std::string::npos);
}

TEST_CASE("secrets never appear in status, plugins or logs", "[http]") {
    Daemon d(baseConfig("dns:\n  backends:\n    files:\n      type: test_backend\n      dir: {dir}/files\n      api_key: topsecret-key\n"
                        "      password: hunter2-pass\n")
                 .replace(baseConfig().find("{plugins}"), 9, "{test_plugins}"));
    d.start();
    for (const char* path : {"/api/v1/status", "/api/v1/plugins", "/api/v1/backends", "/metrics"}) {
        auto body = d.get(path).body;
        CHECK(body.find("topsecret-key") == std::string::npos);
        CHECK(body.find("hunter2-pass") == std::string::npos);
        CHECK(body.find("secret\"") == std::string::npos);
    }
    d.stop();
    CHECK(d.log().find("topsecret-key") == std::string::npos);
    CHECK(d.log().find("hunter2-pass") == std::string::npos);
}

TEST_CASE("a change refused for a bad parameter has changed nothing", "[http]") {
    Daemon d(baseConfig());
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/param.example", kZone).status == 201);
    CHECK(d.call("DELETE", "/api/v1/zones/param.example?wait=abc").status == 400);
    CHECK(d.call("PUT", "/api/v1/zones/param.example?wait=-1", kZone).status == 400);
    CHECK(d.call("POST", "/api/v1/zones/param.example/records?wait=1e9",
                 R"({"records":[{"name":"new","type":"A","ttl":300,"data":"192.0.2.99"}]})", "application/json")
              .status == 400);
    auto state = json(d.get("/api/v1/zones/param.example").body);
    CHECK(state->getValue<int>("version") == 1);
    CHECK_FALSE(state->getValue<bool>("deleted"));
}

TEST_CASE("JSON record fields that would split or bend a master-file line are refused", "[http]") {
    Daemon d(baseConfig());
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/fields.example", kZone).status == 201);
    auto post = [&](const std::string& record) {
        return d.call("POST", "/api/v1/zones/fields.example/records", R"({"records":[)" + record + "]}", "application/json");
    };
    CHECK(post(R"({"name":"a","type":"A 192.0.2.7\nevil IN A","ttl":300,"data":"192.0.2.8"})").status == 400);
    CHECK(post(R"({"name":"a b","type":"A","ttl":300,"data":"192.0.2.8"})").status == 400);
    CHECK(post(R"({"name":"a;x","type":"A","ttl":300,"data":"192.0.2.8"})").status == 400);
    CHECK(post(R"({"name":"a","type":"A","ttl":true,"data":"192.0.2.8"})").status == 400);
    CHECK(post(R"({"name":"a","type":"A","ttl":"300","data":"192.0.2.8"})").status == 400);
    CHECK(post(R"({"name":"a","type":"A","ttl":300.7,"data":"192.0.2.8"})").status == 400);
    // JSON has no comments: a ';' outside quotes would have dropped the rest of the data.
    auto comment = post(R"({"name":"t","type":"TXT","ttl":300,"data":"v=spf1; -all"})");
    CHECK(comment.status == 400);
    CHECK(comment.body.find("would start a comment") != std::string::npos);
    // Members the reader does not know, another class, and non-string fields are refused, not ignored or converted.
    auto unknown = post(R"({"name":"a","type":"A","ttl":300,"data":"192.0.2.8","prio":10})");
    CHECK(unknown.status == 400);
    CHECK(unknown.body.find("unknown member 'prio'") != std::string::npos);
    CHECK(post(R"({"name":"a","type":"A","class":"CH","ttl":300,"data":"192.0.2.8"})").status == 400);
    CHECK(post(R"({"name":null,"type":"A","ttl":300,"data":"192.0.2.8"})").status == 400);
    CHECK(post(R"({"name":5,"type":"A","ttl":300,"data":"192.0.2.8"})").status == 400);
    CHECK(post(R"({"name":"a","type":"TXT","ttl":300,"data":7})").status == 400);
    auto state = json(d.get("/api/v1/zones/fields.example").body);
    CHECK(state->getValue<int>("version") == 1); // nothing was stored
    auto ok = post(R"({"name":"a","type":"a","class":"in","ttl":300,"data":"192.0.2.8"})");
    CHECK(ok.status == 200);
    CHECK(post(R"({"name":"t","type":"TXT","ttl":300,"data":"\"v=spf1; -all\" semi\\;colon"})").status == 200); // quoted or escaped
    auto stored = json(d.get("/api/v1/zones/fields.example").body);
    CHECK(stored->getValue<int>("records") == 5);
    CHECK(stored->getValue<std::string>("zone_text").find("\"v=spf1; -all\"") != std::string::npos);
}

TEST_CASE("zones that break the zone rules are refused on every REST path and change nothing", "[http]") {
    Daemon d(baseConfig());
    d.start();
    auto refused = [&](const HttpResponse& r, const std::string& why) {
        INFO(r.body);
        CHECK(r.status == 400);
        CHECK(r.body.find(why) != std::string::npos);
    };
    // Whole zones, as text and as JSON records.
    refused(d.call("PUT", "/api/v1/zones/rules.example", "$TTL 300\n@ NS ns1.example.com.\nwww A 192.0.2.1\n"), "no SOA record");
    refused(d.call("PUT", "/api/v1/zones/rules.example", std::string(kZone) + "@ SOA ns2.example.com. h.example.com. 2 3600 600 86400 300\n"),
            "more than one SOA");
    refused(d.call("PUT", "/api/v1/zones/rules.example",
                   R"({"records":[{"name":"@","type":"SOA","ttl":300,"data":"ns1.example.com. h.example.com. 1 3600 600 86400 300"}]})",
                   "application/json"),
            "no NS record");
    refused(d.call("PUT", "/api/v1/zones/rules.example", std::string(kZone) + "www CNAME other.example.\n"), "has a CNAME and a A record");
    CHECK(d.get("/api/v1/zones/rules.example").status == 404);

    // Record edits of a valid zone.
    REQUIRE(d.call("PUT", "/api/v1/zones/rules.example", kZone).status == 201);
    refused(d.call("DELETE", "/api/v1/zones/rules.example/records?name=@&type=SOA"), "no SOA record");
    refused(d.call("DELETE", "/api/v1/zones/rules.example/records?name=@&type=NS"), "no NS record");
    auto post = [&](const std::string& record) {
        return d.call("POST", "/api/v1/zones/rules.example/records", R"({"records":[)" + record + "]}", "application/json");
    };
    refused(post(R"({"name":"www","type":"A","ttl":60,"data":"192.0.2.10"})"), "different TTLs");
    refused(post(R"({"name":"www","type":"A","ttl":60,"data":"192.0.2.11"})"), "different TTLs");
    refused(post(R"({"name":"www","type":"CNAME","ttl":300,"data":"other.example."})"), "has a CNAME");
    refused(post(R"({"name":"@","type":"SOA","ttl":300,"data":"ns1.example.com. h.example.com. 9 3600 600 86400 300"})"), "more than one SOA");
    refused(post(R"({"name":"mail","name":"www","type":"A","ttl":300,"data":"192.0.2.12"})"), "appears twice");
    CHECK(json(d.get("/api/v1/zones/rules.example").body)->getValue<int>("version") == 1);
    CHECK(post(R"({"name":"www","type":"A","ttl":300,"data":"192.0.2.11"})").status == 200);
}

TEST_CASE("record data the parser would cut is refused, not stored short", "[http]") {
    Daemon d(baseConfig());
    d.start();
    auto txt = [](int strings) {
        std::string record = "big TXT";
        for (int i = 0; i < strings; ++i) record += " \"" + std::string(255, 'a' + i % 26) + "\"";
        return record + "\n";
    };
    auto cut = d.call("PUT", "/api/v1/zones/txt.example", std::string(kZone) + txt(257));
    CHECK(cut.status == 400);
    CHECK(cut.body.find("longer than 65,535") != std::string::npos);
    CHECK(d.get("/api/v1/zones/txt.example").status == 404);
    // 254 strings of 255 octets fit (65,024 octets of RDATA) and are all kept.
    REQUIRE(d.call("PUT", "/api/v1/zones/txt.example", std::string(kZone) + txt(254)).status == 201);
    auto text = json(d.get("/api/v1/zones/txt.example").body)->getValue<std::string>("zone_text");
    CHECK(text.find(std::string(255, 'a' + 253 % 26)) != std::string::npos);
    size_t strings = 0;
    for (size_t at = text.find(" \""); at != std::string::npos; at = text.find(" \"", at + 1)) ++strings;
    CHECK(strings == 254);
}

TEST_CASE("a zone's owner is shown; the API changes another source's zone only when it names the owner", "[http]") {
    Daemon d(baseConfig());
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/mine.example", kZone).status == 201);
    CHECK(json(d.get("/api/v1/zones/mine.example").body)->getValue<std::string>("owner") == "rest");
    CHECK(d.call("PUT", "/api/v1/zones/mine.example", kZone).status == 200); // its own: no parameter needed

    // Created for the hosts plugin: the hosts plugin's zone from then on.
    REQUIRE(d.call("PUT", "/api/v1/zones/theirs.example?owner=hosts", kZone).status == 201);
    auto state = json(d.get("/api/v1/zones/theirs.example").body);
    CHECK(state->getValue<std::string>("owner") == "hosts");
    CHECK(state->getObject("origin")->getValue<std::string>("user") == "rest:admin");
    auto listed = json(d.get("/api/v1/zones").body)->getArray("zones");
    CHECK(listed->getObject(1)->getValue<std::string>("owner") == "hosts");

    // Every change without ?owner= is refused with 409 and changes nothing.
    struct Case {
        std::string method, path, body, contentType;
    };
    for (const auto& c : std::vector<Case>{
             {"PUT", "/api/v1/zones/theirs.example", kZone, "text/plain"},
             {"PUT", "/api/v1/zones/THEIRS.example.", kZone, "text/plain"},
             {"DELETE", "/api/v1/zones/theirs.example", "", "text/plain"},
             {"POST", "/api/v1/zones/theirs.example/records", R"({"name":"new","type":"A","ttl":300,"data":"192.0.2.99"})", "application/json"},
             {"DELETE", "/api/v1/zones/theirs.example/records?name=www&type=A", "", "text/plain"},
             {"POST", "/api/v1/zones/theirs.example/rollback?version=1", "", "text/plain"},
         }) {
        INFO(c.method << " " << c.path);
        auto r = d.call(c.method, c.path, c.body, c.contentType);
        CHECK(r.status == 409);
        CHECK(json(r.body)->getValue<std::string>("error").find("belongs to hosts") != std::string::npos);
    }
    // A bad ?owner= is refused before anything changes.
    for (const char* owner : {"swim", "rest:host.example", "directadmin:../x", "Bad%20Source", "a:b:c"}) {
        INFO(owner);
        CHECK(d.call("PUT", std::string("/api/v1/zones/theirs.example?owner=") + owner, kZone).status == 400);
    }
    state = json(d.get("/api/v1/zones/theirs.example").body);
    CHECK(state->getValue<int>("version") == 1);
    CHECK_FALSE(state->getValue<bool>("deleted"));

    // Named, the change is made for the owner (the zone stays the hosts plugin's), or takes it.
    CHECK(d.call("POST", "/api/v1/zones/theirs.example/records?owner=hosts", R"({"name":"new","type":"A","ttl":300,"data":"192.0.2.99"})",
                 "application/json").status == 200);
    CHECK(json(d.get("/api/v1/zones/theirs.example").body)->getValue<std::string>("owner") == "hosts");
    CHECK(d.call("PUT", "/api/v1/zones/theirs.example?owner=rest", kZone).status == 200);
    CHECK(json(d.get("/api/v1/zones/theirs.example").body)->getValue<std::string>("owner") == "rest");
    CHECK(d.call("DELETE", "/api/v1/zones/theirs.example").status == 200);
    // A delete frees the name.
    state = json(d.get("/api/v1/zones/theirs.example").body);
    CHECK(state->isNull("owner"));
    REQUIRE(d.call("PUT", "/api/v1/zones/theirs.example?owner=directadmin:da1.example", kZone).status == 201);
    CHECK(json(d.get("/api/v1/zones/theirs.example").body)->getValue<std::string>("owner") == "directadmin:da1.example");
}
