// The test backend verified by content (ABI 1.3 served_records): it serves what its zone file
// holds, so a test edits the file to change what is served behind the daemon's back.
// serve_lag_ms: after an apply, the zone's previous content is served for that long (a server
// that loads what it was told in the background).
#include "TestBackend.hpp"

#include <fstream>
#include <iterator>
#include <sstream>
#include <optional>

namespace dadns::test_plugins {

class ServedTestBackend final : public TestBackend {
public:
    static SettingsSpec settings() {
        SettingsSpec s = TestBackend::settings();
        s.integer("serve_lag_ms", "after an apply, the previous content is served for this long").range(0, 600000);
        return s;
    }

    explicit ServedTestBackend(const InstanceContext& ctx) : TestBackend(ctx, settings()) {
        lagMs_ = settings().read(ctx).integer("serve_lag_ms");
    }

    ApplyResult apply(const Zone& zone) override {
        std::optional<std::string> before = read(zone.name);
        ApplyResult r = TestBackend::apply(zone);
        if (lagMs_ > 0) {
            std::lock_guard<std::mutex> lock(lagMutex_);
            lagging_[zone.name] = {before, std::chrono::steady_clock::now() + std::chrono::milliseconds(lagMs_)};
        }
        return r;
    }

    std::optional<std::vector<Record>> servedRecords(const std::string& zone) {
        std::optional<std::string> text;
        bool lagging = false;
        {
            std::lock_guard<std::mutex> lock(lagMutex_);
            auto it = lagging_.find(zone);
            if (it != lagging_.end() && std::chrono::steady_clock::now() < it->second.until) {
                text = it->second.text;
                lagging = true;
            }
        }
        if (!lagging) text = read(zone);
        if (!text) return std::nullopt;
        std::vector<Record> out;
        std::istringstream lines(*text);
        for (std::string line; std::getline(lines, line);)
            if (!line.empty()) out.push_back(parseLine(line));
        return out;
    }

private:
    struct Lag {
        std::optional<std::string> text;
        std::chrono::steady_clock::time_point until;
    };

    std::optional<std::string> read(const std::string& zone) const {
        std::ifstream in(file(zone));
        if (!in) return std::nullopt;
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    // "owner ttl IN type field field...", as TestBackend writes it.
    static Record parseLine(const std::string& line) {
        std::vector<std::string> fields = presentationFields(line);
        if (fields.size() < 4) throw RetryableError("served_test_backend: unreadable line '" + line + "'");
        Record r;
        r.owner = fields[0];
        r.ttl = static_cast<uint32_t>(std::stoul(fields[1]));
        r.type = fields[3];
        r.rdata.assign(fields.begin() + 4, fields.end());
        return r;
    }

    int64_t lagMs_ = 0;
    std::mutex lagMutex_;
    std::map<std::string, Lag> lagging_;
};

} // namespace dadns::test_plugins

DADNS_BACKEND_PLUGIN(dadns::test_plugins::ServedTestBackend, "served_test_backend", "1.0.0")
