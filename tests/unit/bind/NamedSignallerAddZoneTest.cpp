// The bind signaller in addzone mode, against a stand-in control that answers as named does
// (the real named is in tests/integration/bind).
#include "NamedSignaller.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using dadns::bind::ControlAnswer;
using dadns::bind::NamedSignaller;
using namespace std::chrono_literals;

namespace {

// Holds a zone set as named would, answers addzone/delzone/reload/status like it, and logs
// every command.
struct FakeNamed {
    std::mutex mutex;
    std::map<std::string, std::string> zones; // zone -> its file
    std::vector<std::string> commands;
    std::string boot = "boot time: Sun, 29 Nov 2026 09:00:00 GMT";
    std::atomic<bool> down{false};
    std::atomic<int> delayUs{0}; // each command's round trip

    ControlAnswer run(const std::vector<std::string>& args) {
        if (delayUs > 0) std::this_thread::sleep_for(std::chrono::microseconds(delayUs.load()));
        std::lock_guard<std::mutex> lock(mutex);
        std::string line;
        for (const auto& a : args) line += (line.empty() ? "" : " ") + a;
        commands.push_back(line);
        ControlAnswer a;
        if (down) {
            a.error = "connection refused";
            return a;
        }
        a.status = ControlAnswer::Status::Ok;
        const std::string& cmd = args[0];
        auto fail = [&](uint32_t result, const std::string& why) {
            a.status = ControlAnswer::Status::Failed;
            a.result = result;
            a.error = why;
        };
        if (cmd == "status") a.text = "version: 9.18\n" + boot + "\nnumber of zones: 1\n";
        else if (cmd == "addzone" && !zones.emplace(args[1], fileIn(args[2])).second) fail(18, "already exists");
        else if (cmd == "delzone" && !zones.erase(args[1])) fail(23, "not found");
        else if ((cmd == "reload" || cmd == "showzone") && args.size() > 1 && !zones.count(args[1])) fail(23, "not found");
        else if (cmd == "showzone") a.text = "zone \"" + args[1] + "\" { type primary; file \"" + zones[args[1]] + "\"; };";
        return a;
    }
    static std::string fileIn(const std::string& config) {
        auto at = config.find("file \"") + 6;
        return config.substr(at, config.find('"', at) - at);
    }
    size_t count(const std::string& line) {
        std::lock_guard<std::mutex> lock(mutex);
        return static_cast<size_t>(std::count(commands.begin(), commands.end(), line));
    }
    size_t countStarting(const std::string& prefix) {
        std::lock_guard<std::mutex> lock(mutex);
        return static_cast<size_t>(std::count_if(commands.begin(), commands.end(), [&](const std::string& c) { return c.rfind(prefix, 0) == 0; }));
    }
    // A zone named has already, from dadns's file or (file given) from its own configuration.
    void add(const std::string& zone, const std::string& file = "") {
        std::lock_guard<std::mutex> lock(mutex);
        zones[zone] = file.empty() ? "/z/" + zone + ".db" : file;
    }
    bool holds(const std::string& zone) {
        std::lock_guard<std::mutex> lock(mutex);
        return zones.count(zone) != 0;
    }
};

struct AddZoneSignaller {
    FakeNamed named;
    std::mutex mutex;
    std::set<std::string> wanted;                 // the backend's zones
    std::vector<std::set<std::string>> listWrites; // notInNamed of each lists write
    std::function<void()> duringListWrite;         // runs in a lists write, before it asks notInNamed
    std::vector<std::string> infos;                 // the signaller's info lines
    NamedSignaller signaller;

    // commandUs: each command's round trip from the start, before the first reconcile.
    explicit AddZoneSignaller(std::set<std::string> initial = {}, std::chrono::milliseconds check = 10000ms,
                              std::chrono::milliseconds batch = 20ms, int commandUs = 0)
        : wanted(std::move(initial)), signaller(options(check, batch, commandUs), zones()) {}

