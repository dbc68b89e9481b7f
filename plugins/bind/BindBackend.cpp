// The bind backend: each zone is a file <zones_dir>/<zone>.db (zoneFilePath: names too long
// for one file name get a directory) written atomically (checked with named-checkzone before it
// goes live), and named is told in batches (NamedSignaller) that zones came, went or changed:
// by an include file it reads and `reconfig` (zone_membership: include), or by `addzone` /
// `delzone` (zone_membership: addzone), over named's control channel spoken directly
// (rndc_conf) or by running rndc (rndc_command). With catalog_zone it also keeps a catalog zone
// (RFC 9432) of its zones for secondaries.
//
// The zone files are the source of truth: at start the instance rebuilds its zone set from
// them, so an include file lost to a crash is rewritten, and in addzone mode every zone is
// offered to named again. apply and remove return once the batch that carries their change has
// reached named (it answered OK); if it did not (named failing or down), they report a
// retryable error so the daemon retries until named has everything. servedRecords reads back
// what named serves (AXFR from `server`), or without `server` what the zone file holds.
#include "Catalogs.hpp"
#include "NamedAxfr.hpp"
#include "NamedControl.hpp"
#include "NamedSignaller.hpp"
#include "ProgramPath.hpp"
#include "RndcChannel.hpp"
#include "ServerAddress.hpp"
#include "ZoneChecker.hpp"
#include "ZoneFileReader.hpp"
#include "ZoneFiles.hpp"

#include <dadns/sdk.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace dadns::bind {
namespace {

using namespace dadns::sdk;

constexpr uint32_t kDefaultParallel = 512;
// A transfer from named: connecting, and each wait for its next message.
constexpr std::chrono::seconds kTransferTimeout(5);
// named's control channel: connecting, and each wait for an answer (an addzone loads the zone).
constexpr std::chrono::seconds kControlTimeout(30);

std::string absolutePath(const std::string& path) {
    if (!path.empty() && path[0] == '/') return path;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return path;
    std::string p = path;
    while (p.rfind("./", 0) == 0) p = p.substr(2);
    return std::string(cwd) + "/" + p;
}

void makeDirectories(const std::string& dir) {
    for (size_t pos = 1; pos != std::string::npos;) {
        pos = dir.find('/', pos + 1);
        std::string part = dir.substr(0, pos);
        if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) throw PermanentError("cannot create " + part + ": " + std::strerror(errno));
    }
}

// A catalog's name as the settings give it ("catalog.example." or without the dot); "" when not set.
std::string catalogName(const Settings& c, const std::string& key) {
    if (!c.has(key)) return "";
    std::string name = c.text(key);
    if (!name.empty() && name.back() == '.') name.pop_back();
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!safeZoneName(name)) throw PermanentError(key + ": '" + c.text(key) + "' is not a zone name");
    return name;
}

// Paths go into named's configuration text inside quotes.
void checkQuotable(const std::string& what, const std::string& path) {
    if (path.find_first_of("\"\\\n;{}") != std::string::npos)
        throw PermanentError(what + ": '" + path + "' holds a character named's configuration cannot quote");
}

