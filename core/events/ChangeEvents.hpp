// The events the daemon publishes (docs/api.md, "Events"): a change stored ("zone") and a
// backend's outcome for a zone ("outcome"), each one JSON line.
#pragma once

#include "core/dispatch/LaneStatus.hpp"
#include "core/events/EventLog.hpp"
#include "core/intake/ChangeIntake.hpp"

namespace dadns {

// {"zone","version","deleted","source"}
void publishZoneChange(EventLog& log, const ZoneChange& change);
// {"backend","zone","version","state","error"}; result.state must be set.
void publishZoneResult(EventLog& log, const ZoneResult& result);

} // namespace dadns
