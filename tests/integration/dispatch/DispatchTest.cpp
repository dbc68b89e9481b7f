// The dispatcher end to end: a real daemon, test backends from tests/plugins (slow, failing,
// counting wrong), the REST API. Lanes are independent, retries end in dead letters that can
// be redriven, the latest version wins, verification repairs, drift scans re-queue.
#include "DispatchTestSupport.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <thread>

using namespace dadns::test;
using namespace dadns::test::dispatch;

TEST_CASE("a slow backend does not delay a fast one", "[dispatch]") {
    Daemon d(config(backend("slow", "      delay_ms: 1500\n      parallel: 1\n") + backend("fast")));
    d.start();
    for (int i = 0; i < 6; ++i) REQUIRE(d.call("PUT", "/api/v1/zones/z" + std::to_string(i) + ".example", zoneText("z" + std::to_string(i) + ".example", 1)).status == 201);
    REQUIRE(eventually([&] {
        for (int i = 0; i < 6; ++i)
            if (appliedVersion(d, "z" + std::to_string(i) + ".example", "fast") != 1) return false;
        return true;
    }));
    // The fast lane finished all six while the slow one (1.5 s per zone, one at a time) has not.
    int slowDone = 0;
    for (int i = 0; i < 6; ++i) slowDone += appliedVersion(d, "z" + std::to_string(i) + ".example", "slow") == 1;
    CHECK(slowDone < 6);
}

TEST_CASE("retries, then a dead letter, then redrive", "[dispatch]") {
    TempDir flags;
    std::string failFile = flags.file("fail");
    writeFile(failFile, "x");
    Daemon d(config(backend("flaky", "      fail_file: " + failFile + "\n"), "  max_attempts: 3\n  breaker_failures: 100\n"));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/dl.example", zoneText("dl.example", 1)).status == 201);
    REQUIRE(eventually([&] {
        auto q = json(d.get("/api/v1/queue").body)->getArray("queues")->getObject(0);
        return q->getValue<int>("dead_letters_total") == 1;
    }));
    auto z = json(d.get("/api/v1/zones/dl.example").body)->getArray("backends")->getObject(0);
    CHECK(z->getValue<bool>("dead_letter"));
    CHECK(z->getValue<int>("attempts") == 3);
    CHECK(z->getValue<std::string>("last_error").find("fail_file") != std::string::npos);
    CHECK(json(d.get("/api/v1/status").body)->getValue<std::string>("status") == "degraded");

    std::remove(failFile.c_str());
    auto redrive = d.call("POST", "/api/v1/backends/flaky/redrive");
    REQUIRE(redrive.status == 200);
    CHECK(json(redrive.body)->getValue<int>("redriven") == 1);
    CHECK(eventually([&] { return appliedVersion(d, "dl.example", "flaky") == 1; }));
}

TEST_CASE("ten pushes of one zone to a busy backend cost far fewer writes; the latest wins", "[dispatch]") {
    // An apply slow enough that the ten pushes land while the first is being written, however
    // slow the machine's fsyncs: v1, then the newest (10) at most once or twice more.
    Daemon d(config(backend("busy", "      delay_ms: 2000\n      parallel: 1\n")));
    d.start();
    for (int v = 1; v <= 10; ++v) REQUIRE(d.call("PUT", "/api/v1/zones/co.example", zoneText("co.example", v)).status < 300);
    REQUIRE(eventually([&] { return appliedVersion(d, "co.example", "busy") == 10; }));
    auto applied = lines(d.dir() + "/busy/applied.log");
    CHECK(applied.size() <= 3);
    CHECK(applied.back() == "co.example 10");
    CHECK(readFile(d.dir() + "/busy/co.example.zone").find("192.0.2.11") != std::string::npos);
}

TEST_CASE("?wait answers 200, 207 or 502 from the backends' outcomes", "[dispatch]") {
    Daemon d(config(backend("good") + backend("bad", "      fail: permanent\n")));
    d.start();
    auto partial = d.call("PUT", "/api/v1/zones/w.example?wait=10", zoneText("w.example", 1));
    CHECK(partial.status == 207);
    auto o = json(partial.body);
    CHECK(o->getValue<std::string>("result") == "partial");
    auto backends = o->getArray("backends");
    REQUIRE(backends->size() == 2);
    for (size_t i = 0; i < 2; ++i) {
        auto b = backends->getObject(static_cast<unsigned>(i));
        if (b->getValue<std::string>("backend") == "good") CHECK(b->getValue<std::string>("status") == "applied");
        else CHECK(b->getValue<std::string>("status") == "dead");
    }

    Daemon single(config(backend("good")));
    single.start();
    CHECK(single.call("PUT", "/api/v1/zones/w.example?wait=10", zoneText("w.example", 1)).status == 200);
    Daemon failing(config(backend("bad", "      fail: permanent\n")));
    failing.start();
    CHECK(failing.call("PUT", "/api/v1/zones/w.example?wait=10", zoneText("w.example", 1)).status == 502);
}