class BindBackend final : public Backend {
public:
    static SettingsSpec settings() {
        SettingsSpec s;
        s.text("zones_dir", "directory the zone files are written to").required();
        s.text("named_conf", "include file listing the zones, for named.conf (default: <zones_dir>/dadns.zones.conf)");
        s.text("zone_membership", "how named learns which zones exist: include (the include file and reconfig) or addzone "
                                  "(addzone/delzone; named needs allow-new-zones yes, and rndc_conf)")
            .oneOf({"include", "addzone"})
            .byDefault("include");
        s.mode("file_mode", "permission bits of the zone files").byDefault(0644).range(0, 0777);
        s.flag("checkzone", "check each zone file with named-checkconf -z before it goes live (default: when installed)");
        s.integer("check_batch_ms", "how long a zone check waits to batch other zones with it").byDefault(20).range(0, 10000);
        s.text("rndc_conf", "rndc.conf or rndc.key: named's control channel (server, port, key as rndc reads them), "
                            "spoken directly, one connection for all commands");
        s.duration("named_check_interval", "with rndc_conf: how often the backend asks named's status (its health; in addzone mode "
                                           "a restarted named is offered every zone)")
            .byDefault(std::chrono::seconds(10))
            .range(std::chrono::milliseconds(100), std::chrono::hours(1));
        s.text("rndc_server", "HOST:PORT of named's control channel, in place of the one rndc_conf names (default 127.0.0.1:953); as rndc -s "
                              "and -p, a server block of that HOST in the file gives the key")
            .check(serverAddressProblem);
        s.command("rndc_command", "an rndc command run per signal instead of rndc_conf, e.g. \"rndc -c /etc/bind/rndc.conf\"; "
                                  "neither: do not signal");
        s.integer("reload_batch_ms", "how long a batch of signals to named waits for applies still on their way (it goes at once when none is)")
            .byDefault(200)
            .range(0, 600000);
        s.text("server", "named's DNS address, HOST:PORT (e.g. 127.0.0.1:53): what it serves is read back by AXFR; "
                         "default: the zone files are read back instead")
            .check(serverAddressProblem);
        s.text("transfer_key", "with server: a key file (as tsig-keygen writes it, or an rndc.conf) whose key signs the read-back "
                               "transfers (TSIG), for a named that allows transfers by key only");
        s.text("catalog_zone", "name of a catalog zone (RFC 9432) listing this backend's zones, for secondaries; default: none");
        s.text("catalog_previous", "a catalog_zone published before under another name: kept, every member marked as moved (coo) "
                                   "to catalog_zone, until secondaries have moved");
        s.duration("catalog_move_delay", "how long a new catalog_zone stays empty after catalog_previous marked its zones as moved, "
                                         "so that every secondary has read the move before the new catalog claims them")
            .byDefault(std::chrono::seconds(60))
            .range(std::chrono::milliseconds(0), std::chrono::hours(24));
        return s;
    }

    explicit BindBackend(const InstanceContext& ctx) : Backend(ctx) {
        Settings c = settings().read(ctx);
        zonesDir_ = absolutePath(c.text("zones_dir"));
        while (zonesDir_.size() > 1 && zonesDir_.back() == '/') zonesDir_.pop_back();
        includePath_ = absolutePath(c.has("named_conf") ? c.text("named_conf") : zonesDir_ + "/dadns.zones.conf");
        checkQuotable("zones_dir", zonesDir_);
        addZone_ = c.text("zone_membership") == "addzone";
        fileMode_ = c.mode("file_mode");
        // Applies mostly wait on the batched zone check and on their signal batch, which holds at
        // most this many zones: each reconfig costs named time for all its zones, so a burst of new
        // zones needs batches of hundreds, not dozens.
        parallel_ = c.parallel(kDefaultParallel);
        startReadBack(c);
        try {
            catalogs_ = std::make_unique<Catalogs>(zonesDir_, catalogName(c, "catalog_zone"), catalogName(c, "catalog_previous"),
                                                   c.duration("catalog_move_delay"));
        } catch (const std::invalid_argument& e) {
            throw PermanentError(e.what());
        }
        std::string checker = findProgram("named-checkconf");
        bool check = c.has("checkzone") ? c.flag("checkzone") : !checker.empty();
        if (check && checker.empty()) throw PermanentError(ctx.name + ": checkzone: is on but named-checkconf is not installed");
        makeDirectories(zonesDir_);
        if (check) checker_ = std::make_unique<ZoneChecker>(checker, zonesDir_, std::chrono::milliseconds(c.integer("check_batch_ms")));
        auto slash = includePath_.rfind('/');
        if (slash != std::string::npos && slash > 0) makeDirectories(includePath_.substr(0, slash));

        size_t leftovers = 0;
        for (const auto& dir : zoneFileDirectories(zonesDir_)) leftovers += removeLeftovers(dir);
        if (slash != std::string::npos) leftovers += removeLeftovers(includePath_.substr(0, slash), includePath_.substr(slash + 1));
        if (leftovers) host().info("bind: removed " + std::to_string(leftovers) + " temporary file(s) left by writes a crash cut short");
        zones_ = zonesOnDisk(zonesDir_);
        for (const auto& catalog : catalogs_->names()) zones_.erase(catalog);
        for (const auto& catalog : catalogs_->retired()) zones_.erase(catalog);
        std::set<std::string> included = readInclude(includePath_);
        if (addZone_) staticZones_ = included;
        catalogs_->writeEmptyWhereMissing(); // named can load a catalog offered before the first batch
        std::string started = "bind: " + std::to_string(zones_.size()) + " zone(s) in " + zonesDir_ +
                              (addZone_ ? ", added to named with addzone (" + std::to_string(staticZones_.size()) + " static in " : ", include ") +
                              includePath_ + (addZone_ ? ")" : "");
        startSignaller(c, included != includeWanted());
        retireCatalogs();
        host().info(started + (channel_ ? ", control channel " + channel_->endpoint().text() : "") +
                    (catalogs_->empty() ? "" : ", catalog " + catalogs_->current()) +
                    (checker_ ? ", files checked by named-checkconf -z before they go live" : "") +
                    (axfr_ ? ", served records read from named at " + axfr_->server().text() : ""));
    }

