// The hosts plugin's editing of a zone's canonical text, host-name and address checks, reverse
// names, serials, and the hosts-file reader.
#include "HostsFile.hpp"
#include "HostsZone.hpp"

#include "support/TestSupport.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace dadns::hosts;

namespace {

const char* kZone = "$ORIGIN managed.example.\n"
                    "managed.example. 300 IN SOA ns1.managed.example. hostmaster.managed.example. 2026112305 3600 600 1209600 300\n"
                    "managed.example. 300 IN NS ns1.managed.example.\n"
                    "ns1.managed.example. 300 IN A 192.0.2.53\n"
                    "web1.managed.example. 300 IN A 192.0.2.10\n"
                    "web1.managed.example. 300 IN AAAA 2001:db8::10\n"
                    "alias.managed.example. 300 IN CNAME web1.managed.example.\n"
                    "managed.example. 300 IN TXT \"v=spf1 -all\"\n";

} // namespace

TEST_CASE("hosts are the A and AAAA owners other than the apex and the nameservers", "[hosts]") {
    ZoneLines z("managed.example", kZone);
    auto hosts = z.hosts();
    REQUIRE(hosts.size() == 1);
    CHECK(hosts.at("web1.managed.example.").ips == std::vector<std::string>{"192.0.2.10", "2001:db8::10"});
    CHECK(z.serial() == 2026112305);
    CHECK(z.has("alias.managed.example.", "CNAME"));
}

TEST_CASE("an address change replaces the record of its type only; other records stay as written", "[hosts]") {
    ZoneLines z("managed.example", kZone);
    CHECK(z.setAddresses("web1.managed.example.", "A", {"192.0.2.11"}, 300));
    CHECK_FALSE(z.setAddresses("web1.managed.example.", "A", {"192.0.2.11"}, 300)); // the same again: no change
    CHECK(z.hosts().at("web1.managed.example.").ips == std::vector<std::string>{"192.0.2.11", "2001:db8::10"});
    CHECK(z.setAddresses("web1.managed.example.", "A", {"192.0.2.11"}, 60)); // a TTL change is a change
    std::string text = z.text();
    CHECK(text.rfind("$ORIGIN managed.example.\nmanaged.example. 300 IN SOA", 0) == 0);
    CHECK(text.find("managed.example. 300 IN TXT \"v=spf1 -all\"\n") != std::string::npos);
    CHECK(text.find("192.0.2.10") == std::string::npos);
    CHECK(text.find("web1.managed.example. 60 IN A 192.0.2.11\n") != std::string::npos);
    CHECK(z.removeAddresses("web1.managed.example.") == std::vector<std::string>{"192.0.2.11", "2001:db8::10"});
    CHECK(z.hosts().empty());
    CHECK(z.removeAddresses("web1.managed.example.").empty());
}

TEST_CASE("the serial follows YYYYMMDDnn and never goes back", "[hosts]") {
    ZoneLines z("managed.example", kZone);
    z.bumpSerial("20261123");
    CHECK(z.serial() == 2026112306);
    z.bumpSerial("20261124");
    CHECK(z.serial() == 2026112401);
    z.bumpSerial("20200101"); // a clock set back: still increases
    CHECK(z.serial() == 2026112402);
    ZoneLines fresh = ZoneLines::fresh("new.example", {"ns1.example.net.", "ns2.example.net."}, 300, "20261123");
    CHECK(fresh.serial() == 2026112301);
    CHECK(fresh.text() == "$ORIGIN new.example.\n"
                          "new.example. 300 IN SOA ns1.example.net. hostmaster.new.example. 2026112301 3600 600 1209600 300\n"
                          "new.example. 300 IN NS ns1.example.net.\nnew.example. 300 IN NS ns2.example.net.\n");
}

TEST_CASE("PTRs are set, replaced and removed by owner and target", "[hosts]") {
    ZoneLines z("2.0.192.in-addr.arpa", "");
    CHECK(z.setPtr("10.2.0.192.in-addr.arpa.", "web1.managed.example.", 300));
    CHECK_FALSE(z.setPtr("10.2.0.192.in-addr.arpa.", "web1.managed.example.", 300));
    CHECK(z.setPtr("10.2.0.192.in-addr.arpa.", "web2.managed.example.", 300)); // the address moved to another host
    CHECK_FALSE(z.removePtr("10.2.0.192.in-addr.arpa.", "web1.managed.example."));
    CHECK(z.removePtr("10.2.0.192.in-addr.arpa.", "web2.managed.example."));
    CHECK(z.text() == "$ORIGIN 2.0.192.in-addr.arpa.\n");
}