TEST_CASE("an instance split into targets gets one lane per target, each failing on its own", "[dispatch]") {
    TempDir flags;
    std::string failFile = flags.file("fail");
    writeFile(failFile, "x");
    Daemon d(config("    multi:\n      type: test_backend\n      dir: {dir}/shared\n      targets:\n"
                    "        one:\n          dir: {dir}/one\n"
                    "        two:\n          dir: {dir}/two\n          fail_file: " + failFile + "\n",
                    "  max_attempts: 1000\n")); // retries, never a dead letter here
    d.start();
    REQUIRE(lane(d, "multi.one"));
    REQUIRE(lane(d, "multi.two"));
    CHECK_FALSE(lane(d, "multi"));

    // One target failing (retryable: still retrying at the deadline, 202 naming it), the other
    // target has the zone in its own directory.
    auto partial = d.call("PUT", "/api/v1/zones/t.example?wait=3", zoneText("t.example", 1));
    CHECK(partial.status == 202);
    auto backends = json(partial.body)->getArray("backends");
    REQUIRE(backends->size() == 2);
    for (size_t i = 0; i < 2; ++i) {
        auto b = backends->getObject(static_cast<unsigned>(i));
        if (b->getValue<std::string>("backend") == "multi.one") CHECK(b->getValue<std::string>("status") == "applied");
        else CHECK(b->getValue<std::string>("error").find("fail_file") != std::string::npos);
    }
    CHECK(readFile(d.dir() + "/one/t.example.zone").find("192.0.2.2") != std::string::npos);
    CHECK_FALSE(fileExists(d.dir() + "/shared/t.example.zone"));

    // The failing target catches up by itself once it can write.
    std::remove(failFile.c_str());
    CHECK(eventually([&] { return appliedVersion(d, "t.example", "multi.two") == 1; }));
    CHECK(readFile(d.dir() + "/two/t.example.zone").find("192.0.2.2") != std::string::npos);
    // Lane statuses are published periodically.
    CHECK(eventually([&] { return lane(d, "multi.two")->getValue<int>("applied") == 1 && lane(d, "multi.two")->getValue<bool>("up"); }));
    CHECK(lane(d, "multi.one")->getValue<int>("applied") == 1);
}

TEST_CASE("rollback makes an earlier version current again", "[dispatch]") {
    Daemon d(config(backend("files")));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/rb.example", zoneText("rb.example", 1)).status == 201);
    REQUIRE(d.call("PUT", "/api/v1/zones/rb.example", zoneText("rb.example", 2)).status == 200);
    auto history = json(d.get("/api/v1/zones/rb.example/history").body)->getArray("versions");
    CHECK(history->size() == 2);
    auto rb = d.call("POST", "/api/v1/zones/rb.example/rollback?version=1");
    REQUIRE(rb.status == 200);
    CHECK(json(rb.body)->getValue<int>("version") == 3);
    REQUIRE(eventually([&] { return appliedVersion(d, "rb.example", "files") == 3; }));
    CHECK(readFile(d.dir() + "/files/rb.example.zone").find("192.0.2.3") == std::string::npos);
    CHECK(readFile(d.dir() + "/files/rb.example.zone").find("192.0.2.2") != std::string::npos);
    CHECK(d.call("POST", "/api/v1/zones/rb.example/rollback?version=99").status == 404);
}

TEST_CASE("a count mismatch after apply is reconciled and verified again", "[dispatch]") {
    Daemon d(config(backend("miscount", "      count_offset: 2\n"), "  verify_settle: 100ms\n"));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/vc.example?wait=10", zoneText("vc.example", 1)).status == 200);
    auto z = json(d.get("/api/v1/zones/vc.example").body)->getArray("backends")->getObject(0);
    CHECK(z->getValue<int>("verified_count") == 3);
    CHECK(d.get("/metrics").body.find("dadns_verifications_total{backend=\"miscount\",method=\"count\",result=\"repaired\"} 1") != std::string::npos);
    CHECK(d.log().find("reconciling") != std::string::npos);
}

