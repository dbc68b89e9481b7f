// The one entry for every change, whatever its source (REST, plugins, replication): validate,
// parse, turn record-level edits into a whole-zone state, store durably, then notify.
#pragma once

#include "core/intake/ChangeSafety.hpp"
#include "core/intake/SoaSerialPolicy.hpp"
#include "core/intake/ZoneOwnership.hpp"
#include "core/metrics/MetricsRegistry.hpp"
#include "core/store/ZoneStore.hpp"

#include <dadns/sdk/types.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dadns {

struct ChangeOptions {
    bool dryRun = false;               // validate and plan only: nothing is stored
    bool force = false;                // store even what the safety limits hold (ChangeSafety)
};

struct ChangeRequest {
    enum class Kind { ZoneText, Records, Delete };
    Kind kind = Kind::ZoneText;
    std::string zone;                  // as given; validated and normalised here
    std::string zoneText;              // Kind::ZoneText
    std::vector<sdk::Record> records;  // Kind::Records (owners absolute or relative)
    ZoneOrigin origin;
    std::string stamp;                 // replication stamp; empty for a local change
    ChangeOptions options;
};

struct ChangeOutcome {
    std::string zone;                  // canonical name
    bool stored = false;
    bool created = false;              // the zone did not exist (or was deleted) before
    uint64_t version = 0;
    int64_t recordCount = 0;
    std::string stamp;
    // Dry runs: the desired zone the change would store (null for a delete), and why the
    // safety limits would hold it ("" when they would not).
    bool dryRun = false;
    std::shared_ptr<const sdk::Zone> planned;
    std::string held;
};

// A durable change, as listeners (dispatcher, services) are told about it.
struct ZoneChange {
    std::string zone;
    uint64_t version = 0;
    std::string stamp;
    bool deleted = false;
    std::shared_ptr<const sdk::Zone> parsed; // the records as stored (not for deletes), so
                                             // backends need not read and parse them again
    std::string source;                      // where it came from ("rest", "swim", ...)
};

// Called after a change is durable. Must not block.
using ChangeListener = std::function<void(const ZoneChange&)>;

class ChangeIntake {
public:
    ChangeIntake(ZoneStore& store, MetricsRegistry& metrics);

    void addListener(ChangeListener listener);
    // zones.ownership; set before the first change (default: per_source).
    void setOwnershipRule(OwnershipRule rule) { ownership_ = ZoneOwnership(rule); }
    // zones.safety; set before the first change.
    void setSafety(const SafetyOptions& options) { safety_ = std::make_unique<ChangeSafety>(options); }
    // zones.soa_serial; set before the first change (default: keep).
    void setSoaSerialPolicy(SoaSerialPolicy policy) { soaSerial_ = std::move(policy); }

    // Throws InvalidInput / ZoneParseError for bad input; NotFound for a delete of a zone
    // the store does not hold; ZoneOwnedElsewhere when another principal owns the zone;
    // ChangeHeld when the safety limits hold it (and it is not forced). A dry run throws the
    // same, but for ChangeHeld: it returns the plan with the reason.
    ChangeOutcome submit(const ChangeRequest& request);

    // Record-level edits: read the current state, edit, store the result as a new version.
    // add: records are added (exact duplicates ignored). remove: every record matching owner
    // and type (and rdata when given) goes. The zone must exist.
    ChangeOutcome addRecords(const std::string& zone, const std::vector<sdk::Record>& records, const ZoneOrigin& origin,
                             const ChangeOptions& options = {});
    ChangeOutcome removeRecords(const std::string& zone, const std::vector<sdk::Record>& matchers, const ZoneOrigin& origin,
                                const ChangeOptions& options = {});

private:
    ChangeOutcome store(ZoneSubmission submission, std::shared_ptr<sdk::Zone> parsed, const ChangeOptions& options);
    // Why the safety limits hold a local change; "" when they do not. reserveDelete: an
    // allowed delete counts towards the burst limit now (ChangeSafety::checkDelete).
    std::string heldBecause(const ZoneSubmission& submission, bool reserveDelete, int64_t atMs);
    std::mutex& zoneLock(const std::string& zone);

    ZoneStore& store_;
    MetricsRegistry& metrics_;
    ZoneOwnership ownership_;
    std::unique_ptr<ChangeSafety> safety_ = std::make_unique<ChangeSafety>();
    SoaSerialPolicy soaSerial_;
    std::mutex listenersMutex_;
    std::vector<ChangeListener> listeners_;
    // Record-level edits of one zone are serialised (read-modify-write); striped locks.
    std::mutex editLocks_[64];
};

} // namespace dadns