    NamedSignaller::Options options(std::chrono::milliseconds check, std::chrono::milliseconds batch, int commandUs) {
        named.delayUs = commandUs; // named is built already: it comes first
        NamedSignaller::Options o;
        o.control = [this](const std::vector<std::string>& args) { return named.run(args); };
        o.membership = NamedSignaller::Membership::AddZone;
        o.commandsAreCheap = true;
        o.batch = batch;
        o.checkInterval = check;
        return o;
    }
    NamedSignaller::Zones zones() {
        NamedSignaller::Zones z;
        z.writeLists = [this](const std::function<std::set<std::string>()>& notInNamed) {
            if (duringListWrite) duringListWrite();
            std::set<std::string> missing = notInNamed();
            std::lock_guard<std::mutex> lock(mutex);
            listWrites.push_back(missing);
            return std::vector<std::string>{};
        };
        z.wanted = [this](const std::string& zone) {
            std::lock_guard<std::mutex> lock(mutex);
            return wanted.count(zone) != 0;
        };
        z.zoneFile = [](const std::string& zone) { return "/z/" + zone + ".db"; };
        z.addzoneConfig = [](const std::string& zone) { return "{ type primary; file \"/z/" + zone + ".db\"; };"; };
        z.all = [this] {
            std::lock_guard<std::mutex> lock(mutex);
            return std::vector<std::string>(wanted.begin(), wanted.end());
        };
        z.log = [](const std::string&) {};
        z.info = [this](const std::string& line) {
            std::lock_guard<std::mutex> lock(mutex);
            infos.push_back(line);
        };
        return z;
    }
    void want(const std::string& zone, bool on) {
        std::lock_guard<std::mutex> lock(mutex);
        if (on) wanted.insert(zone);
        else wanted.erase(zone);
    }
    bool settled() { return signaller.waitIdle(10s); }
    // After the first status check and the reconcile it starts.
    bool started() {
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (named.countStarting("status") == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
        return named.countStarting("status") > 0 && settled(); // settled: the reconcile the check started is done too
    }
};

} // namespace

TEST_CASE("bind signaller addzone: added zones get addzone, changed ones reload, removed ones delzone; never a reconfig", "[bind]") {
    AddZoneSignaller s;
    REQUIRE(s.started()); // the first status check (no zones to offer)
    s.want("a.example", true);
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("a.example"), 10s) == "");
    CHECK(s.named.count("addzone a.example { type primary; file \"/z/a.example.db\"; };") == 1);
    CHECK(s.named.holds("a.example"));
    CHECK(s.signaller.waitSignalled(s.signaller.zoneChanged("a.example"), 10s) == "");
    CHECK(s.named.count("reload a.example") == 1);
    s.want("a.example", false);
    CHECK(s.signaller.waitSignalled(s.signaller.zoneRemoved("a.example"), 10s) == "");
    CHECK_FALSE(s.named.holds("a.example"));
    CHECK(s.named.countStarting("reconfig") == 0);
    // Removing again (a retried remove) asks named again; a zone it does not have is done.
    CHECK(s.signaller.waitSignalled(s.signaller.removalPending("a.example"), 10s) == "");
    CHECK(s.named.count("showzone a.example") == 2);
    CHECK(s.named.count("delzone a.example") == 1);
}

TEST_CASE("bind signaller addzone: a zone named has already is reloaded; a zone it lost is added again", "[bind]") {
    AddZoneSignaller s;
    REQUIRE(s.started());
    s.named.add("static.example"); // from the include, or an add whose answer was lost
    s.want("static.example", true);
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("static.example"), 10s) == "");
    CHECK(s.named.count("reload static.example") == 1);

    s.want("lost.example", true);
    REQUIRE(s.signaller.waitSignalled(s.signaller.zoneAdded("lost.example"), 10s) == "");
    {
        std::lock_guard<std::mutex> lock(s.named.mutex);
        s.named.zones.erase("lost.example"); // named restarted without it
    }
    CHECK_THAT(s.signaller.waitSignalled(s.signaller.zoneChanged("lost.example"), 10s), Catch::Contains("not found"));
    REQUIRE(s.settled()); // the retry adds it
    CHECK(s.named.holds("lost.example"));
    CHECK(s.named.countStarting("addzone lost.example") == 2);
    CHECK(s.signaller.lastError().empty());
}

