// The events the daemon publishes (docs/api.md, "Events"): a change stored ("zone") and a
// backend's outcome for a zone ("outcome"), each one JSON line.
#pragma once

#include "core/dispatch/LaneStatus.hpp"
#include "core/events/EventLog.hpp"
#include "core/intake/ChangeIntake.hpp"

namespace dadns {

// {"zone","version","deleted","source"}. Never throws: it runs where changes are stored and
// outcomes recorded, which must go on whatever happens to an event (out of memory: logged, lost).
void publishZoneChange(EventLog& log, const ZoneChange& change) noexcept;
// {"backend","zone","version","state","error"}; result.state must be set. Never throws.
void publishZoneResult(EventLog& log, const ZoneResult& result) noexcept;

} // namespace dadns