    ~BindBackend() override {
        signaller_.reset();
        checker_.reset();
    }

    ApplyResult apply(const Zone& zone) override {
        checkName(zone.name);
        NamedSignaller::Ticket ticket;
        {
            NamedSignaller::Coming coming(*signaller_); // its batch waits for this check and write
            bool added = writeZone(zone);
            HandedOver handedOver(*this, zone.name);
            ticket = added ? signaller_->zoneAdded(zone.name) : signaller_->zoneChanged(zone.name);
        }
        std::string error = signaller_->waitSignalled(ticket, signalTimeout_);
        if (!error.empty()) throw RetryableError("zone file written, but named was not told: " + error);
        return {};
    }

    void remove(const std::string& zone) override {
        checkName(zone);
        NamedSignaller::Ticket ticket;
        {
            NamedSignaller::Coming coming(*signaller_);
            bool removed = removeZone(zone);
            // Removed before, but that removal's signal failed: this retry waits for the one owed.
            ticket = removed ? signaller_->zoneRemoved(zone) : signaller_->removalPending(zone);
        }
        std::string error = signaller_->waitSignalled(ticket, signalTimeout_);
        if (!error.empty()) throw RetryableError("zone file removed, but named was not told: " + error);
    }

    int64_t count(const std::string& zone) override {
        checkName(zone);
        return countRecords(file(zone));
    }

    std::vector<std::string> listZones() override {
        signaller_->waitIdle(std::chrono::seconds(5)); // the lists reflect every apply so far
        std::set<std::string> zones;
        if (addZone_) {
            std::lock_guard<std::mutex> lock(mutex_);
            zones = zones_;
        } else {
            zones = readInclude(includePath_);
            for (const auto& catalog : catalogs_->names()) zones.erase(catalog);
        }
        return {zones.begin(), zones.end()};
    }

    void health() override {
        std::string error = signaller_->lastError();
        if (!error.empty()) throw RetryableError(error);
        if (::access(zonesDir_.c_str(), W_OK) != 0) throw RetryableError("cannot write " + zonesDir_ + ": " + std::strerror(errno));
    }

    uint32_t parallelism() const override { return parallel_; }