TEST_CASE("bind signaller addzone: removed and added again before the delzone went out is a reload", "[bind]") {
    AddZoneSignaller s({}, 10000ms, 5000ms); // a long window: both changes are in one batch however slow the machine
    REQUIRE(s.started());
    s.want("again.example", true);
    REQUIRE(s.signaller.waitSignalled(s.signaller.zoneAdded("again.example"), 10s) == "");
    NamedSignaller::Ticket removed, added;
    {
        NamedSignaller::Coming coming(s.signaller); // both join one batch
        removed = s.signaller.zoneRemoved("again.example");
        added = s.signaller.zoneAdded("again.example");
    }
    CHECK(s.signaller.waitSignalled(removed, 10s) == "");
    CHECK(s.signaller.waitSignalled(added, 10s) == "");
    CHECK(s.named.count("delzone again.example") == 0);
    CHECK(s.named.count("reload again.example") == 1);
    CHECK(s.named.holds("again.example"));
}

TEST_CASE("bind signaller addzone: named unreachable fails the tickets, keeps the changes and sends them once it is back", "[bind]") {
    AddZoneSignaller s;
    REQUIRE(s.started());
    s.named.down = true;
    s.want("a.example", true);
    s.want("b.example", true);
    CHECK_THAT(s.signaller.waitSignalled(s.signaller.zoneAdded("a.example"), 10s), Catch::Contains("connection refused"));
    CHECK_THAT(s.signaller.lastError(), Catch::Contains("connection refused"));
    auto b = s.signaller.zoneAdded("b.example");
    CHECK_FALSE(s.signaller.waitSignalled(b, 10s).empty());
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        REQUIRE_FALSE(s.listWrites.empty());
        CHECK(s.listWrites.back().count("a.example") == 1); // the catalog leaves out what named has not got
    }
    s.named.down = false;
    REQUIRE(s.settled()); // the retry's batch, which writes the lists again
    CHECK(s.named.holds("a.example"));
    CHECK(s.named.holds("b.example"));
    CHECK(s.signaller.lastError().empty());
    std::lock_guard<std::mutex> lock(s.mutex);
    CHECK(s.listWrites.back().empty());
}

TEST_CASE("bind signaller addzone: a zone handed over while the lists are written is left out of them", "[bind]") {
    AddZoneSignaller s;
    REQUIRE(s.started());
    s.want("first.example", true);
    s.want("late.example", true);
    size_t writesBefore = 0;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        writesBefore = s.listWrites.size();
    }
    bool handed = false;
    NamedSignaller::Ticket late;
    // An apply that wrote its file after this batch was taken: the catalog read it as a member.
    s.duringListWrite = [&] {
        if (handed) return;
        handed = true;
        late = s.signaller.zoneAdded("late.example");
    };
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("first.example"), 10s) == "");
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        REQUIRE(s.listWrites.size() > writesBefore);
        CHECK(s.listWrites[writesBefore].count("late.example") == 1); // named has not got it yet
        CHECK(s.listWrites[writesBefore].count("first.example") == 0);
    }
    REQUIRE(late);
    CHECK(s.signaller.waitSignalled(late, 10s) == "");
    CHECK(s.named.holds("late.example"));
    std::lock_guard<std::mutex> lock(s.mutex);
    CHECK(s.listWrites.back().count("late.example") == 0);
}

TEST_CASE("bind signaller addzone: its view shows a reconcile under way, then the last one's figures", "[bind]") {
    std::set<std::string> initial;
    for (int i = 0; i < 1500; ++i) initial.insert("v" + std::to_string(i) + ".example");
    AddZoneSignaller s(initial, 10000ms, 20ms, 1000); // 1.5 s of offers: the view is read while they go
    NamedSignaller::View during;
    auto deadline = std::chrono::steady_clock::now() + 20s;
    do during = s.signaller.view();
    while (!(during.reconcile.running && during.reconcile.offered > 0) && std::chrono::steady_clock::now() < deadline);
    CHECK(during.reconcile.running);
    CHECK(during.reconcile.zones == 1500);
    CHECK(during.reconcile.offered > 0);
    CHECK(during.reconcile.offered < 1500);
    CHECK(during.namedBoot == s.named.boot);
    s.named.delayUs = 0;
    REQUIRE(s.settled());
    NamedSignaller::View after = s.signaller.view();
    CHECK_FALSE(after.reconcile.running);
    CHECK(after.reconcile.zones == 1500);
    CHECK(after.reconcile.offered == 1500);
    CHECK(after.reconcile.added == 1500); // named had none of them
    CHECK(after.reconcile.ms >= during.reconcile.ms);
    CHECK(after.lastError.empty());
    CHECK(after.waiting == 0);
}

