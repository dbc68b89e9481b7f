// What the API's route handlers reach, and the registration of each route group.
#pragma once

#include "core/plugin/PluginInstances.hpp"
#include "core/config/DaemonConfig.hpp"
#include "core/dispatch/Dispatcher.hpp"
#include "core/events/EventLog.hpp"
#include "core/http/Router.hpp"
#include "core/intake/ChangeIntake.hpp"
#include "core/metrics/MetricsRegistry.hpp"
#include "core/plugin/PluginLoader.hpp"
#include "core/store/ZoneStore.hpp"

#include <Poco/JSON/Object.h>

#include <chrono>

namespace dadns {

struct ApiContext {
    const DaemonConfig& config;
    ZoneStore& store;
    ChangeIntake& intake;
    Dispatcher& dispatcher;
    const PluginLoader& loader;
    const PluginInstances& instances;
    MetricsRegistry& metrics;
    std::chrono::steady_clock::time_point startedAt;
    std::shared_ptr<const EventLog> events;
};

// GET /health, /api/v1/status, /api/v1/plugins, /metrics
void addStatusRoutes(Router& router, ApiContext& ctx);
// /api/v1/zones...
void addZoneRoutes(Router& router, ApiContext& ctx);
// GET /api/v1/zones (the paged list), .../versions/{version}, POST .../redrive
void addZoneListingRoutes(Router& router, ApiContext& ctx);
// A zone version as the API shows it (without its text).
Poco::JSON::Object::Ptr zoneStateJson(const ZoneState& z);
// /api/v1/backends..., /api/v1/queue
void addBackendRoutes(Router& router, ApiContext& ctx);
// GET /api/v1/events
void addEventRoutes(Router& router, ApiContext& ctx);
// GET / and /console/...: the web console's files
void addConsoleRoutes(Router& router);

} // namespace dadns
