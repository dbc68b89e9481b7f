// Dispatcher tuning, from the dispatch.* configuration keys.
#pragma once

#include <chrono>
#include <string>

namespace dadns {

struct DispatchOptions {
    std::chrono::milliseconds retryBackoff{1000};
    std::chrono::milliseconds retryBackoffMax{300000};
    int maxAttempts = 8;
    int breakerFailures = 5;
    std::chrono::milliseconds driftInterval{300000}; // 0: no periodic scan
    // How long a verification that does not match reads again while the server settles (a
    // named loading a reloaded file) before the difference counts (core/dispatch/ServedCheck.hpp).
    std::chrono::milliseconds verifySettle{5000};
    bool removeUnknownZones = false;
    double maxDeleteFraction = 0.1;
    // With a shared store: how often lanes look for changes other instances stored, how long a
    // claim on a zone lasts (a crashed instance's claims expire after it), and who claims.
    std::chrono::milliseconds pollInterval{1000};
    std::chrono::milliseconds lease{30000};
    std::string holder = "local";
};

} // namespace dadns
