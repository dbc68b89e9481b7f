// The mixed soak workload: readers of every read route and the writers, each on its own thread.
#pragma once

#include "soak/SoakOptions.hpp"
#include "soak/SoakStats.hpp"
#include "soak/ZoneModel.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace dadns::soak {

class Workload {
public:
    Workload(const SoakOptions& options, int port, Recorder& recorder, Verdict& verdict, ExpectedState& expected);
    ~Workload();

    void start();
    void stop();  // writers finish the change in flight (so its outcome is known), then all join

    const std::vector<std::string>& zones() const { return zones_; }

private:
    void reader(unsigned seed);

    SoakOptions options_;
    int port_;
    Recorder& recorder_;
    Verdict& verdict_;
    ExpectedState& expected_;
    std::vector<std::string> restZones_, daZones_, zones_;
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

} // namespace dadns::soak