TEST_CASE("bind signaller addzone: every zone is offered at start and again when named's boot time changes", "[bind]") {
    std::set<std::string> initial;
    for (int i = 0; i < 2500; ++i) initial.insert("z" + std::to_string(i) + ".example"); // more than one slice
    AddZoneSignaller s(initial, 100ms);
    s.named.add("z7.example"); // named has this one already
    REQUIRE(s.settled());
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (s.named.countStarting("addzone ") < 2500 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    REQUIRE(s.signaller.waitIdle(10s));
    CHECK(s.named.countStarting("addzone ") == 2500);
    CHECK(s.named.holds("z2499.example"));
    CHECK(s.signaller.reconcilePending() == 0);
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        REQUIRE(s.infos.size() == 1);
        CHECK_THAT(s.infos[0], Catch::StartsWith("reconcile: offered named 2500 zone(s) in ") && Catch::EndsWith("; 2499 of them it did not have"));
    }

    std::this_thread::sleep_for(400ms); // several checks with the same boot time: nothing offered
    CHECK(s.named.countStarting("addzone ") == 2500);
    CHECK(s.named.countStarting("status") >= 2);

    {
        std::lock_guard<std::mutex> lock(s.named.mutex);
        s.named.zones.clear(); // named restarted and lost its added zones
        s.named.boot = "boot time: Sun, 29 Nov 2026 10:00:00 GMT";
    }
    deadline = std::chrono::steady_clock::now() + 20s;
    while (s.named.countStarting("addzone ") < 5000 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    REQUIRE(s.signaller.waitIdle(10s));
    std::lock_guard<std::mutex> lock(s.named.mutex);
    CHECK(s.named.zones.size() == 2500u);
}

TEST_CASE("bind signaller addzone: a reconcile does not hold back a new zone for longer than one slice", "[bind]") {
    std::set<std::string> initial;
    for (int i = 0; i < 5000; ++i) initial.insert("z" + std::to_string(i) + ".example");
    AddZoneSignaller s(initial);
    s.named.delayUs = 200; // the reconcile takes a second or more
    auto began = std::chrono::steady_clock::now() + 20s;
    while (s.named.countStarting("addzone ") == 0 && std::chrono::steady_clock::now() < began) std::this_thread::sleep_for(1ms);
    s.want("new.example", true);
    CHECK(s.signaller.waitSignalled(s.signaller.zoneAdded("new.example"), 10s) == "");
    CHECK(s.named.countStarting("addzone ") < 5001); // it went out before the reconcile ended
    REQUIRE(s.signaller.waitIdle(20s));
    CHECK(s.named.countStarting("addzone ") == 5001);
}

TEST_CASE("bind signaller addzone: a zone named has from elsewhere is neither taken over nor deleted", "[bind]") {
    AddZoneSignaller s;
    REQUIRE(s.started());
    s.named.add("theirs.example", "/etc/bind/db.theirs");
    s.want("theirs.example", true);
    CHECK_THAT(s.signaller.waitSignalled(s.signaller.zoneAdded("theirs.example"), 10s), Catch::Contains("from elsewhere"));
    CHECK(s.named.count("reload theirs.example") == 0);
    s.want("theirs.example", false);
    CHECK(s.signaller.waitSignalled(s.signaller.zoneRemoved("theirs.example"), 10s) == "");
    CHECK(s.named.count("delzone theirs.example") == 0);
    CHECK(s.named.holds("theirs.example"));
}

TEST_CASE("bind signaller addzone: a named that does not answer costs one failure per batch, not one per zone", "[bind]") {
    AddZoneSignaller s({}, 10000ms, 5000ms); // one batch for all 50
    REQUIRE(s.started());
    s.named.down = true;
    std::vector<NamedSignaller::Ticket> tickets;
    {
        NamedSignaller::Coming coming(s.signaller);
        for (int i = 0; i < 50; ++i) {
            s.want("d" + std::to_string(i) + ".example", true);
            tickets.push_back(s.signaller.zoneAdded("d" + std::to_string(i) + ".example"));
        }
    }
    for (auto& t : tickets) CHECK_THAT(s.signaller.waitSignalled(t, 10s), Catch::Contains("connection refused"));
    CHECK(s.named.countStarting("addzone d") == 1); // the first; the batch's others were not sent
    s.named.down = false;
    REQUIRE(s.settled());
    CHECK(s.named.holds("d49.example"));
}
