// The powerdns backend: makes PowerDNS Authoritative servers hold each zone through their HTTP
// API. Every configured server is its own target (Backend::targets), so the daemon gives each
// one its own lane: a server that is down or refusing never holds back or loses updates for
// the others, and catches up by itself when it returns.
//
// A change costs one write per server: the rrsets PowerDNS holds are remembered as
// fingerprints (refreshed by every read, including the count after each apply), so the PATCH
// carrying every changed or removed rrset is sent without reading first. A zone not remembered
// is created with one POST carrying all its rrsets; when it exists (409), it is read and patched.
#include "PdnsClient.hpp"
#include "PdnsRrsets.hpp"
#include "PdnsSettings.hpp"

#include <dadns/sdk.hpp>

#include <Poco/URI.h>

#include <mutex>
#include <optional>
#include <unordered_map>

namespace dadns::powerdns {
namespace {

using namespace dadns::sdk;

// Fingerprints of what PowerDNS holds, per zone, bounded by cached_zones.
class FingerprintCache {
public:
    explicit FingerprintCache(size_t capacity) : capacity_(capacity) {}

    std::optional<Fingerprint> get(const std::string& zone) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = prints_.find(zone);
        if (it == prints_.end()) return std::nullopt;
        return it->second;
    }
    void put(const std::string& zone, Fingerprint print) {
        if (capacity_ == 0) return;
        std::lock_guard<std::mutex> lock(mutex_);
        if (prints_.size() >= capacity_ && !prints_.count(zone)) prints_.erase(prints_.begin()); // any: a miss costs one read
        prints_[zone] = std::move(print);
    }
    void erase(const std::string& zone) {
        std::lock_guard<std::mutex> lock(mutex_);
        prints_.erase(zone);
    }

private:
    size_t capacity_;
    std::mutex mutex_;
    std::unordered_map<std::string, Fingerprint> prints_;
};

std::string zonePath(const std::string& zone) {
    std::string encoded;
    Poco::URI::encode(zone + ".", "/?#%", encoded);
    return "/zones/" + encoded;
}

class PowerdnsBackend final : public Backend {
public:
    static std::vector<Target> targets(const std::string&, const std::string& configJson) { return serverTargets(configJson); }

    explicit PowerdnsBackend(const InstanceContext& ctx)
        : Backend(ctx), settings_(readSettings(ctx.configJson)), cache_(settings_.cachedZones),
          client_(settings_, [this](const std::string& method, const std::string& outcome) {
              host().counterAdd("dadns_powerdns_api_calls_total", "Calls to the PowerDNS API, by target, method and HTTP status",
                                {{"instance", instanceName()}, {"method", method}, {"status", outcome}});
          }) {
        host().info("powerdns: " + client_.describe() + ", server_id " + settings_.server.serverId + ", parallel " +
                    std::to_string(settings_.parallel));
    }

    ApplyResult apply(const Zone& zone) override {
        ZoneRrsets desired = desiredRrsets(zone, settings_.nameservers);
        Fingerprint want = fingerprint(desired, soaEdited());
        // Not remembered: most likely a new zone, so create it; if it exists, read and patch.
        std::optional<Fingerprint> have = cache_.get(zone.name);
        if (!have) have = create(zone.name, desired);
        if (have) patch(zone.name, desired, want, *have);
        cache_.put(zone.name, std::move(want));
        ApplyResult result;
        result.expectedCount = desired.recordCount();
        return result;
    }

    void remove(const std::string& zone) override {
        cache_.erase(zone);
        PdnsResponse r = client_.call("DELETE", zonePath(zone));
        if (!r.ok() && r.status != 404) client_.fail(r, "deleting zone " + zone);
    }

    int64_t count(const std::string& zone) override {
        PdnsResponse r = client_.call("GET", zonePath(zone));
        if (r.status == 404) {
            cache_.erase(zone);
            return 0;
        }
        if (!r.ok()) client_.fail(r, "reading zone " + zone);
        ZoneRrsets held = parseZone(r.body);
        cache_.put(zone, fingerprint(held, soaEdited()));
        return held.recordCount();
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
        cache_.erase(zone.name); // compare with what the server really holds
        apply(zone);
    }

    void health() override {
        PdnsResponse r = client_.call("GET", "");
        if (!r.ok()) client_.fail(r, "checking the server");
    }

    uint32_t parallelism() const override { return settings_.parallel; }

private:
    bool soaEdited() const { return !settings_.soaEditApi.empty(); }

    // What PowerDNS holds for the zone, or nullopt when it does not have it.
    std::optional<Fingerprint> read(const std::string& zone) {
        PdnsResponse r = client_.call("GET", zonePath(zone));
        if (r.status == 404) return std::nullopt;
        if (!r.ok()) client_.fail(r, "reading zone " + zone);
        return fingerprint(parseZone(r.body), soaEdited());
    }

    // Creates the zone with every rrset: nullopt when done, else (the zone exists) what the
    // server holds for it.
    std::optional<Fingerprint> create(const std::string& zone, const ZoneRrsets& desired) {
        PdnsResponse r = client_.call("POST", "/zones", createBody(zone + ".", settings_.zoneKind, settings_.soaEditApi, desired));
        if (r.status == 409) {
            auto held = read(zone);
            if (held) return held;
        }
        if (!r.ok()) client_.fail(r, "creating zone " + zone);
        return std::nullopt;
    }

    void patch(const std::string& zone, const ZoneRrsets& desired, const Fingerprint& want, const Fingerprint& have) {
        size_t changed = 0;
        std::string body = patchBody(desired, want, have, changed);
        if (body.empty()) return;
        PdnsResponse r = client_.call("PATCH", zonePath(zone), body);
        if (r.status == 404) { // removed behind our back since it was remembered: the retry creates it
            cache_.erase(zone);
            throw RetryableError(client_.describe() + ": zone " + zone + " disappeared from the server; creating it again");
        }
        if (!r.ok()) {
            cache_.erase(zone);
            client_.fail(r, "changing " + std::to_string(changed) + " rrset(s) of zone " + zone);
        }
    }

    PdnsSettings settings_;
    FingerprintCache cache_;
    PdnsClient client_;
};

} // namespace
} // namespace dadns::powerdns

DADNS_BACKEND_PLUGIN(dadns::powerdns::PowerdnsBackend, "powerdns", "1.0.0")