TEST_CASE("drift scan re-queues missing zones and guards removal of unknown ones", "[dispatch]") {
    Daemon d(config(backend("files"), "  remove_unknown_zones: true\n  max_delete_fraction: 0.1\n  drift_interval: 0\n"));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/a.example?wait=10", zoneText("a.example", 1)).status == 200);
    REQUIRE(d.call("PUT", "/api/v1/zones/b.example?wait=10", zoneText("b.example", 1)).status == 200);
    std::remove((d.dir() + "/files/a.example.zone").c_str());
    writeFile(d.dir() + "/files/stray.example.zone", "stray.example. 300 IN A 192.0.2.1\n");

    auto scan = d.call("POST", "/api/v1/backends/files/drift");
    CHECK(scan.status == 409); // 1 unknown of 2 on the backend is over the 10% limit
    auto report = json(scan.body);
    CHECK(report->getValue<int>("requeued") == 1);
    CHECK(report->getValue<int>("unknown") == 1);
    CHECK(report->getValue<std::string>("refused").find("max_delete_fraction") != std::string::npos);
    CHECK(eventually([&] { return fileExists(d.dir() + "/files/a.example.zone"); }));
    CHECK(fileExists(d.dir() + "/files/stray.example.zone"));

    auto forced = d.call("POST", "/api/v1/backends/files/drift?force=true");
    CHECK(forced.status == 200);
    CHECK(json(forced.body)->getValue<int>("removed") == 1);
    CHECK_FALSE(fileExists(d.dir() + "/files/stray.example.zone"));
}

TEST_CASE("a backend failing over and over is marked down, probed, and comes back", "[dispatch]") {
    TempDir flags;
    std::string failFile = flags.file("fail"), healthFile = flags.file("unhealthy");
    writeFile(failFile, "x");
    writeFile(healthFile, "x");
    Daemon d(config(backend("down", "      fail_file: " + failFile + "\n      health_file: " + healthFile + "\n"),
                    "  breaker_failures: 3\n  max_attempts: 1000\n"));
    d.start();
    for (int i = 0; i < 4; ++i) d.call("PUT", "/api/v1/zones/b" + std::to_string(i) + ".example", zoneText("b" + std::to_string(i) + ".example", 1));
    REQUIRE(eventually([&] { auto l = lane(d, "down"); return l && !l->getValue<bool>("up"); }));
    CHECK(json(d.get("/api/v1/status").body)->getValue<std::string>("status") == "error");
    std::remove(failFile.c_str());
    std::remove(healthFile.c_str());
    CHECK(eventually([&] { return lane(d, "down")->getValue<bool>("up"); }));
    CHECK(eventually([&] {
        for (int i = 0; i < 4; ++i)
            if (appliedVersion(d, "b" + std::to_string(i) + ".example", "down") != 1) return false;
        return true;
    }));
}