    // What named serves for the zone (with `server`), else what its zone file holds.
    std::optional<std::vector<Record>> servedRecords(const std::string& zone) {
        checkName(zone);
        if (!axfr_) return readZoneFile(file(zone));
        std::string why;
        auto records = axfr_->transfer(zone, &why);
        if (!records && why.find("REFUSED") != std::string::npos && holds(zone) && !warnedRefused_.exchange(true))
            host().warn("bind: named at " + axfr_->server().text() + " refused the transfer of " + zone + ", a zone it should serve (" +
                        why + "): allow transfers to this host or to transfer_key (allow-transfer), or every zone reads as not served");
        return records;
    }

    // For operators (GET /api/v1/backends): how named is told, what it holds, and a reconcile
    // under way or the last one. From memory only.
    std::string describe() const {
        size_t zones = 0, statics = 0;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            zones = zones_.size();
            statics = staticZones_.size();
        }
        JsonWriter out;
        out.beginObject().field("membership", addZone_ ? "addzone" : "include").field("control", control_).field("zones", zones);
        if (addZone_) out.field("static_zones", statics);
        if (!catalogs_->empty()) out.field("catalog", catalogs_->current());
        if (axfr_) out.field("read_back", axfr_->server().text());
        NamedSignaller::View v = signaller_->view();
        out.key("named").beginObject().field("waiting", v.waiting);
        if (!v.namedBoot.empty()) out.field("boot_time", v.namedBoot);
        if (!v.lastError.empty()) out.field("error", v.lastError);
        out.endObject();
        if (v.reconcile.running || v.reconcile.zones > 0)
            out.key("reconcile").beginObject().field("running", v.reconcile.running).field("zones", v.reconcile.zones)
                .field("offered", v.reconcile.offered).field("added", v.reconcile.added).field("ms", v.reconcile.ms).endObject();
        return out.endObject().take();
    }

