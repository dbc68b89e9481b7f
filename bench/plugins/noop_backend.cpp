// A backend that stores nothing but remembers counts in memory: measures the daemon's own
// cost (store, dispatcher, verification) without any backend I/O. reject_prefix: zones whose
// name starts with it are refused (permanent error), for benchmarks that need zones out of sync.
#include <dadns/sdk.hpp>

#include <mutex>
#include <unordered_map>

namespace {

class NoopBackend final : public dadns::sdk::Backend {
public:
    explicit NoopBackend(const dadns::sdk::InstanceContext& ctx) : Backend(ctx) {
        auto config = dadns::sdk::Json::parse(ctx.configJson.empty() ? "{}" : ctx.configJson);
        parallel_ = static_cast<uint32_t>(config.getInt("parallel", 4));
        rejectPrefix_ = config.getString("reject_prefix", "");
    }
    dadns::sdk::ApplyResult apply(const dadns::sdk::Zone& zone) override {
        if (!rejectPrefix_.empty() && zone.name.rfind(rejectPrefix_, 0) == 0) throw dadns::sdk::PermanentError("noop: rejects " + zone.name);
        std::lock_guard<std::mutex> lock(mutex_);
        counts_[zone.name] = static_cast<int64_t>(zone.records.size());
        return {};
    }
    void remove(const std::string& zone) override {
        std::lock_guard<std::mutex> lock(mutex_);
        counts_.erase(zone);
    }
    int64_t count(const std::string& zone) override {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = counts_.find(zone);
        return it == counts_.end() ? 0 : it->second;
    }
    std::vector<std::string> listZones() override {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<std::string> out;
        for (const auto& [zone, n] : counts_) out.push_back(zone);
        return out;
    }
    uint32_t parallelism() const override { return parallel_; }

private:
    std::mutex mutex_;
    std::unordered_map<std::string, int64_t> counts_;
    uint32_t parallel_ = 4;
    std::string rejectPrefix_;
};

} // namespace

DADNS_BACKEND_PLUGIN(NoopBackend, "noop", "1.0.0")
