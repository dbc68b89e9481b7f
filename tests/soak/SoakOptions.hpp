// Command-line options of the soak test: how long, how hard, how often a fault.
#pragma once

#include <chrono>
#include <string>

namespace dadns::soak {

using Seconds = std::chrono::duration<double>;

struct SoakOptions {
    Seconds duration{120};          // --duration: load time (120s, 30m, a bare number is seconds)
    Seconds warmup{15};             // --warmup: load before the first fault
    Seconds faultInterval{20};      // --fault-interval: from one fault to the next
    Seconds downtime{3};            // --downtime: how long a stopped server stays down
    Seconds convergeTimeout{180};   // --converge-timeout: after the load, for every backend to match
    Seconds probeTimeout{60};       // --probe-timeout: after a fault, for the probe change to arrive
    int readers = 6;                // --readers: reader threads
    int writers = 3;                // --writers: REST writer threads
    int zonesPerWriter = 8;         // --zones-per-writer
    int daZones = 6;                // --da-zones: zones of the DirectAdmin writer
    int hosts = 10;                 // --hosts: host names of the host-registration writer
    int thinkMs = 10;               // --think-ms: pause between two requests of one thread
    double rssTolerance = 0.25;     // --rss-tolerance: allowed growth of resident memory
    unsigned seed = 1;              // --seed
};

// Parses --name=value flags; throws std::invalid_argument on an unknown or malformed one.
SoakOptions parseOptions(int argc, char** argv);

// "120s", "30m", "1h", "500ms" or a bare number of seconds.
Seconds parseDuration(const std::string& text);

} // namespace dadns::soak
