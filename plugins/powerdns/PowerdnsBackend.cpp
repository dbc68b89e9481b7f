// The powerdns backend: makes PowerDNS Authoritative servers hold each zone through their HTTP
// API. Every configured server is its own target (Backend::targets), so the daemon gives each
// one its own lane: a server that is down or refusing never holds back or loses updates for
// the others, and catches up by itself when it returns.
//
// A change costs one write per server: the rrsets PowerDNS holds are remembered as
// fingerprints (refreshed by every read, including the count after each apply), so the PATCH
// carrying every changed or removed rrset is sent without reading first. A zone not remembered
// is created with one POST carrying all its rrsets, whose answer (the zone as stored) is also
// the count check, and its names are flushed from the server's cache; when the zone exists
// (409), it is read and patched.
//
// What the API holds is what PowerDNS serves: it answers from its database, and the API
// purges the server's packet and query caches for the zone on every change (a created zone's
// names are flushed by the plugin, see flushCache). servedRecords
// reads the zone's rrsets back (disabled records are not served, so not reported). Zones are
// created with the SOA-EDIT-API of soa_edit_api, "" by default, so PowerDNS keeps the serials
// dadns sends; with another one PowerDNS writes serials of its own, and the SOA is reported
// with the serial dadns sent while the rest of it is the same (serials are then not
// compared, as in the fingerprints).
#include "PdnsClient.hpp"
#include "PdnsRrsets.hpp"
#include "PdnsSettings.hpp"

#include <dadns/sdk.hpp>

#include <Poco/URI.h>

#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace dadns::powerdns {
namespace {

using namespace dadns::sdk;

// What PowerDNS holds, per zone: the rrsets' fingerprint and, right after a create, the rrsets
// of the 201 answer (PowerDNS reads the new zone back from its database to write it), which
// the verification after the apply (servedRecords, or count) uses instead of another read.
// Bounded by cached_zones.
class ZoneMemory {
public:
    explicit ZoneMemory(size_t capacity) : capacity_(capacity) {}

    std::optional<Fingerprint> fingerprint(const std::string& zone) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = zones_.find(zone);
        if (it == zones_.end()) return std::nullopt;
        return it->second.print;
    }
    // The rrsets a create answered with, once.
    std::optional<ZoneRrsets> takeAnswered(const std::string& zone) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = zones_.find(zone);
        if (it == zones_.end() || !it->second.answered) return std::nullopt;
        return std::exchange(it->second.answered, std::nullopt);
    }
    void remember(const std::string& zone, Fingerprint print, std::optional<ZoneRrsets> answered = std::nullopt) {
        if (capacity_ == 0) return;
        std::lock_guard<std::mutex> lock(mutex_);
        if (zones_.size() >= capacity_ && !zones_.count(zone)) zones_.erase(zones_.begin()); // any: a miss costs one read
        zones_[zone] = {std::move(print), std::move(answered)};
    }
    void forget(const std::string& zone) {
        std::lock_guard<std::mutex> lock(mutex_);
        zones_.erase(zone);
    }

private:
    struct Known {
        Fingerprint print;
        std::optional<ZoneRrsets> answered;
    };
    size_t capacity_;
    std::mutex mutex_;
    std::unordered_map<std::string, Known> zones_;
};

std::string zonePath(const std::string& zone) {
    std::string encoded;
    Poco::URI::encode(zone + ".", "/?#%", encoded);
    return "/zones/" + encoded;
}

class PowerdnsBackend final : public Backend {
public:
    static SettingsSpec settings() { return pdnsSettingsSpec(); }
    static std::vector<Target> targets(const std::string& instance, const std::string& configJson) { return serverTargets(instance, configJson); }

    explicit PowerdnsBackend(const InstanceContext& ctx)
        : Backend(ctx), settings_(readSettings(ctx.name, ctx.configJson)), memory_(settings_.cachedZones),
          client_(settings_, [this](const std::string& method, const std::string& outcome) {
              host().counterAdd("dadns_powerdns_api_calls_total", "Calls to the PowerDNS API, by target, method and HTTP status",
                                {{"instance", instanceName()}, {"method", method}, {"status", outcome}});
          }) {
        host().info("powerdns: " + client_.describe() + ", server_id " + settings_.server.serverId + ", parallel " +
                    std::to_string(settings_.parallel));
    }

