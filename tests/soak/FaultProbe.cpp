// One injected fault and the probe that times the convergence after it.
#include "soak/Faults.hpp"

#include "support/Dig.hpp"

#include <iostream>

namespace dadns::soak {
namespace {

std::string probeIp(unsigned marker) { return "172.16." + std::to_string(marker / 250 % 250) + "." + std::to_string(marker % 250 + 1); }

std::vector<Rec> probeZone(unsigned marker) {
    std::string z = std::string(FaultInjector::kProbeZone) + ".";
    return {{"@", 300, "SOA", "ns1." + z + " hostmaster." + z + " " + std::to_string(marker) + " 3600 600 86400 300"},
            {"@", 300, "NS", "ns1." + z},
            {"ns1", 300, "A", "192.0.2.53"},  // named refuses a zone whose in-zone NS has no address
            {"www", 60, "A", probeIp(marker)}};
}

// Whether all three backends' servers hold the probe's www address.
bool probeServed(SoakCluster& cluster, const std::string& ip) {
    std::string www = std::string("www.") + FaultInjector::kProbeZone;
    if (test::digShort(cluster.named().port(), www, "A") != std::vector<std::string>{ip}) return false;
    if (test::digShort(cluster.pdns().dnsPort(), www, "A") != std::vector<std::string>{ip}) return false;
    try {
        auto rows = cluster.mariadb().query("SELECT content FROM coredns_records WHERE zone = '" + std::string(FaultInjector::kProbeZone) +
                                                ".' AND name = 'www'",
                                            SoakCluster::kDatabase);
        return rows.size() == 1 && rows[0].at(0).find("\"" + ip + "\"") != std::string::npos;
    } catch (const std::exception&) {
        return false;  // the table may not exist yet
    }
}

} // namespace

FaultResult FaultInjector::inject(int index) {
    // dadns itself first: in a short run every fault should come round once.
    static const char* names[] = {"dadns kill -9", "pdns_server kill -9", "mariadb restart", "named restart"};
    FaultResult r;
    r.name = names[index % 4];
    r.startSec = recorder_.now();
    auto down = std::chrono::duration_cast<std::chrono::milliseconds>(options_.downtime);
    std::cout << "[t=" << static_cast<int>(r.startSec) << "s] fault: " << r.name << std::endl;
    switch (index % 4) {
    case 0: {
        std::string before = cluster_.killDaemon();
        if (!before.empty()) verdict_.fail(before);
        break;
    }
    case 1: cluster_.killPdns(down); break;
    case 2: cluster_.restartMariaDb(down); break;
    default: cluster_.restartNamed(down); break;
    }
    r.recoveredSec = recorder_.now();
    double converged = probeConvergence(++probeVersion_);
    if (converged >= 0) r.convergedSec = converged - r.recoveredSec;
    else verdict_.fail("after \"" + r.name + "\" the probe change did not reach every backend within " + std::to_string(static_cast<int>(options_.probeTimeout.count())) + " s");
    recorder_.addWindow({r.name, r.startSec, converged >= 0 ? converged : recorder_.now(), index % 4 == 0});
    std::cout << "[t=" << static_cast<int>(recorder_.now()) << "s] " << r.name << ": recovered after " << r.recoveredSec - r.startSec
              << " s, converged " << r.convergedSec << " s later" << std::endl;
    return r;
}

// PUTs the probe zone (until acknowledged) and returns the time every backend serves it, or -1.
double FaultInjector::probeConvergence(unsigned marker) {
    auto records = probeZone(marker);
    std::string text = zoneText(kProbeZone, records);
    double deadline = recorder_.now() + options_.probeTimeout.count();
    bool stored = false;
    while (!stored && recorder_.now() < deadline) {
        try {
            test::HttpRequest req;
            req.method = "PUT";
            req.path = std::string("/api/v1/zones/") + kProbeZone;
            req.body = text;
            req.contentType = "text/plain";
            req.basicAuth = std::make_pair(std::string(test::Daemon::user), std::string(test::Daemon::password));
            int status = test::httpCall("127.0.0.1", cluster_.port(), req).status;
            stored = status >= 200 && status < 300;
        } catch (const std::exception&) {
        }
        if (!stored) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (!stored) return -1;
    expected_.set(kProbeZone, expectOf(kProbeZone, records));
    while (recorder_.now() < deadline) {
        if (probeServed(cluster_, probeIp(marker))) return recorder_.now();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return -1;
}

} // namespace dadns::soak
