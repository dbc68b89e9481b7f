// The bind backend: each zone is a file <zones_dir>/<zone>.db (zoneFilePath: names too long
// for one file name get a directory) written atomically (checked with named-checkzone before it
// goes live), listed in an include file named reads, and named is told in batches
// (NamedSignaller).
//
// The zone files are the source of truth: at start the instance rebuilds its zone set from
// them, so an include file lost to a crash is rewritten. apply and remove return once the
// batch that carries their change has reached named (rndc answered OK); if it did not (rndc
// failing, named down), they report a retryable error so the daemon retries until named has
// everything. servedRecords reads back what named serves (AXFR from `server`), or without
// `server` what the zone file holds.
#include "NamedAxfr.hpp"
#include "NamedSignaller.hpp"
#include "ProgramPath.hpp"
#include "ServerAddress.hpp"
#include "ZoneChecker.hpp"
#include "ZoneFileReader.hpp"
#include "ZoneFiles.hpp"

#include <dadns/sdk.hpp>

#include <atomic>
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

class BindBackend final : public Backend {
public:
    static SettingsSpec settings() {
        SettingsSpec s;
        s.text("zones_dir", "directory the zone files are written to").required();
        s.text("named_conf", "include file listing the zones, for named.conf (default: <zones_dir>/dadns.zones.conf)");
        s.mode("file_mode", "permission bits of the zone files").byDefault(0644).range(0, 0777);
        s.flag("checkzone", "check each zone file with named-checkconf -z before it goes live (default: when installed)");
        s.integer("check_batch_ms", "how long a zone check waits to batch other zones with it").byDefault(20).range(0, 10000);
        s.command("rndc_command", "the rndc command that signals named, e.g. \"rndc -c /etc/bind/rndc.conf\"; empty: do not signal");
        s.integer("reload_batch_ms", "how long a batch of signals to named waits for applies still on their way (it goes at once when none is)")
            .byDefault(200)
            .range(0, 600000);
        s.text("server", "named's DNS address, HOST:PORT (e.g. 127.0.0.1:53): what it serves is read back by AXFR; "
                         "default: the zone files are read back instead")
            .check(serverAddressProblem);
        return s;
    }

    explicit BindBackend(const InstanceContext& ctx) : Backend(ctx) {
        Settings c = settings().read(ctx);
        zonesDir_ = absolutePath(c.text("zones_dir"));
        while (zonesDir_.size() > 1 && zonesDir_.back() == '/') zonesDir_.pop_back();
        includePath_ = absolutePath(c.has("named_conf") ? c.text("named_conf") : zonesDir_ + "/dadns.zones.conf");
        fileMode_ = c.mode("file_mode");
        // Applies mostly wait on the batched zone check and on their signal batch, which holds at
        // most this many zones: each reconfig costs named time for all its zones, so a burst of new
        // zones needs batches of hundreds, not dozens.
        parallel_ = c.parallel(kDefaultParallel);
        if (c.has("server")) axfr_ = std::make_unique<NamedAxfr>(parseServerAddress(c.text("server")), kTransferTimeout);
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
        bool includeCurrent = readInclude(includePath_) == zones_;
        std::chrono::milliseconds batch(c.integer("reload_batch_ms"));
        signalTimeout_ = NamedSignaller::kRndcTimeout + batch + std::chrono::seconds(10); // a batch's reconfig, its window, slack
        signaller_ = std::make_unique<NamedSignaller>(
            c.list("rndc_command"), batch,
            [this] { writeInclude(); },
            [this](const std::string& zone) { return holds(zone); },
            [this](const std::string& line) { host().warn(line); });
        if (!includeCurrent) signaller_->zoneAdded(""); // rewrite the include, reconfig named
        host().info("bind: " + std::to_string(zones_.size()) + " zone(s) in " + zonesDir_ + ", include " + includePath_ +
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
            // Removed before, but that removal's reconfig failed: this retry waits for the next one.
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
        signaller_->waitIdle(std::chrono::seconds(5)); // the include reflects every apply so far
        auto zones = readInclude(includePath_);
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
            host().warn("bind: named at " + axfr_->server().text() + " refused the transfer of " + zone +
                        ", a zone it should serve: allow transfers to this host (allow-transfer), or every zone reads as not served");
        return records;
    }

private:
    std::string file(const std::string& zone) const { return zoneFilePath(zonesDir_, zone); }

    bool holds(const std::string& zone) {
        std::lock_guard<std::mutex> lock(mutex_);
        return zones_.count(zone) != 0;
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
        return zones_.insert(zone.name).second;
    }

    // Removes the zone's file; true when the zone was listed until now.
    bool removeZone(const std::string& zone) {
        std::string path = file(zone);
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw RetryableError("cannot remove " + path + ": " + std::strerror(errno));
        std::string dir = path.substr(0, path.rfind('/'));
        if (dir != zonesDir_) ::rmdir(dir.c_str()); // a split name's directory, when now empty
        std::lock_guard<std::mutex> lock(mutex_);
        return zones_.erase(zone) > 0;
    }

    static void checkName(const std::string& zone) {
        if (!safeZoneName(zone)) throw PermanentError("bind: refusing unsafe zone name '" + zone + "'");
    }

    void writeInclude() {
        std::set<std::string> zones;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            zones = zones_;
        }
        sdk::writeFileAtomically(includePath_, renderInclude(zones, zonesDir_), 0644);
    }

    std::string zonesDir_, includePath_;
    unsigned fileMode_ = 0644;
    uint32_t parallel_ = kDefaultParallel;
    std::chrono::milliseconds signalTimeout_{0};
    std::unique_ptr<NamedAxfr> axfr_;
    std::atomic<bool> warnedRefused_{false};
    std::mutex mutex_;
    std::set<std::string> zones_;
    std::unique_ptr<NamedSignaller> signaller_;
    std::unique_ptr<ZoneChecker> checker_;
};

} // namespace
} // namespace dadns::bind

DADNS_BACKEND_PLUGIN(dadns::bind::BindBackend, "bind", "1.0.0")
