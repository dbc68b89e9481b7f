// The durable desired state of every zone, and every backend's progress towards it.
//
// This interface is the seam between the core and a storage engine (SQLite embedded by default,
// PostgreSQL shared later): no SQL dialect detail leaks through it. Every method is thread safe.
// A call that finds the store saturated (no database session within its bound) throws
// Unavailable (core/util/Errors.hpp); other failures throw std::runtime_error. An empty
// optional always means "not stored", never "could not read".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dadns {

class WorkClaims;

// Store settings' defaults, for both stores and the configuration.
inline constexpr size_t kDefaultHistoryPerZone = 10; // versions kept per zone
inline constexpr size_t kDefaultStorePoolSize = 16;  // PostgreSQL sessions

// Where a change came from: the ingestion path and, when given, who pushed it.
struct ZoneOrigin {
    std::string source;  // "rest", "directadmin", "hosts", "swim", "rollback", ...
    std::string host;    // e.g. the DirectAdmin hostname; may be empty
    std::string user;    // e.g. the DirectAdmin username; may be empty
    // Not stored: the operator's API named the zone's owner explicitly (?owner=), so the
    // ownership rule (core/intake/ZoneOwnership.hpp) lets the change through.
    bool ownerGivenByOperator = false;
};

// One version of a zone's desired state.
struct ZoneState {
    std::string name;          // canonical zone name
    uint64_t version = 0;      // per zone: 1, 2, 3, ...
    bool deleted = false;
    std::string zoneText;      // canonical master file text; empty when deleted or not loaded
    int64_t recordCount = 0;   // parsed record count (SOA included); 0 when deleted
    std::string stamp;         // replication stamp (hybrid logical clock "ms.counter@node")
    ZoneOrigin origin;
    int64_t updatedAtMs = 0;   // wall clock of the change, ms since the epoch
};

// A change to store. The store assigns the version, and the stamp when stamp is empty.
struct ZoneSubmission {
    std::string name;
    bool deleted = false;
    std::string zoneText;
    int64_t recordCount = 0;
    std::string stamp;         // empty = new local change; else replicated: kept only if newer
    ZoneOrigin origin;
};

struct SubmitOutcome {
    bool stored = false;       // false: ignored, a newer stamp is already stored
    bool created = false;      // stored, and the zone did not exist (or was deleted) before
    uint64_t version = 0;      // the version stored (or the current one when ignored)
    std::string stamp;
};

// A backend instance's progress on one zone.
struct BackendZoneState {
    std::string backend;
    std::string zone;
    uint64_t appliedVersion = 0;   // 0 = never applied
    int64_t verifiedCount = -1;    // count the backend reported after the apply; -1 unknown
    int attempts = 0;              // failed attempts at the current version
    int64_t nextAttemptMs = 0;     // earliest retry time; 0 = now
    std::string lastError;         // why the current version failed (attempts > 0 or dead letter)
    std::string warning;           // what the backend said about its last successful apply
    bool deadLetter = false;
    uint64_t failedVersion = 0;    // the version attempts and deadLetter refer to; 0 when none
    int64_t updatedAtMs = 0;
};

// A zone a backend has to catch up on.
struct PendingZone {
    std::string zone;
    uint64_t version = 0;          // current desired version
    bool deleted = false;
    int attempts = 0;
    int64_t nextAttemptMs = 0;
};

struct ZoneListFilter {
    enum class State { Any, Active, Deleted };
    State state = State::Any;
    std::string after;             // page cursor: names greater than this
    std::string nameContains;      // only names containing this (lower case); "" = all
    size_t limit = 100;
};

struct StoreStats {
    size_t zones = 0;              // zones whose current state is not deleted
    size_t deletedZones = 0;
    std::string engine;            // "sqlite"
    std::string location;
};

class ZoneStore {
public:
    virtual ~ZoneStore() = default;

    // Durable when it returns (committed and synced); concurrent calls share one commit.
    virtual SubmitOutcome submit(const ZoneSubmission& change) = 0;

    // Current state of a zone (deleted zones included); text loaded when withText.
    virtual std::optional<ZoneState> current(const std::string& zone, bool withText = true) = 0;
    // Where the zone's current version came from (source and host; user left empty), or nullopt
    // when the zone is absent or deleted: asked on every change (zone ownership), so a store
    // that can should answer without a database round trip.
    virtual std::optional<ZoneOrigin> activeOrigin(const std::string& zone) {
        auto head = current(zone, false);
        if (!head || head->deleted) return std::nullopt;
        return ZoneOrigin{head->origin.source, head->origin.host, ""};
    }
    // The record count of a zone's current version, nullopt when the zone is absent or deleted:
    // asked on every change (zones.safety), so a store that can answers without a round trip.
    virtual std::optional<int64_t> activeRecordCount(const std::string& zone) {
        auto head = current(zone, false);
        if (!head || head->deleted) return std::nullopt;
        return head->recordCount;
    }
    // One kept version of a zone, text included.
    virtual std::optional<ZoneState> version(const std::string& zone, uint64_t version) = 0;
    // Kept versions, newest first, the current one included (bounded by history_per_zone).
    virtual std::vector<ZoneState> history(const std::string& zone) = 0;
    // Current states in name order, without text.
    virtual std::vector<ZoneState> list(const ZoneListFilter& filter) = 0;
    virtual StoreStats stats() = 0;

    // Zones whose current version is newer than what backend has applied and which are not
    // dead-lettered at that version (a zone the backend never saw counts as applied 0; a
    // deleted zone the backend never saw is not pending).
    virtual std::vector<PendingZone> pending(const std::string& backend) = 0;
    virtual std::vector<BackendZoneState> backendStates(const std::string& zone) = 0;
    virtual std::optional<BackendZoneState> backendState(const std::string& backend, const std::string& zone) = 0;
    // Dead-lettered zones of a backend.
    virtual std::vector<BackendZoneState> deadLetters(const std::string& backend) = 0;

    // Progress records. They need not be durable before returning: losing one only means the
    // zone is applied again after a crash, and apply is idempotent.
    // warning: what the backend reported with its success (e.g. record types it skipped).
    virtual void recordApplied(const std::string& backend, const std::string& zone, uint64_t version,
                               int64_t verifiedCount, const std::string& warning = "") = 0;
    virtual void recordFailure(const std::string& backend, const std::string& zone, uint64_t version, int attempts,
                               int64_t nextAttemptMs, const std::string& error, bool deadLetter) = 0;
    // Clears the dead-letter flags and attempts of a backend's zones (of zone only, when given);
    // returns how many zones.
    virtual size_t redrive(const std::string& backend, const std::string& zone = "") = 0;

    // Blocks until every record* call made before it is written.
    virtual void flush() = 0;
    // A store whose record* calls become readable later (a writer thread) calls listener each
    // time some have, so that waiters on a zone's progress look again at once; a store that
    // makes them readable before returning needs not. listener must not block; nullptr
    // removes it (before its owner goes).
    virtual void setProgressListener(std::function<void()> listener) { (void)listener; }

    // The shared store's work claims (WorkClaims.hpp); null for a store only one instance uses.
    virtual WorkClaims* workClaims() { return nullptr; }
};

} // namespace dadns