private:
    // Ends a zone's stay in unsignalled_ once its call to the signaller returned or threw.
    struct HandedOver {
        BindBackend& backend;
        std::string zone;
        HandedOver(BindBackend& b, std::string z) : backend(b), zone(std::move(z)) {}
        ~HandedOver() {
            std::lock_guard<std::mutex> lock(backend.mutex_);
            backend.unsignalled_.erase(zone);
        }
        HandedOver(const HandedOver&) = delete;
        HandedOver& operator=(const HandedOver&) = delete;
    };

    std::string file(const std::string& zone) const { return zoneFilePath(zonesDir_, zone); }

    // Catalogs an earlier configuration kept: named drops them (delzone, or the include no longer
    // lists them), their files go, and this configuration's catalogs are remembered instead.
    void retireCatalogs() {
        for (const auto& catalog : catalogs_->retired()) {
            host().info("bind: catalog " + catalog + " is no longer configured: removing it from named");
            std::remove(file(catalog).c_str());
            if (addZone_) signaller_->zoneRemoved(catalog);
        }
        try {
            catalogs_->remember();
        } catch (const std::exception& e) {
            host().warn(std::string("bind: cannot record the catalogs: ") + e.what());
        }
    }

    // named's zone transfers when server is set: what it serves is read back.
    void startReadBack(const Settings& c) {
        if (!c.has("server")) {
            if (c.has("transfer_key")) throw PermanentError("transfer_key signs the transfers from server: set server too");
            return;
        }
        std::optional<RndcKey> key;
        if (c.has("transfer_key")) {
            try {
                key = readRndcConfig(absolutePath(c.text("transfer_key"))).key;
            } catch (const std::exception& e) {
                throw PermanentError(std::string("transfer_key: ") + e.what());
            }
        }
        try {
            axfr_ = std::make_unique<NamedAxfr>(parseServerAddress(c.text("server")), kTransferTimeout, std::move(key));
        } catch (const std::invalid_argument& e) {
            throw PermanentError(std::string("transfer_key: ") + e.what());
        }
    }

    // The control (channel, process or none), then the signaller; asks for the lists to be
    // written when the include is not what it should be or a catalog is kept.
    void startSignaller(const Settings& c, bool includeStale) {
        NamedSignaller::Options options;
        std::vector<std::string> command = c.list("rndc_command");
        if (c.has("rndc_conf") && !command.empty()) throw PermanentError("rndc_conf and rndc_command: set one, not both");
        if (c.has("rndc_conf")) {
            ServerAddress server;
            if (c.has("rndc_server")) server = parseServerAddress(c.text("rndc_server"));
            RndcEndpoint endpoint;
            try {
                endpoint = readRndcConfig(absolutePath(c.text("rndc_conf")), server.host, server.port);
            } catch (const std::exception& e) {
                throw PermanentError(std::string("rndc_conf: ") + e.what());
            }
            channel_ = std::make_unique<RndcChannel>(endpoint, kControlTimeout);
            options.control = channelControl(*channel_);
            options.commandsAreCheap = true;
            control_ = "channel " + endpoint.text();
        } else if (!command.empty()) {
            options.control = processControl(command);
            control_ = "rndc_command";
        }
        if (addZone_ && !channel_)
            throw PermanentError("zone_membership: addzone needs rndc_conf (named's control channel; rndc_command would run a process per zone)");
        options.membership = addZone_ ? NamedSignaller::Membership::AddZone : NamedSignaller::Membership::Include;
        options.batch = std::chrono::milliseconds(c.integer("reload_batch_ms"));
        options.checkInterval = c.duration("named_check_interval");
        // A batch's worst wait on a named that stopped answering: connect, nonce and answer, sent
        // twice (its other commands are then not sent); its window; slack for the commands that went.
        signalTimeout_ = kControlTimeout * 6 + options.batch + std::chrono::seconds(30);
        NamedSignaller::Zones zones;
        zones.writeLists = [this](const std::function<std::set<std::string>()>& notInNamed) { return writeLists(notInNamed); };
        zones.wanted = [this](const std::string& zone) { return holds(zone) || catalogs_->names().count(zone) != 0; };
        zones.zoneFile = [this](const std::string& zone) { return file(zone); };
        zones.addzoneConfig = [this](const std::string& zone) { return "{ type primary; file \"" + file(zone) + "\"; };"; };
        zones.all = [this] { return namedZones(); };
        zones.log = [this](const std::string& line) { logLine(true, line); };
        zones.info = [this](const std::string& line) { logLine(false, line); };
        signaller_ = std::make_unique<NamedSignaller>(options, zones);
        if (includeStale || !catalogs_->empty()) signaller_->listsChanged(includeStale); // rewrite; reconfig named when stale
        if (catalogs_->claimsAt()) signaller_->listsChangedAt(*catalogs_->claimsAt());
    }

    // For the signaller's thread: a log line that cannot be written must not end it.
    void logLine(bool warning, const std::string& line) noexcept {
        try {
            if (warning) host().warn("bind: " + line);
            else host().info("bind: " + line);
        } catch (...) {
        }
    }

    bool holds(const std::string& zone) {
        std::lock_guard<std::mutex> lock(mutex_);
        return zones_.count(zone) != 0;
    }

    // Every zone named should hold: the backend's and its catalogs.
    std::vector<std::string> namedZones() {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::string> all(catalogs_->names().begin(), catalogs_->names().end());
        all.insert(all.end(), zones_.begin(), zones_.end());
        return all;
    }

    // What the include should list: every zone (include mode), or the static zones not yet
    // removed (addzone mode: it only shrinks).
    std::set<std::string> includeWanted() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!addZone_) {
            std::set<std::string> all = zones_;
            all.insert(catalogs_->names().begin(), catalogs_->names().end());
            return all;
        }
        std::set<std::string> kept;
        for (const auto& zone : staticZones_)
            if (zones_.count(zone) || catalogs_->names().count(zone)) kept.insert(zone);
        staticZones_ = kept;
        return kept;
    }

    // Writes the include (when it changed) and the catalogs; returns the catalogs, for named to
    // reload. notInNamed: zones named does not hold yet, left out of the catalogs so that no
    // secondary asks for a zone before named serves it.
    std::vector<std::string> writeLists(const std::function<std::set<std::string>()>& notInNamed) {
        std::set<std::string> include = includeWanted();
        if (include != includeWritten_ || !includeWrittenOnce_) {
            sdk::writeFileAtomically(includePath_, renderInclude(include, zonesDir_), 0644);
            includeWritten_ = include;
            includeWrittenOnce_ = true;
        }
        if (catalogs_->empty()) return {};
        std::set<std::string> members;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            members = zones_;
            for (const auto& zone : unsignalled_) members.erase(zone);
        }
        // Include mode: named gets what the include lists, read a moment ago; a zone added since
        // waits for the next write.
        if (!addZone_) std::erase_if(members, [&](const std::string& zone) { return include.count(zone) == 0; });
        for (const auto& zone : notInNamed()) members.erase(zone); // after the members: see unsignalled_
        return catalogs_->write(members);
    }

    // Writes the zone's file (checked first when a checker is on); true when the zone is new.
    bool writeZone(const Zone& zone) {
        std::function<std::string(const std::string&)> check;
        if (checker_) check = [&](const std::string& tmp) { return checker_->check(zone.name, tmp); };
        std::string path = file(zone.name);
        std::string dir = path.substr(0, path.rfind('/'));
        if (dir != zonesDir_ && ::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
            throw RetryableError("cannot create " + dir + ": " + std::strerror(errno));
        sdk::writeFileAtomically(path, renderZoneFile(zone), fileMode_, check);
        std::lock_guard<std::mutex> lock(mutex_);
        bool added = zones_.insert(zone.name).second;
        if (added) unsignalled_.insert(zone.name);
        return added;
    }

    // Removes the zone's file; true when the zone was listed until now.
    bool removeZone(const std::string& zone) {
        std::string path = file(zone);
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw RetryableError("cannot remove " + path + ": " + std::strerror(errno));
        std::string dir = path.substr(0, path.rfind('/'));
        if (dir != zonesDir_) ::rmdir(dir.c_str()); // a split name's directory, when now empty
        std::lock_guard<std::mutex> lock(mutex_);
        unsignalled_.erase(zone);
        return zones_.erase(zone) > 0;
    }

    void checkName(const std::string& zone) const {
        if (!safeZoneName(zone)) throw PermanentError("bind: refusing unsafe zone name '" + zone + "'");
        if (catalogs_->names().count(zone)) throw PermanentError("bind: '" + zone + "' is this backend's catalog zone");
    }

    std::string zonesDir_, includePath_;
    bool addZone_ = false;
    unsigned fileMode_ = 0644;
    uint32_t parallel_ = kDefaultParallel;
    std::chrono::milliseconds signalTimeout_{0};
    std::unique_ptr<NamedAxfr> axfr_;
    std::atomic<bool> warnedRefused_{false};
    std::unique_ptr<Catalogs> catalogs_; // names() never change; written on the signaller's thread only
    std::set<std::string> includeWritten_; // the signaller's thread only
    bool includeWrittenOnce_ = false;
    mutable std::mutex mutex_;
    std::set<std::string> zones_;
    // New zones written but not yet handed to the signaller (under mutex_): named has not got
    // them, and the signaller does not know it yet, so the catalog leaves them out.
    std::set<std::string> unsignalled_;
    std::set<std::string> staticZones_; // addzone mode: zones named has from the include (under mutex_)
    std::unique_ptr<RndcChannel> channel_;
    std::string control_ = "none"; // how named is told, for describe
    std::unique_ptr<NamedSignaller> signaller_;
    std::unique_ptr<ZoneChecker> checker_;
};

} // namespace
} // namespace dadns::bind

DADNS_BACKEND_PLUGIN(dadns::bind::BindBackend, "bind", "1.0.0")
