#include "soak/Writers.hpp"

#include <algorithm>
#include <thread>

namespace dadns::soak {
namespace {

constexpr double kNoAnswerLimitSec = 120;  // dadns restarts in seconds; longer is a failure

std::string ipv4(const std::string& prefix, unsigned n) { return prefix + std::to_string(n % 250 + 1); }

} // namespace

Writer::Writer(WriterContext ctx, unsigned seed) : ctx_(ctx), client_(ctx.port, ctx.recorder), rng_(seed) {}

void Writer::run() {
    while (!ctx_.stop) {
        step();
        pause();
    }
}

void Writer::pause() { std::this_thread::sleep_for(std::chrono::milliseconds(ctx_.thinkMs)); }

Reply Writer::definite(const std::function<Reply()>& send, bool& retried) {
    retried = false;
    double since = ctx_.recorder.now();
    while (true) {
        Reply r = send();
        if (r.answered() && r.status != 503) return r;
        if (r.status == 503 && ctx_.stop) return r;  // refused: nothing changed, fine to give up
        if (!r.answered()) retried = true;
        if (ctx_.recorder.now() - since > kNoAnswerLimitSec) {
            ctx_.verdict.fail("a write got no answer for " + std::to_string(static_cast<int>(kNoAnswerLimitSec)) + " s");
            return r;
        }
        double wait = r.status == 503 ? std::clamp(r.retryAfterSec, 0.05, 5.0) : 0.2;
        std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    }
}

bool Writer::acknowledged(const Reply& r, bool retried, bool isDelete, const std::string& what) {
    if (r.status >= 200 && r.status < 300) return true;
    if (isDelete && retried && r.status == 404) return true;
    if (r.status >= 400 && r.status < 500)  // 5xx are counted by the recorder; a 4xx means the model diverged
        ctx_.verdict.fail("unexpected " + std::to_string(r.status) + " for " + what + ": " + r.body.substr(0, 300));
    return false;
}

RestWriter::RestWriter(WriterContext ctx, unsigned seed, std::vector<std::string> zones) : Writer(ctx, seed) {
    for (auto& z : zones) zones_.push_back({z, false, {}, 0});
}

void RestWriter::publish(const OwnedZone& z) { ctx_.expected.set(z.name, z.present ? expectOf(z.name, z.records) : ZoneExpect{}); }

void RestWriter::step() {
    auto& z = zones_[std::uniform_int_distribution<size_t>(0, zones_.size() - 1)(rng_)];
    if (!z.present) return putZone(z);
    int dice = std::uniform_int_distribution<int>(0, 99)(rng_);
    bool hasAdded = std::any_of(z.records.begin(), z.records.end(), [](const Rec& r) { return r.owner.rfind("r", 0) == 0; });
    if (dice < 45) putZone(z);
    else if (dice < 70) addRecord(z);
    else if (dice < 90 && hasAdded) removeRecord(z);
    else if (dice >= 95) deleteZone(z);
    else putZone(z);
}

void RestWriter::putZone(OwnedZone& z) {
    auto records = generatedZone(z.name, z.version + 1);
    std::string text = zoneText(z.name, records);
    bool retried = false;
    Reply r = definite([&] { return client_.call("PUT", "/api/v1/zones/" + z.name, "PUT /api/v1/zones/{zone}", true, text, "text/plain"); },
                       retried);
    ++z.version;
    if (!acknowledged(r, retried, false, "PUT " + z.name)) return;
    z.present = true;
    z.records = std::move(records);
    publish(z);
}

void RestWriter::addRecord(OwnedZone& z) {
    unsigned n = nextRecord_++;
    Rec rec{"r" + std::to_string(n), 300, "A", ipv4("192.0.2.", n)};
    std::string body = "{\"name\":\"" + rec.owner + "\",\"type\":\"A\",\"ttl\":300,\"data\":\"" + rec.rdata + "\"}";
    bool retried = false;
    Reply r = definite(
        [&] { return client_.call("POST", "/api/v1/zones/" + z.name + "/records", "POST /api/v1/zones/{zone}/records", true, body, "application/json"); },
        retried);
    if (!acknowledged(r, retried, false, "POST record to " + z.name)) return;
    z.records.push_back(rec);
    publish(z);
}

void RestWriter::removeRecord(OwnedZone& z) {
    std::vector<size_t> added;
    for (size_t i = 0; i < z.records.size(); ++i)
        if (z.records[i].owner.rfind("r", 0) == 0) added.push_back(i);
    size_t victim = added[std::uniform_int_distribution<size_t>(0, added.size() - 1)(rng_)];
    std::string path = "/api/v1/zones/" + z.name + "/records?name=" + z.records[victim].owner + "&type=A";
    bool retried = false;
    Reply r = definite([&] { return client_.call("DELETE", path, "DELETE /api/v1/zones/{zone}/records", true); }, retried);
    if (!acknowledged(r, retried, true, "DELETE record of " + z.name)) return;
    z.records.erase(z.records.begin() + static_cast<long>(victim));
    publish(z);
}

void RestWriter::deleteZone(OwnedZone& z) {
    bool retried = false;
    Reply r = definite([&] { return client_.call("DELETE", "/api/v1/zones/" + z.name, "DELETE /api/v1/zones/{zone}", true); }, retried);
    if (!acknowledged(r, retried, true, "DELETE " + z.name)) return;
    z.present = false;
    z.records.clear();
    publish(z);
}

DirectAdminWriter::DirectAdminWriter(WriterContext ctx, unsigned seed, std::vector<std::string> zones) : Writer(ctx, seed) {
    for (auto& z : zones) zones_.push_back({z, false, {}, 0});
}

void DirectAdminWriter::step() {
    auto& z = zones_[std::uniform_int_distribution<size_t>(0, zones_.size() - 1)(rng_)];
    bool remove = z.present && std::uniform_int_distribution<int>(0, 99)(rng_) < 10;
    bool retried = false;
    Reply r;
    std::vector<Rec> records = generatedZone(z.name, z.version + 1);
    if (remove) {
        std::string form = "action=delete&cluster=yes&hostname=panel.soak&select0=" + z.name;
        r = definite([&] { return client_.directAdmin("POST", "/CMD_API_DNS_ADMIN", "DA delete", true, form); }, retried);
    } else {
        std::string target = "/CMD_API_DNS_ADMIN?action=rawsave&domain=" + z.name + "&hostname=panel.soak&username=soak";
        std::string text = zoneText(z.name, records, true);
        r = definite([&] { return client_.directAdmin("POST", target, "DA rawsave", true, text); }, retried);
        ++z.version;
    }
    // DirectAdmin's answer to a delete of a zone the first try removed is an error text too.
    bool ok = acknowledged(r, retried, remove, "DirectAdmin " + std::string(remove ? "delete " : "rawsave ") + z.name) &&
              (r.body == "error=0" || (remove && retried));
    if (!ok) {
        if (r.status == 200) ctx_.verdict.fail("DirectAdmin " + z.name + " answered " + r.body.substr(0, 300));
        return;
    }
    z.present = !remove;
    z.records = remove ? std::vector<Rec>{} : records;
    ctx_.expected.set(z.name, z.present ? expectOf(z.name, z.records) : ZoneExpect{});
}

HostsWriter::HostsWriter(WriterContext ctx, unsigned seed, std::string zone, int hosts)
    : Writer(ctx, seed), zone_(std::move(zone)), ips_(static_cast<size_t>(hosts)) {
    publish();
}

void HostsWriter::publish() {
    std::vector<Rec> records;
    for (size_t i = 0; i < ips_.size(); ++i)
        if (!ips_[i].empty()) records.push_back({"h" + std::to_string(i), 300, "A", ips_[i]});
    ZoneExpect e = expectOf(zone_, records);
    e.types = {"a"};  // the plugin owns the zone's SOA and NS
    ctx_.expected.set(zone_, e);
}

void HostsWriter::step() {
    size_t i = std::uniform_int_distribution<size_t>(0, ips_.size() - 1)(rng_);
    std::string host = "h" + std::to_string(i);
    bool remove = !ips_[i].empty() && std::uniform_int_distribution<int>(0, 99)(rng_) < 20;
    std::string ip = ipv4("198.51.100.", next_++);
    bool retried = false;
    Reply r = remove ? definite([&] { return client_.call("DELETE", "/api/v1/hosts/" + host, "DELETE /api/v1/hosts/{host}", true); }, retried)
                     : definite([&] {
                           return client_.call("POST", "/api/v1/hosts", "POST /api/v1/hosts", true,
                                               "{\"hostname\":\"" + host + "\",\"ip\":\"" + ip + "\"}", "application/json");
                       },
                                retried);
    if (!acknowledged(r, retried, remove, (remove ? "DELETE host " : "POST host ") + host)) return;
    ips_[i] = remove ? "" : ip;
    publish();
}

} // namespace dadns::soak
