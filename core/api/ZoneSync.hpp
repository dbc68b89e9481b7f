// Where each backend stands with a zone's current version, by the store's rule (syncStateOf):
// one answer for the zones list and a zone's page.
#pragma once

#include "core/dispatch/Dispatcher.hpp"
#include "core/store/ZoneStore.hpp"

#include <string>
#include <vector>

namespace dadns {

struct BackendSync {
    std::string backend;
    const char* state = "pending"; // "applied", "pending", "retrying" or "dead"
    BackendZoneState stored;       // as the store has it; empty when the backend never had the zone
    // The failure of the current version (retrying or dead), or "": the store keeps an older
    // version's error until the backend's next outcome.
    const std::string& error() const;
};

// The backends with a lane in this daemon, in the dispatcher's order (down ones included).
std::vector<std::string> laneBackends(const Dispatcher& dispatcher);

// Every backend of lanes, then any other the store has progress of (a shared store's other
// instances; lanes of an ingest-only daemon are elsewhere).
std::vector<BackendSync> zoneSync(ZoneStore& store, const ZoneState& zone, const std::vector<std::string>& lanes);

} // namespace dadns
