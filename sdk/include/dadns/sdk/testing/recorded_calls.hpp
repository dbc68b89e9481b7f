// What a FakeHost records of the calls plugins make: one plain struct per kind of call.
#pragma once

#include <dadns/abi.h>
#include <dadns/sdk/host.hpp>
#include <dadns/sdk/types.hpp>

#include <string>
#include <utility>
#include <vector>

namespace dadns::sdk::testing {

// One submit_change call, refused ones included (code says which).
struct Submission {
    dadns_change_kind kind = DADNS_CHANGE_ZONE_TEXT;
    std::string zone;               // as the plugin gave it
    std::string zoneText;           // DADNS_CHANGE_ZONE_TEXT
    std::vector<Record> records;    // DADNS_CHANGE_RECORDS
    Origin origin;                  // source, host, user and stamp as given
    std::string instance;           // the instance that called
    dadns_status_code code = DADNS_OK;
    std::string message;            // why it was refused
    bool stored = false;            // false when refused or ignored (an older stamp)
    uint64_t version = 0;           // version given to the zone when stored
};

enum class MetricKind { Counter, Gauge, Histogram };

// One counter_add, gauge_set or histogram_observe call.
struct MetricSample {
    MetricKind kind = MetricKind::Counter;
    std::string name, help;
    // As the daemon keeps them: an "instance" label is added when the plugin set none.
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;
};

struct LogLine {
    dadns_log_level level = DADNS_LOG_INFO;
    std::string message;
    std::string instance;
};

// A route a plugin registered (the handler itself stays with the FakeHost).
struct RouteInfo {
    std::string method;             // upper case; "*" = any
    std::string prefix;
    dadns_route_auth auth = DADNS_ROUTE_AUTH_HOST;
    std::string instance;
};

// Which host call an injected failure hits (FakeHost::failNext).
enum class HostCall { SubmitChange, ReadZone, ListZones, ZoneBackends, RegisterRoute };

} // namespace dadns::sdk::testing
