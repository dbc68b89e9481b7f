// The Docker source's rules without an engine: which containers give which names and
// addresses, and who owns a name in the zone (owner records).
#include "DockerHosts.hpp"
#include "DockerZone.hpp"

#include <catch2/catch.hpp>

using namespace dadns::hosts;

namespace {

Container container(const std::string& name, std::map<std::string, std::string> labels,
                    std::map<std::string, std::pair<std::string, std::string>> networks, bool running = true) {
    Container c;
    c.id = "id-" + name;
    c.name = name;
    c.labels = std::move(labels);
    c.networks = std::move(networks);
    c.running = running;
    return c;
}

DockerHostsOptions options() {
    DockerHostsOptions o;
    o.labels = {"dadns.hostname", "joyride.host.name"};
    o.zone = "hosts.example";
    return o;
}

const char* kZone = "$ORIGIN hosts.example.\n"
                    "hosts.example. 300 IN SOA localhost. hostmaster.hosts.example. 2026112901 3600 600 1209600 300\n"
                    "hosts.example. 300 IN NS localhost.\n"
                    "laptop.hosts.example. 300 IN A 192.0.2.5\n";

} // namespace

TEST_CASE("docker: labelled running containers give their names an address", "[hosts][docker]") {
    auto wanted = dockerHosts({container("web", {{"dadns.hostname", "web1"}}, {{"appnet", {"10.213.77.2", ""}}}),
                               container("old", {{"joyride.host.name", "legacy"}}, {{"b", {"10.0.0.9", "fd00::9"}}, {"a", {"", ""}}}),
                               container("plain", {{"other", "x"}}, {{"appnet", {"10.213.77.3", ""}}}),
                               container("stopped", {{"dadns.hostname", "gone"}}, {{"appnet", {"10.213.77.4", ""}}}, false)},
                              options());
    REQUIRE(wanted.hosts.size() == 2);
    CHECK(wanted.hosts["web1.hosts.example."].addresses == std::vector<std::string>{"10.213.77.2"});
    CHECK(wanted.hosts["web1.hosts.example."].containers == std::vector<std::string>{"web"});
    // Joyride's label counts too; the first network by name with an address; IPv6 as well.
    CHECK(wanted.hosts["legacy.hosts.example."].addresses == std::vector<std::string>{"10.0.0.9", "fd00::9"});
    CHECK(wanted.skipped.empty());
}

TEST_CASE("docker: label precedence, a configured network, the host's address, and what is skipped", "[hosts][docker]") {
    auto both = container("both", {{"dadns.hostname", "first"}, {"joyride.host.name", "second"}}, {{"n", {"10.1.0.2", ""}}});
    auto o = options();
    CHECK(dockerHosts({both}, o).hosts.count("first.hosts.example.") == 1);

    o.network = "backend";
    auto onOther = container("fe", {{"dadns.hostname", "fe"}}, {{"frontend", {"10.2.0.2", ""}}});
    auto onBackend = container("be", {{"dadns.hostname", "be"}}, {{"frontend", {"10.2.0.3", ""}}, {"backend", {"10.3.0.3", ""}}});
    auto w = dockerHosts({onOther, onBackend}, o);
    CHECK(w.hosts.size() == 1);
    CHECK(w.hosts["be.hosts.example."].addresses == std::vector<std::string>{"10.3.0.3"});
    REQUIRE(w.skipped.size() == 1);
    CHECK(w.skipped[0] == "container fe: not on network backend");

    o = options();
    o.hostAddress = "192.0.2.80"; // every container through the Docker host (Joyride)
    auto noNet = container("isolated", {{"dadns.hostname", "iso"}}, {});
    CHECK(dockerHosts({noNet}, o).hosts["iso.hosts.example."].addresses == std::vector<std::string>{"192.0.2.80"});

    o = options();
    auto bad = dockerHosts({noNet, container("evil", {{"dadns.hostname", "../x"}}, {{"n", {"10.0.0.1", ""}}}),
                            container("long", {{"dadns.hostname", std::string(64, 'a')}}, {{"n", {"10.0.0.2", ""}}}),
                            container("nul", {{"dadns.hostname", std::string("a\0b", 3)}}, {{"n", {"10.0.0.3", ""}}}),
                            container("junk", {{"dadns.hostname", "ok"}}, {{"n", {"not-an-ip", ""}}})},
                           o);
    CHECK(bad.hosts.empty());
    CHECK(bad.skipped.size() == 5);
}

TEST_CASE("docker: containers sharing a name all give it their addresses", "[hosts][docker]") {
    auto w = dockerHosts({container("api-1", {{"dadns.hostname", "api"}}, {{"n", {"10.0.0.2", ""}}}),
                          container("api-2", {{"dadns.hostname", "API"}}, {{"n", {"10.0.0.3", ""}}})},
                         options());
    REQUIRE(w.hosts.size() == 1);
    CHECK(w.hosts["api.hosts.example."].addresses == std::vector<std::string>{"10.0.0.2", "10.0.0.3"});
    CHECK(w.hosts["api.hosts.example."].containers == std::vector<std::string>{"api-1", "api-2"});
}