TEST_CASE("host names: relative or inside the zone; hostile ones refused with the reason", "[hosts]") {
    std::string why;
    CHECK(hostFqdn("web1", "managed.example", why) == std::optional<std::string>("web1.managed.example."));
    CHECK(hostFqdn("Web1.Managed.Example.", "managed.example", why) == std::optional<std::string>("web1.managed.example."));
    CHECK(hostFqdn("a.b", "managed.example", why) == std::optional<std::string>("a.b.managed.example."));
    struct Case {
        std::string name, reason;
    };
    for (const auto& c : std::vector<Case>{{"", "empty"},
                                           {"../x", "labels must be 1 to 63"},
                                           {"a..b", "labels must be 1 to 63"},
                                           {std::string(64, 'a'), "1 to 63"},
                                           {std::string("we\0b", 4), "letters, digits"},
                                           {"web 1", "letters, digits"},
                                           {"x;rm", "letters, digits"},
                                           {"-web", "start or end with '-'"},
                                           {std::string(120, 'a') + "." + std::string(120, 'b'), "too long"}}) {
        INFO(c.name);
        CHECK_FALSE(hostFqdn(c.name, "managed.example", why));
        CHECK(why.find(c.reason) != std::string::npos);
    }
}

TEST_CASE("addresses are checked and written in canonical form; reverse names", "[hosts]") {
    std::string canonical;
    CHECK(addressType("192.0.2.1", canonical) == "A");
    CHECK(addressType("2001:DB8:0:0::1", canonical) == "AAAA");
    CHECK(canonical == "2001:db8::1");
    CHECK(addressType("300.1.1.1", canonical).empty());
    CHECK(addressType("192.0.2.1; DROP", canonical).empty());
    CHECK(addressType(std::string("192.0.2.1\0", 10), canonical).empty());
    CHECK(reverseOwner("192.0.2.10") == "10.2.0.192.in-addr.arpa.");
    CHECK(reverseOwner("2001:db8::1") == "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
}

TEST_CASE("a hosts file: names and aliases, comments, the machine's own entries skipped", "[hosts]") {
    auto e = parseHostsFile("127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n"
                            "# the lab\n192.0.2.20  build  build-alias # trailing comment\n"
                            "2001:db8::20 build\n192.0.2.21 DB.managed.example\n192.0.2.99\n");
    CHECK(e.addresses.size() == 3);
    CHECK(e.addresses.at("build") == std::set<std::string>{"192.0.2.20", "2001:db8::20"});
    CHECK(e.addresses.at("build-alias") == std::set<std::string>{"192.0.2.20"});
    CHECK(e.addresses.at("db.managed.example") == std::set<std::string>{"192.0.2.21"});
    REQUIRE(e.skipped.size() == 1);
    CHECK(e.skipped[0].find("line 7") == 0);
}

TEST_CASE("the file watcher reports the content at start and after each edit, and again after a refusal", "[hosts]") {
    dadns::test::TempDir dir;
    std::string path = dir.file("hosts");
    dadns::test::writeFile(path, "192.0.2.1 a\n");
    std::mutex m;
    std::vector<std::string> seen;
    std::atomic<bool> refuse{false};
    FileWatcher w(path, std::chrono::milliseconds(20), [&](const std::string& text) {
        std::lock_guard<std::mutex> lock(m);
        seen.push_back(text);
        return !refuse.load();
    });
    w.start();
    auto count = [&] {
        std::lock_guard<std::mutex> lock(m);
        return seen.size();
    };
    REQUIRE(dadns::test::eventually([&] { return count() == 1; }));
    refuse = true;
    dadns::test::writeFile(path, "192.0.2.2 a\n");
    REQUIRE(dadns::test::eventually([&] { return count() >= 3; })); // offered again while refused
    refuse = false;
    size_t settled = 0;
    REQUIRE(dadns::test::eventually([&] {
        size_t n = count();
        bool same = n == settled;
        settled = n;
        return same;
    }, std::chrono::seconds(5), std::chrono::milliseconds(200)));
    w.stop();
    std::lock_guard<std::mutex> lock(m);
    CHECK(seen.front() == "192.0.2.1 a\n");
    CHECK(seen.back() == "192.0.2.2 a\n");
}