TEST_CASE("kill -9 loses no acknowledged change and backends converge after restart", "[dispatch][slow]") {
    Daemon d(config(backend("files", "      delay_ms: 2\n")));
    d.start();
    constexpr int kClients = 16, kPerClient = 125;
    std::vector<std::vector<std::string>> acked(kClients);
    std::atomic<bool> killed{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
        clients.emplace_back([&, c] {
            for (int i = 0; i < kPerClient && !killed; ++i) {
                std::string zone = "c" + std::to_string(c) + "-" + std::to_string(i) + ".example";
                try {
                    HttpRequest req;
                    req.method = "PUT";
                    req.path = "/api/v1/zones/" + zone;
                    req.body = zoneText(zone, 1);
                    req.basicAuth = std::make_pair(std::string(Daemon::user), std::string(Daemon::password));
                    req.timeout = std::chrono::seconds(10);
                    if (httpCall("127.0.0.1", d.port(), req).status == 201) acked[c].push_back(zone);
                } catch (...) {
                }
            }
        });
    std::thread killer([&] {
        eventually([&] {
            size_t n = 0;
            for (auto& a : acked) n += a.size();
            return n >= 800;
        }, std::chrono::seconds(60), std::chrono::milliseconds(5));
        d.kill9();
        killed = true;
    });
    for (auto& t : clients) t.join();
    killer.join();
    size_t total = 0;
    for (auto& a : acked) total += a.size();
    WARN("acknowledged before kill -9: " << total);
    REQUIRE(total >= 800);

    d.start();
    for (auto& a : acked)
        for (const auto& zone : a) REQUIRE(d.get("/api/v1/zones/" + zone).status == 200);
    CHECK(eventually([&] {
        for (auto& a : acked)
            for (const auto& zone : a)
                if (!fileExists(d.dir() + "/files/" + zone + ".zone")) return false;
        return true;
    }, std::chrono::seconds(120), std::chrono::milliseconds(250)));
    // Each zone has one version here; applied.log may repeat a zone (re-applied after the
    // crash, idempotent) but never goes backwards.
    std::map<std::string, int> lastVersion;
    for (const auto& l : lines(d.dir() + "/files/applied.log")) {
        std::istringstream in(l);
        std::string zone;
        int version = 0;
        in >> zone >> version;
        CHECK(version >= lastVersion[zone]);
        lastVersion[zone] = version;
    }
}

TEST_CASE("a backend that reports what it serves is verified by content, after its server settles", "[dispatch]") {
    // The backend serves the previous content for 400 ms after each apply, as a named loading
    // a reloaded file in the background would.
    Daemon d(config(servedBackend("served", "      serve_lag_ms: 400\n") + backend("counted")));
    d.start();
    CHECK(lane(d, "served")->getValue<std::string>("verification") == "content");
    CHECK(lane(d, "counted")->getValue<std::string>("verification") == "count");
    REQUIRE(d.call("PUT", "/api/v1/zones/vs.example?wait=10", zoneText("vs.example", 1)).status == 200);
    REQUIRE(d.call("PUT", "/api/v1/zones/vs.example?wait=10", zoneText("vs.example", 2)).status == 200);
    auto metrics = d.get("/metrics").body;
    CHECK(metrics.find("dadns_verifications_total{backend=\"served\",method=\"content\",result=\"ok\"} 2") != std::string::npos);
    CHECK(metrics.find("dadns_verifications_total{backend=\"counted\",method=\"count\",result=\"ok\"} 2") != std::string::npos);
    CHECK(d.log().find("reconciling") == std::string::npos); // waited for the server, did not repair
    REQUIRE(d.call("DELETE", "/api/v1/zones/vs.example?wait=10").status == 200);
    CHECK(!fileExists(d.dir() + "/served/vs.example.zone"));
}

TEST_CASE("content that does not settle within verify_settle is reconciled", "[dispatch]") {
    // Serving the previous content for a minute: the apply of version 2 is not served within
    // the settle time, so the lane reconciles (applies again), after which the backend's
    // "previous" content is version 2 itself.
    Daemon d(config(servedBackend("lagging", "      serve_lag_ms: 60000\n"), "  verify_settle: 200ms\n"));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/vl.example?wait=10", zoneText("vl.example", 1)).status == 200);
    REQUIRE(d.call("PUT", "/api/v1/zones/vl.example?wait=10", zoneText("vl.example", 2)).status == 200);
    // Version 1's SOA and address, served in place of version 2's.
    CHECK(d.log().find("vl.example v2: backend serves 3 record(s), expected 3; 2 not desired (e.g. '") != std::string::npos);
    CHECK(d.get("/metrics").body.find("dadns_verifications_total{backend=\"lagging\",method=\"content\",result=\"repaired\"} 2") !=
          std::string::npos);
}

TEST_CASE("a drift scan finds a record changed behind the daemon's back with the count unchanged, and repairs it", "[dispatch]") {
    Daemon d(config(servedBackend("served") + backend("counted"), "  drift_interval: 0\n"));
    d.start();
    REQUIRE(d.call("PUT", "/api/v1/zones/dc.example?wait=10", zoneText("dc.example", 7)).status == 200);
    for (const std::string name : {"served", "counted"}) {
        std::string path = d.dir() + "/" + name + "/dc.example.zone";
        std::string text = readFile(path);
        REQUIRE(text.find("192.0.2.8") != std::string::npos);
        text.replace(text.find("192.0.2.8"), 9, "192.0.2.99"); // same number of records
        writeFile(path, text);
    }
    auto scan = json(d.call("POST", "/api/v1/backends/served/drift").body);
    CHECK(scan->getValue<int>("changed") == 1);
    CHECK(scan->getValue<int>("content_checked") == 1);
    REQUIRE(eventually([&] { return readFile(d.dir() + "/served/dc.example.zone").find("192.0.2.8") != std::string::npos; }));
    CHECK(readFile(d.dir() + "/served/dc.example.zone").find("192.0.2.99") == std::string::npos);
    // A backend verified by count cannot see it: the scan finds nothing.
    auto counted = json(d.call("POST", "/api/v1/backends/counted/drift").body);
    CHECK(counted->getValue<int>("changed") == 0);
    CHECK(readFile(d.dir() + "/counted/dc.example.zone").find("192.0.2.99") != std::string::npos);
    CHECK(eventually([&] { return lane(d, "served")->getObject("drift")->getValue<int>("changed") == 1; }));
    CHECK(d.get("/metrics").body.find("dadns_drift_repairs_total{backend=\"served\",kind=\"changed\"} 1") != std::string::npos);
}