    ApplyResult apply(const Zone& zone) override {
        ZoneRrsets desired = desiredRrsets(zone, settings_.nameservers);
        ApplyResult result;
        result.expectedCount = desired.recordCount();
        rememberPushedSoa(zone.fqdn(), desired);
        Fingerprint want = fingerprint(desired, soaEdited());
        // Not remembered: most likely a new zone, so create it; if it exists, read and patch.
        std::optional<Fingerprint> have = memory_.fingerprint(zone.name);
        if (!have) {
            have = create(zone.name, desired);
            if (!have) return result;
        }
        patch(zone.name, desired, want, *have);
        memory_.remember(zone.name, std::move(want));
        return result;
    }

    void remove(const std::string& zone) override {
        memory_.forget(zone);
        forgetPushedSoa(zone);
        PdnsResponse r = client_.call("DELETE", zonePath(zone));
        if (!r.ok() && r.status != 404) client_.fail(r, "deleting zone " + zone);
    }

    int64_t count(const std::string& zone) override {
        if (auto answered = memory_.takeAnswered(zone)) return answered->recordCount();
        PdnsResponse r = client_.call("GET", zonePath(zone));
        if (r.status == 404) {
            memory_.forget(zone);
            return 0;
        }
        if (!r.ok()) client_.fail(r, "reading zone " + zone);
        ZoneRrsets held = parseZone(r.body);
        memory_.remember(zone, fingerprint(held, soaEdited()));
        return held.recordCount();
    }

    // The zone's rrsets as PowerDNS's API holds them (right after a create, as its answer gave
    // them); nullopt when the server has no such zone. It may run concurrently with an apply of
    // the same zone (a plan, a diff, a drift scan), so what it reads is never remembered (it may
    // be older than that apply); a difference from what is remembered only forgets the zone, so
    // the next apply reads the server (the repair after a drift scan found the difference).
    std::optional<std::vector<Record>> servedRecords(const std::string& zone) {
        std::optional<ZoneRrsets> answered = memory_.takeAnswered(zone);
        ZoneRrsets held;
        if (answered) {
            held = std::move(*answered);
        } else {
            PdnsResponse r = client_.call("GET", zonePath(zone));
            if (r.status == 404 || r.status == 422) {
                memory_.forget(zone);
                return std::nullopt;
            }
            if (!r.ok()) client_.fail(r, "reading zone " + zone);
            held = parseZone(r.body);
            if (memory_.fingerprint(zone) != fingerprint(held, soaEdited())) memory_.forget(zone);
        }
        if (soaEdited())
            if (std::optional<std::string> pushed = pushedSoa(zone)) keepPushedSerial(held, *pushed);
        return toRecords(held);
    }

    std::vector<std::string> listZones() override {
        PdnsResponse r = client_.call("GET", "/zones");
        if (!r.ok()) client_.fail(r, "listing zones");
        std::vector<std::string> out;
        Json zones = Json::parse(r.body);
        for (const auto& z : zones.items()) {
            std::string name = z.getString("name");
            if (!name.empty() && name.back() == '.') name.pop_back();
            if (!name.empty()) out.push_back(name);
        }
        return out;
    }

    void reconcile(const Zone& zone) override {
        memory_.forget(zone.name); // compare with what the server really holds
        apply(zone);
    }

    void health() override {
        PdnsResponse r = client_.call("GET", "");
        if (!r.ok()) client_.fail(r, "checking the server");
    }

    uint32_t parallelism() const override { return settings_.parallel; }

private:
    bool soaEdited() const { return !settings_.soaEditApi.empty(); }