TEST_CASE("docker: a node's source changes only the names it owns and takes only free ones", "[hosts][docker]") {
    ZoneLines z("hosts.example", kZone);
    const std::string me = dockerOwner("dns1"), peer = dockerOwner("dns2");
    auto w = dockerHosts({container("web", {{"dadns.hostname", "web1"}}, {{"n", {"10.0.0.2", ""}}}),
                          container("lap", {{"dadns.hostname", "laptop"}}, {{"n", {"10.0.0.3", ""}}})},
                         options());
    auto first = applyDockerHosts(z, w, me, 300);
    CHECK(first.changed);
    CHECK(first.added == 1);
    CHECK(z.owner("web1.hosts.example.") == me);
    // laptop was registered (no owner record): left alone, reported.
    CHECK(z.hosts()["laptop.hosts.example."].ips == std::vector<std::string>{"192.0.2.5"});
    REQUIRE(first.conflicts.size() == 1);
    CHECK(first.conflicts[0].find("laptop.hosts.example.: held by host registration") == 0);
    CHECK(first.addresses["web1.hosts.example."].second == std::vector<std::string>{"10.0.0.2"});

    // The same again changes nothing; a new address replaces the old one.
    CHECK_FALSE(applyDockerHosts(z, w, me, 300).changed);
    w.hosts["web1.hosts.example."].addresses = {"10.0.0.9"};
    auto moved = applyDockerHosts(z, w, me, 300);
    CHECK(moved.updated == 1);
    CHECK(z.hosts()["web1.hosts.example."].ips == std::vector<std::string>{"10.0.0.9"});
    CHECK(moved.addresses["web1.hosts.example."].first == std::vector<std::string>{"10.0.0.2"});

    // Another node's source sees web1 as held and leaves it.
    auto other = applyDockerHosts(z, w, peer, 300);
    CHECK_FALSE(other.changed);
    REQUIRE(other.conflicts.size() == 2);
    CHECK(other.conflicts[1].find("held by " + me) != std::string::npos);

    // The container went: its name and owner record go; another node's names stay.
    z.setAddresses("db.hosts.example.", "A", {"10.9.9.9"}, 300);
    z.setOwner("db.hosts.example.", peer, 300);
    auto gone = applyDockerHosts(z, DockerHostsWanted{}, me, 300);
    CHECK(gone.removed == 1);
    CHECK(z.hosts().count("web1.hosts.example.") == 0);
    CHECK_FALSE(z.owner("web1.hosts.example."));
    CHECK(z.owner("db.hosts.example.") == peer);
    CHECK(z.hosts().count("db.hosts.example.") == 1);
    CHECK(z.namesOwnedBy(peer) == std::vector<std::string>{"db.hosts.example."});
}

TEST_CASE("owner records survive the zone's text and odd node names", "[hosts][docker]") {
    ZoneLines z("hosts.example", kZone);
    CHECK(z.setOwner("web1.hosts.example.", "docker@a\"b\\c", 300));
    CHECK_FALSE(z.setOwner("web1.hosts.example.", "docker@a\"b\\c", 300));
    ZoneLines again("hosts.example", z.text());
    CHECK(again.owner("web1.hosts.example.") == "docker@a\"b\\c");
    CHECK(again.setOwner("web1.hosts.example.", "docker@x", 60));
    CHECK(again.owner("web1.hosts.example.") == "docker@x");
    CHECK(again.removeOwner("web1.hosts.example."));
    CHECK_FALSE(again.owner("web1.hosts.example."));
    CHECK(again.hosts().size() == 1); // owner records are not hosts
}

TEST_CASE("docker: names outside the zone, reserved names, names too long for an owner record, and a zone's own records", "[hosts][docker]") {
    auto w = dockerHosts({container("a", {{"dadns.hostname", "app.example.org"}}, {{"n", {"10.0.0.2", ""}}}),
                          container("b", {{"dadns.hostname", "_web1"}}, {{"n", {"10.0.0.3", ""}}}),
                          container("c", {{"dadns.hostname", std::string(60, 'a') + "." + std::string(60, 'b') + "." + std::string(60, 'c') + "." +
                                                                  std::string(50, 'd') + ".hosts.example"}},
                                    {{"n", {"10.0.0.4", ""}}}),
                          container("d", {{"dadns.hostname", "web.hosts.example"}}, {{"n", {"10.0.0.5", ""}}})},
                         options());
    CHECK(w.hosts.size() == 1); // only the name inside the zone
    CHECK(w.hosts.count("web.hosts.example.") == 1);
    REQUIRE(w.skipped.size() == 3);
    CHECK(w.skipped[0].find("outside hosts.example") != std::string::npos);
    CHECK(w.skipped[1].find("starting with '_'") != std::string::npos);
    CHECK(w.skipped[2].find("owner record") != std::string::npos);

    // The zone's nameserver (glue) and a name with other records are not free.
    ZoneLines z("hosts.example", std::string(kZone) + "ns1.hosts.example. 300 IN A 192.0.2.53\nmail.hosts.example. 300 IN MX 10 mx.example.\n");
    auto taken = dockerHosts({container("ns", {{"dadns.hostname", "ns1"}}, {{"n", {"10.0.0.6", ""}}}),
                              container("mx", {{"dadns.hostname", "mail"}}, {{"n", {"10.0.0.7", ""}}})},
                             options());
    auto change = applyDockerHosts(z, taken, dockerOwner("dns1"), 300);
    CHECK_FALSE(change.changed);
    CHECK(change.conflicts.size() == 2);
    CHECK_FALSE(z.owner("ns1.hosts.example."));
}
