// Sharing the work between dadns instances on one shared store: lanes of every instance poll
// for changes they were not told about, and claim a zone before applying it, so one zone is
// applied to one backend by one instance at a time. Only a shared store has these (PostgreSQL);
// an embedded store has one instance, and everything is its own (ZoneStore::workClaims() is
// null). Every method is thread safe and may throw as ZoneStore's do.
#pragma once

#include "core/store/ZoneStore.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dadns {

class WorkClaims {
public:
    virtual ~WorkClaims() = default;

    // The pending zones (ZoneStore::pending) whose desired state or this backend's progress
    // changed at or after sinceMs: the cheap poll between full ones.
    virtual std::vector<PendingZone> pendingSince(const std::string& backend, int64_t sinceMs) = 0;
    // Takes the right to apply zone to backend until now + lease: false while another holder's
    // lease on it is live. Taking it again extends one's own lease.
    virtual bool claim(const std::string& backend, const std::string& zone, const std::string& holder, int64_t leaseMs) = 0;
    virtual void release(const std::string& backend, const std::string& zone, const std::string& holder) = 0;
    // Extends every live claim holder has on backend to now + lease (applies that outlast a
    // lease keep their zones); returns how many. Expired claims another holder took stay theirs.
    virtual size_t renewClaims(const std::string& backend, const std::string& holder, int64_t leaseMs) = 0;
    // Drops every lease of holder (a clean shutdown); returns how many it held.
    virtual size_t releaseAll(const std::string& holder) = 0;
    // Backends any instance has recorded progress for (an instance without backends of its own
    // waits on these for ?wait).
    virtual std::vector<std::string> backendNames() = 0;
};

} // namespace dadns
