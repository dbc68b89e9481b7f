// What the benchmarks share: command-line options, a typical 12-record zone, concurrent
// keep-alive pushes of many zones, and a backend lane's status.
#pragma once

#include "support/TestSupport.hpp"

#include <Poco/JSON/Object.h>

#include <functional>
#include <string>
#include <vector>

namespace dadns::test {

// --name=value from the command line ("--name" alone gives "1"), else def.
std::string benchArg(int argc, char** argv, const std::string& name, const std::string& def);

// A 12-record zone (SOA, NS, A, MX, TXT, CNAME, AAAA, CAA) whose www A record is wwwIp.
std::string benchZoneText(const std::string& zone, int serial, const std::string& wwwIp);
// A distinct IPv4 address for each i.
std::string benchIp(int i);

struct PushRun {
    double seconds = 0;               // from the first push to the last acknowledgement
    int failures = 0;                 // pushes not answered with the expected status
    std::vector<double> latenciesMs;  // sorted
    double percentileMs(double p) const;
};

// PUTs zones 0..count-1 from `clients` threads, each on its own keep-alive connection.
PushRun pushZones(const Daemon& daemon, int count, int clients, const std::function<std::string(int)>& zoneName,
                  const std::function<std::string(int)>& zoneText, int expectedStatus = 201);

// The status object of a backend lane from GET /api/v1/backends (the first one when name is
// empty), or null.
Poco::JSON::Object::Ptr laneStatus(Daemon& daemon, const std::string& name = "");

// The median of values (the mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> values);

// CPU time (user + system) a process has used so far, in seconds; 0 when it is gone.
double cpuSeconds(int pid);

} // namespace dadns::test