    // With soa_edit_api, the SOA content last sent per zone (only then; not bounded by
    // cached_zones: without it the serial PowerDNS wrote would count as a difference).
    void rememberPushedSoa(const std::string& zoneFqdn, const ZoneRrsets& desired) {
        if (!soaEdited()) return;
        auto soa = desired.sets.find(zoneFqdn + " SOA");
        std::lock_guard<std::mutex> lock(pushedMutex_);
        if (soa == desired.sets.end() || soa->second.contents.size() != 1) pushedSoa_.erase(zoneFqdn);
        else pushedSoa_[zoneFqdn] = soa->second.contents[0];
    }
    std::optional<std::string> pushedSoa(const std::string& zone) {
        std::lock_guard<std::mutex> lock(pushedMutex_);
        auto it = pushedSoa_.find(zone + ".");
        if (it == pushedSoa_.end()) return std::nullopt;
        return it->second;
    }
    void forgetPushedSoa(const std::string& zone) {
        if (!soaEdited()) return;
        std::lock_guard<std::mutex> lock(pushedMutex_);
        pushedSoa_.erase(zone + ".");
    }

    // What PowerDNS holds for the zone, or nullopt when it does not have it.
    std::optional<Fingerprint> read(const std::string& zone) {
        PdnsResponse r = client_.call("GET", zonePath(zone));
        if (r.status == 404) return std::nullopt;
        if (!r.ok()) client_.fail(r, "reading zone " + zone);
        return fingerprint(parseZone(r.body), soaEdited());
    }

    // Creates the zone with every rrset and remembers what PowerDNS answered it holds: nullopt
    // when done, else (the zone exists) what the server holds for it.
    std::optional<Fingerprint> create(const std::string& zone, const ZoneRrsets& desired) {
        PdnsResponse r = client_.call("POST", "/zones", createBody(zone + ".", settings_.zoneKind, settings_.soaEditApi, desired));
        if (r.status == 409) {
            auto held = read(zone);
            if (held) return held;
        }
        if (!r.ok()) client_.fail(r, "creating zone " + zone);
        ZoneRrsets stored = parseZone(r.body);
        Fingerprint print = fingerprint(stored, soaEdited());
        memory_.remember(zone, std::move(print), std::move(stored));
        flushCache(zone);
        return std::nullopt;
    }

    // PowerDNS purges its packet and query caches for a zone on every PATCH and DELETE, not
    // when the API creates it: a question about the zone answered (REFUSED) shortly before
    // would be answered so from the packet cache for up to cache-ttl. The flush purges the
    // zone's names. The zone is created either way, so a failure is only logged.
    void flushCache(const std::string& zone) {
        std::string name;
        Poco::URI::encode(zone + ".", "/?#%&=+", name);
        try {
            PdnsResponse r = client_.call("PUT", "/cache/flush?domain=" + name);
            if (r.ok()) return;
            host().warn("powerdns: " + client_.describe() + ": flushing the cache for new zone " + zone + " failed (HTTP " +
                        std::to_string(r.status) + ": " + pdnsErrorText(r) + "); it may answer from its cache for up to cache-ttl");
        } catch (const Error& e) {
            host().warn("powerdns: flushing the cache for new zone " + zone + " failed: " + e.what() +
                        "; it may answer from its cache for up to cache-ttl");
        }
    }

    void patch(const std::string& zone, const ZoneRrsets& desired, const Fingerprint& want, const Fingerprint& have) {
        size_t changed = 0;
        std::string body = patchBody(desired, want, have, changed);
        if (body.empty()) return;
        PdnsResponse r = client_.call("PATCH", zonePath(zone), body);
        if (r.status == 404) { // removed behind our back since it was remembered: the retry creates it
            memory_.forget(zone);
            throw RetryableError(client_.describe() + ": zone " + zone + " disappeared from the server; creating it again");
        }
        if (!r.ok()) {
            memory_.forget(zone);
            client_.fail(r, "changing " + std::to_string(changed) + " rrset(s) of zone " + zone);
        }
    }

    PdnsSettings settings_;
    ZoneMemory memory_;
    PdnsClient client_;
    std::mutex pushedMutex_;
    std::unordered_map<std::string, std::string> pushedSoa_; // zone fqdn -> SOA content
};

} // namespace
} // namespace dadns::powerdns

DADNS_BACKEND_PLUGIN(dadns::powerdns::PowerdnsBackend, "powerdns", "1.0.0")
