// The writers of the soak workload. Each owns its zones, so the last acknowledged change of a
// zone is well defined; what was acknowledged goes into the ExpectedState.
#pragma once

#include "soak/LoadClient.hpp"
#include "soak/SoakStats.hpp"
#include "soak/ZoneModel.hpp"

#include <atomic>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace dadns::soak {

struct WriterContext {
    int port;
    Recorder& recorder;
    Verdict& verdict;
    ExpectedState& expected;
    const std::atomic<bool>& stop;
    int thinkMs;
};

// One zone as its writer believes it is.
struct OwnedZone {
    std::string name;
    bool present = false;
    std::vector<Rec> records;
    unsigned version = 0;
};

class Writer {
public:
    Writer(WriterContext ctx, unsigned seed);
    virtual ~Writer() = default;
    void run();

protected:
    virtual void step() = 0;
    // Sends until dadns gives an answer other than "no answer" or 503 (both change nothing);
    // `retried` tells whether an earlier try got no answer (so it may have been applied).
    Reply definite(const std::function<Reply()>& send, bool& retried);
    // A 2xx, or on a retry of a delete the 404 that says the first try did it.
    bool acknowledged(const Reply& r, bool retried, bool isDelete, const std::string& what);
    void pause();

    WriterContext ctx_;
    LoadClient client_;
    std::mt19937 rng_;
};

// Whole zones (PUT text), record-level POST/DELETE and zone DELETE over the REST API.
class RestWriter : public Writer {
public:
    RestWriter(WriterContext ctx, unsigned seed, std::vector<std::string> zones);

private:
    void step() override;
    void putZone(OwnedZone& z);
    void addRecord(OwnedZone& z);
    void removeRecord(OwnedZone& z);
    void deleteZone(OwnedZone& z);
    void publish(const OwnedZone& z);

    std::vector<OwnedZone> zones_;
    unsigned nextRecord_ = 0;
};

// DirectAdmin Multi-Server pushes: rawsave and delete.
class DirectAdminWriter : public Writer {
public:
    DirectAdminWriter(WriterContext ctx, unsigned seed, std::vector<std::string> zones);

private:
    void step() override;
    std::vector<OwnedZone> zones_;
};

// Host registrations (POST /api/v1/hosts) and removals in the hosts plugin's zone.
class HostsWriter : public Writer {
public:
    HostsWriter(WriterContext ctx, unsigned seed, std::string zone, int hosts);

private:
    void step() override;
    void publish();
    std::string zone_;
    std::vector<std::string> ips_;  // per host; "" when not registered
    unsigned next_ = 0;
};

} // namespace dadns::soak
