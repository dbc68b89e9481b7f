// The shared ZoneStore: PostgreSQL (Poco::Data::PostgreSQL), for several dadns instances on
// one database. Same semantics as SqliteZoneStore, but no in-memory index: another instance
// may have written anything, so every read asks the database.
//
// Submissions are written in group commits: those that arrive while a transaction is being
// written go together in the next one, with many rows per statement. A transaction holds the
// advisory locks of its zones, so versions are assigned without gaps or duplicates whichever
// instance submits. Progress records (applied, failed) go through one session with
// synchronous_commit off: losing one only means a re-apply.
#pragma once

#include "core/store/GroupCommit.hpp"
#include "core/store/HybridClock.hpp"
#include "core/store/SessionGate.hpp"
#include "core/store/WorkClaims.hpp"
#include "core/store/ZoneStore.hpp"

#include <memory>
#include <mutex>

namespace dadns {

class PostgresZoneStore final : public ZoneStore, public WorkClaims {
public:
    struct Options {
        size_t historyPerZone = kDefaultHistoryPerZone;
        std::string nodeId = "local";
        size_t poolSize = kDefaultStorePoolSize;
        std::chrono::milliseconds sessionWait = kDefaultSessionWait; // then a call throws Unavailable
    };

    // dsn: a libpq connection string ("host=... port=... dbname=... user=... password=...")
    // or URI ("postgresql://user:password@host:port/db"). Creates or checks the schema.
    // Throws std::runtime_error naming the server and the reason.
    PostgresZoneStore(const std::string& dsn, Options options);
    ~PostgresZoneStore() override;

    SubmitOutcome submit(const ZoneSubmission& change) override;
    std::optional<ZoneState> current(const std::string& zone, bool withText = true) override;
    std::optional<ZoneState> version(const std::string& zone, uint64_t version) override;
    std::vector<ZoneState> history(const std::string& zone) override;
    std::vector<ZoneState> list(const ZoneListFilter& filter) override;
    StoreStats stats() override;

    std::vector<PendingZone> pending(const std::string& backend) override;
    std::vector<PendingZone> pendingSince(const std::string& backend, int64_t sinceMs) override;
    std::vector<BackendZoneState> backendStates(const std::string& zone) override;
    std::optional<BackendZoneState> backendState(const std::string& backend, const std::string& zone) override;
    std::vector<BackendZoneState> deadLetters(const std::string& backend) override;

    void recordApplied(const std::string& backend, const std::string& zone, uint64_t version, int64_t verifiedCount,
                       const std::string& warning = "") override;
    void recordFailure(const std::string& backend, const std::string& zone, uint64_t version, int attempts, int64_t nextAttemptMs,
                       const std::string& error, bool deadLetter) override;
    size_t redrive(const std::string& backend, const std::string& zone = "") override;
    void flush() override;

    WorkClaims* workClaims() override { return this; }
    bool claim(const std::string& backend, const std::string& zone, const std::string& holder, int64_t leaseMs) override;
    void release(const std::string& backend, const std::string& zone, const std::string& holder) override;
    std::vector<std::string> backendNames() override;
    size_t renewClaims(const std::string& backend, const std::string& holder, int64_t leaseMs) override;
    size_t releaseAll(const std::string& holder) override;

    // The DSN with any password masked, for status and logs.
    static std::string describe(const std::string& dsn);

private:
    struct SubmitJob : GroupCommitJob {
        const ZoneSubmission* submission = nullptr;
        Stamp stamp;
        SubmitOutcome outcome;
    };
    // One transaction for the batch; if it fails, each submission alone, so one bad submission
    // fails only itself.
    void writeSubmissions(std::vector<SubmitJob*>& jobs);
    void writeTransaction(Poco::Data::Session& s, std::vector<SubmitJob*>& jobs);
    // sinceMs < 0: every pending zone.
    std::vector<PendingZone> pendingZones(const std::string& backend, int64_t sinceMs);
    std::vector<BackendZoneState> states(const std::string& where, const std::string& a, const std::string& b);

    Options options_;
    std::string location_;
    HybridClock clock_;
    std::unique_ptr<Poco::Data::SessionPool> pool_;
    std::unique_ptr<SessionGate> gate_;
    std::unique_ptr<GroupCommit<SubmitJob>> submits_;
    std::mutex progressMutex_;
    std::unique_ptr<Poco::Data::Session> progress_;
};

} // namespace dadns
