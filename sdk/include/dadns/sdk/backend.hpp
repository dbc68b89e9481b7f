// Base class of backend plugins.
#pragma once

#include <dadns/sdk/host.hpp>
#include <dadns/sdk/types.hpp>

#include <string>
#include <vector>

namespace dadns::sdk {

struct ApplyResult {
    // Records the backend stores for the zone; -1 means all of zone.records. A backend that
    // skips types it cannot serve reports fewer and says so in warning.
    int64_t expectedCount = -1;
    std::string warning;
};

// One target of an instance that stands for several (ABI 1.1): the name becomes
// "<instance>.<name>" and configJson is what the target's instance is created with.
struct Target {
    std::string name;
    std::string configJson;
};

// Contract (docs/plugin-guide.md): apply is idempotent; calls for distinct zones may run
// concurrently, up to parallelism(); calls for one zone are never concurrent. Throw
// RetryableError or PermanentError; any other exception counts as retryable.
//
// A backend that writes to several independent servers per configured instance declares
//   static std::vector<Target> targets(const std::string& instanceName, const std::string& configJson);
// and is then created once per target, each with its own lane, so one failing server never
// holds back the others.
//
// apply and remove return once the server serves the change (a file named has loaded, rows
// committed, the API's answer), not when it is merely written: the host reports the zone as
// applied then. A backend that can read back what its server serves declares (ABI 1.3)
//   std::optional<std::vector<Record>> servedRecords(const std::string& zone);
// (std::nullopt: the zone is not served there) and is then verified by content: every record
// served is a desired one, none twice, and as many as apply reported; drift scans compare
// content too. Without it the host verifies by count().
//
// A backend that knows more of its own state than the host tracks (a control connection, a
// reconcile under way) declares (ABI 1.4)
//   std::string describe() const;
// a JSON object (JsonWriter), shown as the backend's "details" in GET /api/v1/backends. It is
// called on request threads beside any other call: answer from memory, never wait on I/O.
class Backend {
public:
    explicit Backend(const InstanceContext& ctx) : host_(ctx.host), name_(ctx.name) {}
    virtual ~Backend() = default;
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    virtual ApplyResult apply(const Zone& zone) = 0;
    virtual void remove(const std::string& zone) = 0;
    virtual int64_t count(const std::string& zone) = 0;
    virtual std::vector<std::string> listZones() = 0;
    // Default: applying again makes the backend hold exactly the zone.
    virtual void reconcile(const Zone& zone) { apply(zone); }
    // Throw when the backend cannot take writes.
    virtual void health() {}
    virtual uint32_t parallelism() const { return 1; }

protected:
    const Host& host() const { return host_; }
    const std::string& instanceName() const { return name_; }

private:
    Host host_;
    std::string name_;
};

} // namespace dadns::sdk
