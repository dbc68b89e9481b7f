#include "core/api/ZoneSync.hpp"

#include "core/store/StoreRules.hpp"

#include <algorithm>

namespace dadns {

const std::string& BackendSync::error() const {
    static const std::string none;
    std::string_view s(state);
    return s == "retrying" || s == "dead" ? stored.lastError : none;
}

std::vector<std::string> laneBackends(const Dispatcher& dispatcher) {
    std::vector<std::string> names;
    for (const auto& lane : dispatcher.lanes()) names.push_back(lane.backend);
    return names;
}

std::vector<BackendSync> zoneSync(ZoneStore& store, const ZoneState& zone, const std::vector<std::string>& lanes) {
    auto states = store.backendStates(zone.name);
    std::vector<BackendSync> out;
    auto entry = [&](const std::string& backend) {
        BackendSync s;
        s.backend = backend;
        s.stored.backend = backend;
        s.stored.zone = zone.name;
        return s;
    };
    for (const auto& b : lanes) out.push_back(entry(b));
    for (const auto& st : states) {
        auto it = std::find_if(out.begin(), out.end(), [&](const BackendSync& s) { return s.backend == st.backend; });
        if (it == out.end()) it = out.insert(out.end(), entry(st.backend));
        it->stored = st;
    }
    ZoneHeadView head{true, zone.version, zone.deleted, std::nullopt};
    for (auto& s : out) {
        const BackendZoneState& st = s.stored;
        s.state = syncStateOf(head, ProgressView{st.appliedVersion, st.failedVersion, st.deadLetter, st.attempts, st.nextAttemptMs});
    }
    return out;
}

} // namespace dadns
