#include "soak/Workload.hpp"

#include "soak/LoadClient.hpp"
#include "soak/SoakCluster.hpp"
#include "soak/Writers.hpp"

#include <random>

namespace dadns::soak {

Workload::Workload(const SoakOptions& options, int port, Recorder& recorder, Verdict& verdict, ExpectedState& expected)
    : options_(options), port_(port), recorder_(recorder), verdict_(verdict), expected_(expected) {
    for (int w = 0; w < options_.writers; ++w)
        for (int z = 0; z < options_.zonesPerWriter; ++z) restZones_.push_back("w" + std::to_string(w) + "-z" + std::to_string(z) + ".soak.example");
    for (int z = 0; z < options_.daZones; ++z) daZones_.push_back("da" + std::to_string(z) + ".soak.example");
    zones_ = restZones_;
    zones_.insert(zones_.end(), daZones_.begin(), daZones_.end());
    zones_.push_back(SoakCluster::kHostsZone);
}

Workload::~Workload() { stop(); }

void Workload::start() {
    WriterContext ctx{port_, recorder_, verdict_, expected_, stop_, options_.thinkMs};
    unsigned seed = options_.seed;
    for (int i = 0; i < options_.readers; ++i) threads_.emplace_back([this, s = seed++] { reader(s); });
    auto per = static_cast<size_t>(options_.zonesPerWriter);
    for (int w = 0; w < options_.writers; ++w) {
        std::vector<std::string> mine(restZones_.begin() + static_cast<long>(w * per), restZones_.begin() + static_cast<long>((w + 1) * per));
        threads_.emplace_back([ctx, s = seed++, mine] { RestWriter(ctx, s, mine).run(); });
    }
    if (!daZones_.empty()) threads_.emplace_back([ctx, s = seed++, z = daZones_] { DirectAdminWriter(ctx, s, z).run(); });
    if (options_.hosts > 0)
        threads_.emplace_back([ctx, s = seed++, n = options_.hosts] { HostsWriter(ctx, s, SoakCluster::kHostsZone, n).run(); });
}

void Workload::stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
}

void Workload::reader(unsigned seed) {
    LoadClient client(port_, recorder_);
    std::mt19937 rng(seed);
    while (!stop_) {
        const std::string& zone = zones_[std::uniform_int_distribution<size_t>(0, zones_.size() - 1)(rng)];
        switch (std::uniform_int_distribution<int>(0, 7)(rng)) {
        case 0: client.call("GET", "/api/v1/zones/" + zone, "GET /api/v1/zones/{zone}", false); break;
        case 1: client.call("GET", "/api/v1/zones?limit=50", "GET /api/v1/zones?limit=50", false); break;
        case 2: client.call("GET", "/api/v1/status", "GET /api/v1/status", false); break;
        case 3: client.call("GET", "/metrics", "GET /metrics", false); break;
        case 4: client.call("GET", "/api/v1/backends", "GET /api/v1/backends", false); break;
        case 5: client.call("GET", "/api/v1/queue", "GET /api/v1/queue", false); break;
        case 6: client.directAdmin("GET", "/CMD_API_DNS_ADMIN?action=exists&domain=" + zone, "DA exists", false); break;
        default: client.call("GET", "/api/v1/hosts", "GET /api/v1/hosts", false); break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(options_.thinkMs));
    }
}

} // namespace dadns::soak
