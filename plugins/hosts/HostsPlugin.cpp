// The hosts plugin: hosts register themselves (POST /api/v1/hosts {hostname, ip, ttl}), a
// hosts-format file is watched, and a Docker Engine's labelled containers are followed
// (DockerSource); all become A/AAAA records of a managed zone, created with an SOA and NS when
// missing, its serial moved on in the YYYYMMDDnn convention with every change. With auto_ptr,
// PTR records follow in the matching reverse zones dadns manages. Who owns a name: DockerZone.hpp.
//
// The zone itself is the registry: every edit reads the zone's current state, changes the
// host's records and submits the whole zone, so a host survives restarts like any record.
// Edits are serialised within the plugin; a whole-zone push from elsewhere between the read and
// the submit is overwritten by the later one (last writer wins, as for any zone).
#include "DockerSource.hpp"
#include "DockerZone.hpp"
#include "HostsFile.hpp"
#include "HostsZone.hpp"

#include <dadns/sdk.hpp>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace dadns::hosts {
namespace {

using namespace dadns::sdk;

std::string today() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y%m%d", &utc);
    return buf;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

Response& error(Response& resp, int status, const std::string& message) {
    return resp.json(status, "{\"error\":" + jsonQuote(message) + "}");
}

// default_zone as the plugin keeps it: lower case, no trailing dot.
std::string zoneName(const std::string& configured) {
    std::string zone = lower(configured);
    while (!zone.empty() && zone.back() == '.') zone.pop_back();
    return zone;
}

// The zone's own labels follow the rules of a host name's (hostFqdn with no origin).
std::string zoneProblem(const std::string& configured) {
    std::string why, zone = zoneName(configured);
    return !zone.empty() && hostFqdn(zone, "", why) ? "" : "must be a zone name, e.g. hosts.example.com, got '" + configured + "'";
}

std::string dockerHostProblem(const std::string& endpoint) {
    try {
        DockerEngine::socketPathOf(endpoint);
        return "";
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
}

// A label key as docker_labels lists it: a key, not a key=value filter.
std::string labelKeyProblem(const std::string& key) {
    return !key.empty() && key.find_first_of("= \t\"") == std::string::npos ? "" : "'" + key + "' is not a label key";
}

// Engine actions as metric labels: a bounded set ("exec_start: sh -c ..." names a command).
std::string actionLabel(const std::string& action) {
    static const std::set<std::string> known = {"create", "start", "restart", "stop", "kill", "die", "destroy", "pause", "unpause",
                                                "rename", "update", "oom", "attach", "detach", "commit", "copy", "export",
                                                "exec_create", "exec_start", "exec_die", "health_status", "resize", "top"};
    std::string bare = action.substr(0, action.find(':'));
    return known.count(bare) ? bare : "other";
}

std::string optionalZoneProblem(const std::string& configured) { return configured.empty() ? "" : zoneProblem(configured); }

std::string addressProblem(const std::string& ip) {
    std::string canonical;
    return ip.empty() || !addressType(ip, canonical).empty() ? "" : "'" + ip + "' is not an IPv4 or IPv6 address";
}

std::string nameserverProblem(const std::string& name) {
    return name.empty() || name.find_first_of(" \t\"\\;") != std::string::npos ? "'" + name + "' is not a host name" : "";
}

// The host refused a zone this plugin built: another source owns the zone (zones.ownership).
struct ZoneRefused : PermanentError {
    using PermanentError::PermanentError;
};

class HostsPlugin final : public Ingestion {
public:
    static SettingsSpec settings() {
        SettingsSpec s;
        s.text("default_zone", "zone the hosts are registered in, e.g. hosts.example.com").required().check(zoneProblem);
        s.integer("default_ttl", "TTL of the records registered").byDefault(300).range(1, 2147483647);
        s.list("nameservers", "apex NS of the zone when dadns creates it (default: localhost.)").check(nameserverProblem);
        s.flag("auto_ptr", "also register a PTR record in the matching reverse zone");
        s.text("hosts_file", "an /etc/hosts-style file whose entries are registered too");
        s.duration("hosts_file_interval", "how often hosts_file is checked for changes").byDefault(std::chrono::seconds(2))
            .range(std::chrono::milliseconds(1), std::chrono::hours(1));
        s.text("docker_host", "a Docker Engine to follow: unix:///var/run/docker.sock (DOCKER_HOST style) or the socket's path; "
                              "running containers with a host-name label get records")
            .check(dockerHostProblem);
        s.list("docker_labels", "label keys naming a container's host, the first present wins "
                                "(default: dadns.hostname, joyride.host.name)")
            .check(labelKeyProblem);
        s.text("docker_zone", "zone of the containers' records (default: default_zone)").check(optionalZoneProblem);
        s.text("docker_network", "network whose address a container's record gets (default: the first, by name, where it has one)");
        s.text("docker_host_address", "give every container this address instead of its own (the Docker host's, as Joyride does)")
            .check(addressProblem);
        s.duration("docker_retry_max", "longest wait between attempts to reach the engine").byDefault(std::chrono::seconds(30))
            .range(std::chrono::milliseconds(100), std::chrono::hours(1));
        s.duration("docker_resync_interval", "how often the containers are listed anew (what no container event says: networks "
                                             "connected or disconnected)")
            .byDefault(std::chrono::seconds(60)).range(std::chrono::seconds(1), std::chrono::hours(24));
        return s;
    }

    explicit HostsPlugin(const InstanceContext& ctx) : Ingestion(ctx) {
        Settings c = settings().read(ctx);
        zone_ = zoneName(c.text("default_zone"));
        ttl_ = static_cast<uint32_t>(c.integer("default_ttl"));
        for (const auto& ns : c.list("nameservers")) nameservers_.push_back(lower(ns) + (ns.back() == '.' ? "" : "."));
        if (nameservers_.empty()) nameservers_.push_back("localhost.");
        autoPtr_ = c.flag("auto_ptr");
        hostsFile_ = c.text("hosts_file");
        if (!hostsFile_.empty())
            watcher_ = std::make_unique<FileWatcher>(hostsFile_, c.duration("hosts_file_interval"),
                                                     [this](const std::string& text) { return hostsFileChanged(text); });
        if (!c.text("docker_host").empty()) dockerSource_ = dockerSourceFrom(c);

        routes().add("POST", "/api/v1/hosts", [this](const Request& req, Response& resp) { answer(req, resp, &HostsPlugin::registerHost); });
        routes().add("DELETE", "/api/v1/hosts/", [this](const Request& req, Response& resp) { answer(req, resp, &HostsPlugin::deleteHost); });
        routes().add("GET", "/api/v1/hosts", [this](const Request& req, Response& resp) { answer(req, resp, &HostsPlugin::listHosts); });
    }

    void start() override {
        try {
            edit(zone_, [](ZoneLines&) { return false; }); // creates the zone when missing
        } catch (const Error& e) {
            if (e.code() == DADNS_ERR_PERMANENT) throw;
            host().warn("hosts: " + zone_ + " not checked at start (the first change creates it if missing): " + e.what());
        }
        if (watcher_) watcher_->start();
        if (dockerSource_) dockerSource_->start();
    }

    void stop() override {
        if (watcher_) watcher_->stop();
        if (dockerSource_) dockerSource_->stop();
    }

    // The zone changed (any writer: a whole-zone push, a peer's replication, a registration):
    // the Docker source makes it hold its names again, and takes names now free; the hosts
    // file offers what it skipped again. Called while the change's writer holds the zone, so
    // both only wake their own threads (which apply nothing when nothing differs).
    void zoneChanged(const std::string& zone, uint64_t, const std::string&) override {
        if (dockerSource_ && zone == docker_.zone) dockerSource_->applyAgain();
        if (watcher_ && zone == zone_ && fileSkippedOwned_) watcher_->offerAgain();
    }

    std::string describe() const override {
        JsonWriter out;
        out.beginObject().field("zone", zone_).field("hosts_file", hostsFile_).field("auto_ptr", autoPtr_);
        if (dockerSource_) describeDocker(out.key("docker"));
        return out.endObject().take();
    }

private:
    // Runs a route's handler. A store that cannot be read or written now answers 503 with
    // Retry-After: the client tries again, and nothing is built afresh over a zone that could
    // not be read.
    void answer(const Request& req, Response& resp, void (HostsPlugin::*handler)(const Request&, Response&)) {
        try {
            (this->*handler)(req, resp);
        } catch (const ZoneRefused& e) {
            resp = Response();
            error(resp, 409, e.what());
        } catch (const Error& e) {
            if (e.code() == DADNS_ERR_PERMANENT) throw;
            resp = Response();
            resp.header("Retry-After", "1");
            error(resp, 503, std::string("the zone store is not available, try again: ") + e.what());
        }
    }

    // Reads zone (a fresh one when missing), lets change edit it, and submits it with the next
    // serial when change returns true. Returns the zone's version afterwards. A failed read
    // throws (RetryableError): never taken for a missing zone.
    // force: past the host's safety limits (zones.safety), for a source whose word is final.
    uint64_t edit(const std::string& zone, const std::function<bool(ZoneLines&)>& change, bool force = false) {
        auto current = host().readZone(zone);
        bool missing = !current || current->deleted;
        ZoneLines lines = missing ? ZoneLines::fresh(zone, nameservers_, ttl_, today()) : ZoneLines(zone, current->zoneText);
        if (!change(lines) && !missing) return current->version;
        lines.bumpSerial(today());
        SubmitResult r;
        try {
            Origin origin{"hosts", "", "", ""};
            origin.force = force;
            r = host().submitZoneText(zone, lines.text(), origin);
        } catch (const Error& e) {
            if (e.code() == DADNS_ERR_PERMANENT) throw ZoneRefused(e.what()); // nothing was stored
            throw;
        }
        host().counterAdd("dadns_hosts_zone_changes_total", "Zone changes submitted by the hosts plugin", {{"zone", zone}});
        return r.version;
    }

    // The managed reverse zone holding owner (the longest one), or "".
    std::string reverseZone(const std::string& owner) const {
        std::string name = owner.substr(0, owner.size() - 1);
        for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
            std::string candidate = name.substr(dot + 1);
            if (candidate == "arpa") break;
            auto z = host().readZone(candidate);
            if (z && !z->deleted) return candidate;
        }
        return "";
    }

    // PTRs after fqdn's addresses went from removed to added (auto_ptr). A reverse zone the
    // host does not let this plugin change (another source owns it: zones.ownership) gets no
    // PTR, like a reverse zone that is not there; the operator gives it to the plugin with
    // ?owner=hosts.
    void followPtrs(const std::string& fqdn, const std::vector<std::string>& removed, const std::vector<std::string>& added) {
        if (!autoPtr_) return;
        auto editPtr = [&](const std::string& zone, const std::string& ip, const std::function<bool(ZoneLines&)>& change) {
            try {
                edit(zone, change);
            } catch (const ZoneRefused& e) {
                host().warn("hosts: no PTR change for " + ip + " (" + fqdn + "): " + e.what());
            }
        };
        for (const auto& ip : removed) {
            std::string owner = reverseOwner(ip), zone = reverseZone(owner);
            if (!zone.empty()) editPtr(zone, ip, [&](ZoneLines& z) { return z.removePtr(owner, fqdn); });
        }
        for (const auto& ip : added) {
            std::string owner = reverseOwner(ip), zone = reverseZone(owner);
            if (zone.empty()) {
                host().debug("hosts: no managed reverse zone for " + ip + "; no PTR for " + fqdn);
                continue;
            }
            editPtr(zone, ip, [&](ZoneLines& z) { return z.setPtr(owner, fqdn, ttl_); });
        }
    }

    void registerHost(const Request& req, Response& resp) {
        Json body;
        try {
            body = Json::parse(req.body);
        } catch (const Error& e) {
            error(resp, 400, std::string("the body must be a JSON object {hostname, ip, ttl}: ") + e.what());
            return;
        }
        std::string why, ip;
        auto fqdn = body.isObject() ? hostFqdn(body.getString("hostname"), zone_, why) : std::nullopt;
        if (!body.isObject()) why = "the body must be a JSON object {hostname, ip, ttl}";
        if (!fqdn) {
            error(resp, 400, why);
            return;
        }
        std::string type = addressType(body.getString("ip"), ip);
        if (type.empty()) {
            error(resp, 400, "ip must be an IPv4 or IPv6 address, got '" + body.getString("ip") + "'");
            return;
        }
        // A JSON integer: "300", 300.7 or true are refused, not read as some number.
        const Json& given = body["ttl"];
        double ttl = given.isNull() ? ttl_ : given.type() == Json::Type::Number ? given.asNumber() : 0;
        if (ttl < 1 || ttl > 2147483647 || ttl != static_cast<double>(static_cast<long long>(ttl))) {
            error(resp, 400, "ttl must be an integer 1-2147483647");
            return;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        bool existed = false, conflict = false;
        std::vector<std::string> removed;
        std::optional<std::string> owner;
        uint64_t version = edit(zone_, [&](ZoneLines& z) {
            owner = z.owner(*fqdn);
            if (owner) return false;
            if (z.has(*fqdn, "CNAME")) {
                conflict = true;
                return false;
            }
            auto hosts = z.hosts();
            auto it = hosts.find(*fqdn);
            existed = it != hosts.end();
            if (existed)
                for (const auto& old : it->second.ips)
                    if (old != ip && (old.find(':') != std::string::npos) == (type == "AAAA")) removed.push_back(old);
            return z.setAddresses(*fqdn, type, {ip}, static_cast<uint32_t>(ttl));
        });
        if (conflict) {
            error(resp, 409, *fqdn + " is a CNAME in " + zone_ + "; it cannot have addresses too");
            return;
        }
        if (owner) {
            error(resp, 409, *fqdn + " is managed by " + *owner + "; it cannot be registered");
            return;
        }
        versions_[*fqdn] = version;
        followPtrs(*fqdn, removed, {ip});
        resp.json(existed ? 200 : 201, "{\"hostname\":" + jsonQuote(fqdn->substr(0, fqdn->size() - zone_.size() - 2)) + ",\"fqdn\":" +
                                           jsonQuote(*fqdn) + ",\"ip\":" + jsonQuote(ip) + ",\"type\":" + jsonQuote(type) +
                                           ",\"ttl\":" + std::to_string(static_cast<long long>(ttl)) + ",\"zone\":" + jsonQuote(zone_) +
                                           ",\"version\":" + std::to_string(version) + "}");
    }

    void deleteHost(const Request& req, Response& resp) {
        std::string name = urlDecode(req.path.substr(std::string("/api/v1/hosts/").size()));
        std::string why;
        auto fqdn = hostFqdn(name, zone_, why);
        if (!fqdn) {
            error(resp, 400, why);
            return;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::string> removed;
        std::optional<std::string> owner;
        uint64_t version = edit(zone_, [&](ZoneLines& z) {
            owner = z.owner(*fqdn);
            if (!owner) removed = z.removeAddresses(*fqdn);
            return !removed.empty();
        });
        if (owner) {
            error(resp, 409, *fqdn + " is managed by " + *owner + "; it goes when its source lets it go");
            return;
        }
        if (removed.empty()) {
            error(resp, 404, "no host " + *fqdn + " in " + zone_);
            return;
        }
        versions_[*fqdn] = version;
        followPtrs(*fqdn, removed, {});
        resp.json(200, "{\"deleted\":" + jsonQuote(*fqdn) + ",\"zone\":" + jsonQuote(zone_) + ",\"version\":" + std::to_string(version) + "}");
    }

    // GET /api/v1/hosts lists every host; GET /api/v1/hosts/{name} one (404 when unknown).
    void listHosts(const Request& req, Response& resp) {
        std::optional<std::string> only;
        if (req.path.size() > std::string("/api/v1/hosts/").size()) {
            std::string why;
            only = hostFqdn(urlDecode(req.path.substr(std::string("/api/v1/hosts/").size())), zone_, why);
            if (!only) {
                error(resp, 400, why);
                return;
            }
        }
        auto current = host().readZone(zone_);
        if (!current || current->deleted) {
            if (only) error(resp, 404, "no host " + *only + " in " + zone_);
            else resp.json(200, "{\"zone\":" + jsonQuote(zone_) + ",\"hosts\":[]}");
            return;
        }
        auto backends = host().zoneBackends(zone_);
        std::map<std::string, uint64_t> versions;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            versions = versions_;
        }
        JsonWriter out;
        out.beginObject().field("zone", zone_).field("version", current->version).key("hosts").beginArray();
        bool any = false;
        for (const auto& [fqdn, record] : ZoneLines(zone_, current->zoneText).hosts()) {
            if (only && fqdn != *only) continue;
            auto known = versions.find(fqdn); // a host not edited since the start: the zone's version
            writeHost(out, fqdn, record, known == versions.end() ? current->version : known->second, backends);
            any = true;
        }
        if (only && !any) {
            error(resp, 404, "no host " + *only + " in " + zone_);
            return;
        }
        resp.json(200, out.endArray().endObject().take());
    }

    // One host and where its version stands: synced once every backend applied it, failed when
    // a backend fails before it, pending otherwise.
    void writeHost(JsonWriter& out, const std::string& fqdn, const HostRecord& record, uint64_t version,
                   const std::vector<ZoneBackendState>& backends) const {
        std::string status = backends.empty() ? "pending" : "synced";
        int64_t lastSync = 0;
        JsonWriter errors;
        errors.beginArray();
        for (const auto& b : backends) {
            if (b.appliedVersion >= version) {
                lastSync = std::max(lastSync, b.updatedAtMs);
                continue;
            }
            if (b.failing) {
                status = "failed";
                errors.beginObject().field("backend", b.backend).field("error", b.error).endObject();
            } else if (status != "failed") {
                status = "pending";
            }
        }
        errors.endArray();
        out.beginObject().field("hostname", fqdn.substr(0, fqdn.size() - zone_.size() - 2)).field("fqdn", fqdn).key("ips").beginArray();
        for (const auto& ip : record.ips) out.value(ip);
        out.endArray().field("ttl", record.ttl).field("version", version).field("status", status).key("last_sync");
        if (status == "synced" && lastSync) out.value(isoTimeUtc(lastSync));
        else out.null();
        out.key("errors").raw(errors.text()).endObject();
    }

    // The file's names as hosts of the zone: added, changed, and removed when they leave it.
    bool hostsFileChanged(const std::string& text) {
        HostsFileEntries entries = parseHostsFile(text);
        for (const auto& s : entries.skipped) host().warn("hosts: " + hostsFile_ + " " + s);
        std::map<std::string, std::vector<std::string>> wanted; // fqdn -> canonical addresses
        for (const auto& [name, addresses] : entries.addresses) {
            std::string bare = name.back() == '.' ? name.substr(0, name.size() - 1) : name;
            if (bare.find('.') != std::string::npos && (bare.size() <= zone_.size() || bare.compare(bare.size() - zone_.size() - 1, std::string::npos, "." + zone_) != 0)) {
                host().debug("hosts: " + hostsFile_ + ": " + name + " is outside " + zone_ + "; skipped");
                continue;
            }
            std::string why, canonical;
            auto fqdn = hostFqdn(bare, zone_, why);
            if (!fqdn) {
                host().warn("hosts: " + hostsFile_ + ": " + name + " skipped: " + why);
                continue;
            }
            for (const auto& a : addresses)
                if (!addressType(a, canonical).empty()) wanted[*fqdn].push_back(canonical);
                else host().warn("hosts: " + hostsFile_ + ": " + a + " is not an address; skipped");
        }
        try {
            std::lock_guard<std::mutex> lock(mutex_);
            std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> ptrs; // fqdn -> removed, added
            bool skippedOwned = false;
            uint64_t version = edit(zone_, [&](ZoneLines& z) {
                bool changed = false;
                auto before = z.hosts();
                for (const auto& [fqdn, was] : fileHosts_)
                    if (!wanted.count(fqdn) && !z.owner(fqdn)) {
                        auto removed = z.removeAddresses(fqdn);
                        changed |= !removed.empty();
                        ptrs[fqdn].first = removed;
                    }
                for (const auto& [fqdn, ips] : wanted) {
                    if (auto owner = z.owner(fqdn)) { // another source's name: left alone, offered again once free
                        host().warn("hosts: " + hostsFile_ + ": " + fqdn + " is managed by " + *owner + "; skipped");
                        skippedOwned = true;
                        continue;
                    }
                    std::vector<std::string> v4, v6;
                    for (const auto& ip : ips) (ip.find(':') == std::string::npos ? v4 : v6).push_back(ip);
                    changed |= z.setAddresses(fqdn, "A", v4, ttl_);
                    changed |= z.setAddresses(fqdn, "AAAA", v6, ttl_);
                    auto had = before.count(fqdn) ? before[fqdn].ips : std::vector<std::string>{};
                    for (const auto& ip : had)
                        if (std::find(ips.begin(), ips.end(), ip) == ips.end()) ptrs[fqdn].first.push_back(ip);
                    for (const auto& ip : ips)
                        if (std::find(had.begin(), had.end(), ip) == had.end()) ptrs[fqdn].second.push_back(ip);
                }
                return changed;
            });
            for (const auto& [fqdn, ips] : wanted) versions_[fqdn] = version;
            for (const auto& [fqdn, change] : ptrs) followPtrs(fqdn, change.first, change.second);
            fileHosts_ = wanted;
            fileSkippedOwned_ = skippedOwned;
            host().info("hosts: " + hostsFile_ + " read: " + std::to_string(wanted.size()) + " host(s) in " + zone_);
            return true;
        } catch (const std::exception& e) {
            host().error("hosts: " + hostsFile_ + " could not be applied (tried again at the next poll): " + e.what());
            return false;
        }
    }

    // The Docker source the docker_* settings describe (docker_ is set from them too).
    std::unique_ptr<DockerSource> dockerSourceFrom(const Settings& c) {
        docker_.labels = c.list("docker_labels");
        if (docker_.labels.empty()) docker_.labels = {"dadns.hostname", "joyride.host.name"};
        docker_.zone = c.text("docker_zone").empty() ? zone_ : zoneName(c.text("docker_zone"));
        docker_.network = c.text("docker_network");
        if (!c.text("docker_host_address").empty()) addressType(c.text("docker_host_address"), docker_.hostAddress); // canonical
        DockerSource::Options o;
        o.endpoint = c.text("docker_host");
        o.labels = docker_.labels;
        o.retryMax = c.duration("docker_retry_max");
        o.resyncInterval = c.duration("docker_resync_interval");
        DockerSource::Callbacks callbacks;
        callbacks.apply = [this](const std::vector<Container>& running) { dockerChanged(running); };
        callbacks.event = [this](const std::string& action) {
            host().counterAdd("dadns_docker_events_total", "Docker Engine events seen by the hosts plugin, by action", {{"action", actionLabel(action)}});
        };
        callbacks.report = [this, endpoint = o.endpoint](bool bad, const std::string& what) {
            if (bad) host().warn("hosts: docker " + endpoint + ": " + what);
            else host().info("hosts: docker " + endpoint + ": " + what);
        };
        return std::make_unique<DockerSource>(o, callbacks);
    }

    // The Docker source's containers as records of its zone (DockerZone.hpp says who owns a
    // name). Throws when the zone could not be changed: the source tries again.
    void dockerChanged(const std::vector<Container>& running) {
        DockerHostsWanted wanted = dockerHosts(running, docker_);
        std::string owner = dockerOwner(host().nodeId());
        DockerZoneChange change;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            // Forced: the engine's listing is what runs; containers going away are not a
            // mistaken mass delete (zones.safety) to hold.
            uint64_t version = edit(docker_.zone, [&](ZoneLines& z) {
                change = applyDockerHosts(z, wanted, owner, ttl_);
                return change.changed;
            }, true);
            for (const auto& [fqdn, ips] : change.addresses) versions_[fqdn] = version;
            // With one address for every container (the Docker host's) its PTR stays the host's.
            if (docker_.hostAddress.empty())
                for (const auto& [fqdn, ips] : change.addresses) followPtrs(fqdn, ips.first, ips.second);
        }
        const char* help = "Names the Docker source added, updated or removed in its zone";
        if (change.added) host().counterAdd("dadns_docker_records_changed_total", help, {{"change", "added"}}, static_cast<double>(change.added));
        if (change.updated) host().counterAdd("dadns_docker_records_changed_total", help, {{"change", "updated"}}, static_cast<double>(change.updated));
        if (change.removed) host().counterAdd("dadns_docker_records_changed_total", help, {{"change", "removed"}}, static_cast<double>(change.removed));
        std::lock_guard<std::mutex> lock(dockerMutex_);
        for (const auto& c : change.conflicts)
            if (std::find(dockerConflicts_.begin(), dockerConflicts_.end(), c) == dockerConflicts_.end()) host().warn("hosts: docker: " + c);
        dockerConflicts_ = change.conflicts;
        dockerSkipped_ = wanted.skipped;
        dockerNames_ = wanted.hosts.size();
    }

    void describeDocker(JsonWriter& out) const {
        DockerSourceStatus st = dockerSource_->status();
        std::lock_guard<std::mutex> lock(dockerMutex_);
        out.beginObject().field("endpoint", st.endpoint).field("zone", docker_.zone).field("reachable", st.reachable)
            .field("containers", static_cast<uint64_t>(st.containers)).field("names", static_cast<uint64_t>(dockerNames_))
            .field("resyncs", st.resyncs).field("last_event", st.lastEvent).key("last_event_at");
        if (st.lastEventMs) out.value(isoTimeUtc(st.lastEventMs));
        else out.null();
        out.field("error", st.error).field("apply_error", st.applyError).key("conflicts").beginArray();
        for (const auto& c : dockerConflicts_) out.value(c);
        out.endArray().key("skipped").beginArray();
        for (const auto& s : dockerSkipped_) out.value(s);
        out.endArray().endObject();
    }

    std::string zone_;
    uint32_t ttl_ = 300;
    std::vector<std::string> nameservers_;
    bool autoPtr_ = false;
    std::string hostsFile_;
    std::mutex mutex_; // one edit at a time
    std::map<std::string, uint64_t> versions_;                      // fqdn -> zone version of its last change
    std::map<std::string, std::vector<std::string>> fileHosts_;     // what the hosts file last contributed
    std::atomic<bool> fileSkippedOwned_{false};                     // it listed names another source holds
    std::unique_ptr<FileWatcher> watcher_;
    DockerHostsOptions docker_;
    mutable std::mutex dockerMutex_; // what the last Docker apply found
    std::vector<std::string> dockerConflicts_, dockerSkipped_;
    size_t dockerNames_ = 0;
    std::unique_ptr<DockerSource> dockerSource_; // last: stopped (joined) before the above go
};

} // namespace
} // namespace dadns::hosts

DADNS_INGESTION_PLUGIN(dadns::hosts::HostsPlugin, "hosts", "1.0.0")
