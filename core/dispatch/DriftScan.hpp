// A drift scan: the zones a backend holds against the store. A zone the store wants there but
// the backend lacks (or a deleted one it still holds) goes back to the lane, unless it is a
// dead letter at that version: those are counted, not retried. On a backend verified by
// content, every zone it holds at the applied version is read back and compared too, so a
// record changed behind the daemon's back, the count unchanged, goes back to the lane as well. A zone the store never had is
// reported, and removed when dispatch.remove_unknown_zones is on, but never more than
// dispatch.max_delete_fraction of the backend's zones in one scan unless forced.
#pragma once

#include "core/dispatch/LaneStatus.hpp"
#include "core/metrics/MetricsRegistry.hpp"
#include "core/plugin/BackendInstance.hpp"
#include "core/store/ZoneStore.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace dadns {

struct DriftPolicy {
    bool removeUnknownZones = false;
    double maxDeleteFraction = 0.1;
    // Reading back what every zone serves takes a while on a big backend (about 1 ms a zone),
    // and the scan runs on the lane's house-keeping thread, which also renews work claims: one
    // scan compares content for at most this long, from the zone after contentAfter on, and the
    // next scan goes on from where it stopped (DriftReport::contentResumeAfter).
    std::chrono::milliseconds contentBudget{10000};
    std::string contentAfter;
};

// Offers a zone back to the lane; false when the lane keeps it out (a dead letter).
using DriftRequeue = std::function<bool(const std::string& zone, uint64_t version, bool deleted)>;

// Throws when the store cannot be read (the lane's house keeping reports it); a backend that
// cannot list its zones is reported in the result's error.
DriftReport scanDrift(BackendInstance& backend, ZoneStore& store, MetricsRegistry& metrics, const DriftPolicy& policy, bool force,
                      const DriftRequeue& requeue);

} // namespace dadns
