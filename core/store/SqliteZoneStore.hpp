// The embedded ZoneStore: SQLite (Poco::Data::SQLite) in queue_location, WAL, synchronous=FULL.
//
// One writer thread owns every write. Submissions queue up while a commit is running and go
// into the next transaction together (group commit: one fsync for many requests); a submit
// returns only after its transaction committed. Versions and stamps are assigned in the
// writer from an in-memory index of every zone's head and every backend's progress, loaded
// at open; zone texts stay on disk. Reads use a small pool of read sessions (WAL readers do
// not block the writer), taken through a SessionGate: a read waits for a free one, bounded.
#pragma once

#include "core/store/HybridClock.hpp"
#include "core/store/SessionGate.hpp"
#include "core/store/ZoneStore.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace dadns {

class SqliteZoneStore final : public ZoneStore {
public:
    struct Options {
        size_t historyPerZone = kDefaultHistoryPerZone;
        std::string nodeId = "local";
        std::chrono::milliseconds sessionWait = kDefaultSessionWait; // then a read throws Unavailable
    };

    // Creates the directory and database when absent. Throws std::runtime_error.
    SqliteZoneStore(const std::string& directory, Options options);
    ~SqliteZoneStore() override;

    SubmitOutcome submit(const ZoneSubmission& change) override;
    std::optional<ZoneState> current(const std::string& zone, bool withText = true) override;
    std::optional<ZoneOrigin> activeOrigin(const std::string& zone) override; // from the index
    std::optional<ZoneState> version(const std::string& zone, uint64_t version) override;
    std::vector<ZoneState> history(const std::string& zone) override;
    std::vector<ZoneState> list(const ZoneListFilter& filter) override;
    StoreStats stats() override;

    std::vector<PendingZone> pending(const std::string& backend) override;
    std::vector<BackendZoneState> backendStates(const std::string& zone) override;
    std::optional<BackendZoneState> backendState(const std::string& backend, const std::string& zone) override;
    std::vector<BackendZoneState> deadLetters(const std::string& backend) override;

    void recordApplied(const std::string& backend, const std::string& zone, uint64_t version, int64_t verifiedCount,
                       const std::string& warning = "") override;
    void recordFailure(const std::string& backend, const std::string& zone, uint64_t version, int attempts, int64_t nextAttemptMs,
                       const std::string& error, bool deadLetter) override;
    size_t redrive(const std::string& backend, const std::string& zone = "") override;
    void flush() override;
    std::optional<int64_t> activeRecordCount(const std::string& zone) override;
    void setProgressListener(std::function<void()> listener) override {
        std::lock_guard<std::mutex> lock(listenerMutex_);
        progressListener_ = std::move(listener);
    }

    // Transactions committed and submissions stored since open (group commit shows as fewer
    // transactions than submissions).
    uint64_t commits() const { return commits_.load(); }
    uint64_t submissions() const { return submissions_.load(); }

    struct Job;
    struct Index;

private:
    void writerLoop();
    void runBatch(std::deque<std::shared_ptr<Job>>& batch);
    std::shared_ptr<Job> enqueue(std::shared_ptr<Job> job, bool wait);
    void loadIndex();

    std::string path_;
    Options options_;
    HybridClock clock_;
    std::unique_ptr<Poco::Data::Session> writer_;
    std::unique_ptr<Poco::Data::SessionPool> readers_;
    std::unique_ptr<SessionGate> readerGate_;             // every use of readers_ passes it
    std::unique_ptr<Index> index_;       // guarded by indexMutex_
    mutable std::mutex indexMutex_;

    std::mutex listenerMutex_;                 // guards progressListener_
    std::function<void()> progressListener_;   // told after a batch with progress records
    std::mutex queueMutex_;
    std::condition_variable queued_;   // the writer waits for work
    std::condition_variable written_;  // submitters wait for their batch
    std::deque<std::shared_ptr<Job>> jobs_;
    bool stopping_ = false;
    std::thread writerThread_;
    std::atomic<uint64_t> commits_{0}, submissions_{0};
};

} // namespace dadns
