#include "core/store/SqliteZoneStore.hpp"

#include "core/log/Logging.hpp"
#include "core/store/SessionGate.hpp"
#include "core/store/StoreRules.hpp"
#include "core/store/ZoneStateRow.hpp"
#include "core/util/Errors.hpp"
#include "core/util/WallClock.hpp"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Data/Statement.h>
#include <Poco/File.h>
#include <Poco/Tuple.h>

#include <algorithm>
#include <chrono>
#include <map>

using namespace Poco::Data::Keywords;
using Poco::Int64;

namespace dadns {
namespace {

constexpr int kSchemaVersion = 1;
constexpr int kReadSessions = 8;

// backend_state.last_error holds the message of the last outcome: the error while the current
// version fails (failed_version != 0), else the warning of the last success.
const char* const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS zones(name TEXT PRIMARY KEY, version INTEGER NOT NULL, deleted INTEGER NOT NULL,"
    " record_count INTEGER NOT NULL, stamp TEXT NOT NULL, source TEXT NOT NULL, origin_host TEXT NOT NULL,"
    " origin_user TEXT NOT NULL, updated_at_ms INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS zone_history(name TEXT NOT NULL, version INTEGER NOT NULL, deleted INTEGER NOT NULL,"
    " zone_text TEXT NOT NULL, record_count INTEGER NOT NULL, stamp TEXT NOT NULL, source TEXT NOT NULL,"
    " origin_host TEXT NOT NULL, origin_user TEXT NOT NULL, updated_at_ms INTEGER NOT NULL,"
    " PRIMARY KEY(name, version)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS backend_state(backend TEXT NOT NULL, zone TEXT NOT NULL, applied_version INTEGER NOT NULL,"
    " verified_count INTEGER NOT NULL, attempts INTEGER NOT NULL, next_attempt_ms INTEGER NOT NULL,"
    " last_error TEXT NOT NULL, dead_letter INTEGER NOT NULL, failed_version INTEGER NOT NULL,"
    " updated_at_ms INTEGER NOT NULL, PRIMARY KEY(backend, zone)) WITHOUT ROWID",
};

} // namespace

// What the index keeps of a backend's progress on one zone.
struct BackendProgress {
    uint64_t applied = 0;
    int64_t verified = -1;
    int64_t nextAttemptMs = 0;
    int64_t updatedAtMs = 0;
    uint64_t failedVersion = 0; // the version the attempts and dead letter refer to
    int32_t attempts = 0;
    bool dead = false;
};

// A zone's head: small, so 100,000 zones fit in a few MB.
struct ZoneHead {
    uint64_t version = 0;
    int64_t recordCount = 0;
    int64_t stampMs = 0;
    uint32_t stampCounter = 0;
    uint16_t stampNode = 0;
    bool deleted = false;
    uint32_t origin = 0; // Index::origins, + 1; 0: not known
    std::vector<std::pair<uint16_t, BackendProgress>> backends;
};

struct SqliteZoneStore::Index {
    std::unordered_map<std::string, ZoneHead> zones;
    std::vector<std::string> nodes;
    std::unordered_map<std::string, uint16_t> nodeIds;
    // Distinct (source, host) pairs of the zones' current versions, for activeOrigin.
    std::vector<std::pair<std::string, std::string>> origins;
    std::map<std::pair<std::string, std::string>, uint32_t> originIds;
    std::vector<std::string> backendNames;
    std::unordered_map<std::string, uint16_t> backendIds;
    // (backend, zone) -> the message of the last outcome: the error while the current version
    // fails (failedVersion != 0), else the warning of the last success. Sparse: most are empty.
    std::map<std::pair<uint16_t, std::string>, std::string> messages;
    size_t active = 0;

    uint16_t intern(std::vector<std::string>& names, std::unordered_map<std::string, uint16_t>& ids, const std::string& name) {
        auto it = ids.find(name);
        if (it != ids.end()) return it->second;
        names.push_back(name);
        return ids[name] = static_cast<uint16_t>(names.size() - 1);
    }
    uint16_t node(const std::string& n) { return intern(nodes, nodeIds, n); }
    uint32_t origin(const std::string& source, const std::string& host) {
        auto [it, fresh] = originIds.try_emplace({source, host}, static_cast<uint32_t>(origins.size() + 1));
        if (fresh) origins.emplace_back(source, host);
        return it->second;
    }
    uint16_t backend(const std::string& b) { return intern(backendNames, backendIds, b); }

    Stamp stampOf(const ZoneHead& h) const { return Stamp{h.stampMs, h.stampCounter, nodes[h.stampNode]}; }
    void setStamp(ZoneHead& h, const Stamp& s) {
        h.stampMs = s.ms;
        h.stampCounter = s.counter;
        h.stampNode = node(s.node);
    }
    static BackendProgress* progress(ZoneHead& h, uint16_t backend, bool create) {
        for (auto& [id, p] : h.backends)
            if (id == backend) return &p;
        if (!create) return nullptr;
        h.backends.emplace_back(backend, BackendProgress{});
        return &h.backends.back().second;
    }
};

struct SqliteZoneStore::Job {
    enum class Kind { Submit, Applied, Failure, Redrive, Flush };
    Kind kind = Kind::Flush;
    ZoneSubmission submission;
    SubmitOutcome outcome;
    std::string backend, zone;
    std::string error; // Failure: the error; Applied: the backend's warning, if any
    uint64_t version = 0;
    int64_t verified = -1, nextAttemptMs = 0;
    int attempts = 0;
    bool dead = false;
    size_t redriven = 0;
    bool done = false;
    std::exception_ptr failure;
};

SqliteZoneStore::SqliteZoneStore(const std::string& directory, Options options)
    : options_(std::move(options)), clock_(options_.nodeId), index_(std::make_unique<Index>()) {
    static std::once_flag registered;
    std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
    try {
        Poco::File(directory).createDirectories();
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("store: cannot create " + directory + ": " + e.displayText());
    }
    path_ = directory + "/dadns.db";
    try {
        writer_ = std::make_unique<Poco::Data::Session>("SQLite", path_);
        *writer_ << "PRAGMA journal_mode=WAL", now;
        *writer_ << "PRAGMA synchronous=FULL", now;
        *writer_ << "PRAGMA busy_timeout=10000", now;
        for (const char* sql : kSchema) *writer_ << sql, now;
        std::string version;
        *writer_ << "SELECT COALESCE(MAX(value), '') FROM meta WHERE key = 'schema_version'", into(version), now;
        if (version.empty()) {
            std::string v = std::to_string(kSchemaVersion);
            *writer_ << "INSERT INTO meta(key, value) VALUES('schema_version', ?)", use(v), now;
        } else if (version != std::to_string(kSchemaVersion)) {
            throw std::runtime_error("schema version " + version + " is not supported by this dadns (expects " +
                                     std::to_string(kSchemaVersion) + ")");
        }
        readers_ = std::make_unique<Poco::Data::SessionPool>("SQLite", path_, 1, kReadSessions, 60);
        readerGate_ = std::make_unique<SessionGate>(kReadSessions, options_.sessionWait);
        loadIndex();
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("store: cannot open " + path_ + ": " + e.displayText());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("store: cannot open " + path_ + ": " + e.what());
    }
    writerThread_ = std::thread([this] { writerLoop(); });
}

SqliteZoneStore::~SqliteZoneStore() {
    {
        std::lock_guard<std::mutex> lock(queueMutex_);
        stopping_ = true;
    }
    queued_.notify_all();
    if (writerThread_.joinable()) writerThread_.join();
}

void SqliteZoneStore::loadIndex() {
    std::vector<std::string> names, stamps, sources, hosts;
    std::vector<Int64> versions, counts;
    std::vector<int> deleted;
    *writer_ << "SELECT name, version, deleted, record_count, stamp, source, origin_host FROM zones", into(names), into(versions),
        into(deleted), into(counts), into(stamps), into(sources), into(hosts), now;
    Index& idx = *index_;
    idx.zones.reserve(names.size());
    for (size_t i = 0; i < names.size(); ++i) {
        ZoneHead h;
        h.version = static_cast<uint64_t>(versions[i]);
        h.deleted = deleted[i] != 0;
        h.recordCount = counts[i];
        h.origin = idx.origin(sources[i], hosts[i]);
        auto stamp = Stamp::parse(stamps[i]);
        if (stamp) {
            idx.setStamp(h, *stamp);
            clock_.observe(*stamp);
        }
        if (!h.deleted) ++idx.active;
        idx.zones.emplace(std::move(names[i]), std::move(h));
    }
    std::vector<std::string> backends, zones, errors;
    std::vector<Int64> applied, verified, next, failedVersions, updated;
    std::vector<int> attempts, dead;
    *writer_ << "SELECT backend, zone, applied_version, verified_count, attempts, next_attempt_ms, last_error, dead_letter,"
                " failed_version, updated_at_ms FROM backend_state",
        into(backends), into(zones), into(applied), into(verified), into(attempts), into(next), into(errors), into(dead),
        into(failedVersions), into(updated), now;
    for (size_t i = 0; i < backends.size(); ++i) {
        auto it = idx.zones.find(zones[i]);
        if (it == idx.zones.end()) continue;
        uint16_t b = idx.backend(backends[i]);
        BackendProgress* p = Index::progress(it->second, b, true);
        p->applied = static_cast<uint64_t>(applied[i]);
        p->verified = verified[i];
        p->attempts = attempts[i];
        p->nextAttemptMs = next[i];
        p->dead = dead[i] != 0;
        p->failedVersion = static_cast<uint64_t>(failedVersions[i]);
        p->updatedAtMs = updated[i];
        if (!errors[i].empty()) idx.messages[{b, zones[i]}] = errors[i];
    }
}

std::shared_ptr<SqliteZoneStore::Job> SqliteZoneStore::enqueue(std::shared_ptr<Job> job, bool wait) {
    std::unique_lock<std::mutex> lock(queueMutex_);
    if (stopping_) throw std::runtime_error("store: closed");
    jobs_.push_back(job);
    queued_.notify_one();
    if (wait) {
        written_.wait(lock, [&] { return job->done; });
        if (job->failure) std::rethrow_exception(job->failure);
    }
    return job;
}

void SqliteZoneStore::writerLoop() {
    std::unique_lock<std::mutex> lock(queueMutex_);
    while (true) {
        queued_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty() && stopping_) return;
        std::deque<std::shared_ptr<Job>> batch;
        batch.swap(jobs_);
        lock.unlock();
        runBatch(batch);
        bool progress = std::any_of(batch.begin(), batch.end(), [](const auto& job) { return job->kind != Job::Kind::Submit; });
        if (progress) {
            std::lock_guard<std::mutex> listening(listenerMutex_);
            if (progressListener_) progressListener_();
        }
        lock.lock();
        for (auto& job : batch) job->done = true;
        written_.notify_all();
    }
}

void SqliteZoneStore::runBatch(std::deque<std::shared_ptr<Job>>& batch) {
    // Bound variables: the prepared statements below read them on every execute().
    std::string name, text, stamp, source, host, user, backend, error, redriveZone;
    Int64 version = 0, count = 0, updated = 0, pruneBelow = 0, applied = 0, verified = 0, next = 0, failedVersion = 0;
    int deleted = 0, attempts = 0, dead = 0;
    Poco::Data::Session& s = *writer_;
    size_t stored = 0;
    try {
        s << "BEGIN IMMEDIATE", now;
        Poco::Data::Statement upsertZone(s), insertHistory(s), pruneHistory(s), upsertBackend(s), redrive(s);
        upsertZone << "INSERT INTO zones(name, version, deleted, record_count, stamp, source, origin_host, origin_user, updated_at_ms)"
                      " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version,"
                      " deleted = excluded.deleted, record_count = excluded.record_count, stamp = excluded.stamp,"
                      " source = excluded.source, origin_host = excluded.origin_host, origin_user = excluded.origin_user,"
                      " updated_at_ms = excluded.updated_at_ms",
            use(name), use(version), use(deleted), use(count), use(stamp), use(source), use(host), use(user), use(updated);
        insertHistory << "INSERT OR REPLACE INTO zone_history(name, version, deleted, zone_text, record_count, stamp, source,"
                         " origin_host, origin_user, updated_at_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            use(name), use(version), use(deleted), use(text), use(count), use(stamp), use(source), use(host), use(user), use(updated);
        pruneHistory << "DELETE FROM zone_history WHERE name = ? AND version < ?", use(name), use(pruneBelow);
        upsertBackend << "INSERT INTO backend_state(backend, zone, applied_version, verified_count, attempts, next_attempt_ms,"
                         " last_error, dead_letter, failed_version, updated_at_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                         " ON CONFLICT(backend, zone) DO UPDATE SET applied_version = excluded.applied_version,"
                         " verified_count = excluded.verified_count, attempts = excluded.attempts,"
                         " next_attempt_ms = excluded.next_attempt_ms, last_error = excluded.last_error,"
                         " dead_letter = excluded.dead_letter, failed_version = excluded.failed_version,"
                         " updated_at_ms = excluded.updated_at_ms",
            use(backend), use(name), use(applied), use(verified), use(attempts), use(next), use(error), use(dead), use(failedVersion),
            use(updated);
        redrive << "UPDATE backend_state SET dead_letter = 0, attempts = 0, next_attempt_ms = 0 WHERE backend = ? AND dead_letter = 1"
                   " AND (? = '' OR zone = ?)",
            use(backend), use(redriveZone), use(redriveZone);

        std::unique_lock<std::mutex> indexLock(indexMutex_);
        Index& idx = *index_;
        auto writeProgress = [&](const std::string& b, const std::string& zone, const BackendProgress& p, const std::string& err) {
            backend = b;
            name = zone;
            applied = static_cast<Int64>(p.applied);
            verified = p.verified;
            attempts = p.attempts;
            next = p.nextAttemptMs;
            error = err;
            dead = p.dead ? 1 : 0;
            failedVersion = static_cast<Int64>(p.failedVersion);
            updated = p.updatedAtMs;
            upsertBackend.execute();
        };
        for (auto& job : batch) {
            switch (job->kind) {
            case Job::Kind::Submit: {
                const ZoneSubmission& sub = job->submission;
                ZoneHead* head = nullptr;
                auto it = idx.zones.find(sub.name);
                if (it != idx.zones.end()) head = &it->second;
                Stamp newStamp = stampFor(sub, clock_);
                SubmitDecision decision =
                    decideSubmit(sub, newStamp, head ? ZoneHeadView{true, head->version, head->deleted, idx.stampOf(*head)} : ZoneHeadView{});
                if (!decision.store) {
                    job->outcome = {false, false, decision.version, head ? idx.stampOf(*head).toString() : ""};
                    break;
                }
                if (!head) head = &idx.zones[sub.name];
                name = sub.name;
                version = static_cast<Int64>(decision.version);
                deleted = sub.deleted ? 1 : 0;
                text = sub.deleted ? std::string() : sub.zoneText;
                count = sub.deleted ? 0 : sub.recordCount;
                stamp = newStamp.toString();
                source = sub.origin.source;
                host = sub.origin.host;
                user = sub.origin.user;
                updated = nowMs();
                upsertZone.execute();
                insertHistory.execute();
                pruneBelow = version - static_cast<Int64>(options_.historyPerZone) + 1;
                if (pruneBelow > 1) pruneHistory.execute();
                if (decision.created) ++idx.active;        // new, or re-created after a delete
                else if (sub.deleted) --idx.active;       // an active zone deleted
                head->version = static_cast<uint64_t>(version);
                head->deleted = sub.deleted;
                head->recordCount = count;
                head->origin = idx.origin(sub.origin.source, sub.origin.host);
                idx.setStamp(*head, newStamp);
                job->outcome = {true, decision.created, head->version, stamp};
                ++stored;
                break;
            }
            case Job::Kind::Applied:
            case Job::Kind::Failure: {
                auto it = idx.zones.find(job->zone);
                if (it == idx.zones.end()) break;
                uint16_t b = idx.backend(job->backend);
                BackendProgress* p = Index::progress(it->second, b, true);
                std::string err;
                if (job->kind == Job::Kind::Applied) {
                    if (job->version < p->applied) break; // an older apply finishing late changes nothing
                    p->applied = job->version;
                    p->verified = job->verified;
                    p->attempts = 0;
                    p->nextAttemptMs = 0;
                    p->dead = false;
                    p->failedVersion = 0;
                    err = job->error; // the warning
                    if (err.empty()) idx.messages.erase({b, job->zone});
                    else idx.messages[{b, job->zone}] = err;
                } else {
                    p->attempts = job->attempts;
                    p->nextAttemptMs = job->nextAttemptMs;
                    p->dead = job->dead;
                    p->failedVersion = job->version;
                    err = job->error;
                    idx.messages[{b, job->zone}] = err;
                }
                p->updatedAtMs = nowMs();
                writeProgress(job->backend, job->zone, *p, err);
                break;
            }
            case Job::Kind::Redrive: {
                auto bit = idx.backendIds.find(job->backend);
                if (bit == idx.backendIds.end()) break;
                auto clear = [&](ZoneHead& head) {
                    if (BackendProgress* p = Index::progress(head, bit->second, false); p && p->dead) {
                        p->dead = false;
                        p->attempts = 0;
                        p->nextAttemptMs = 0;
                        ++job->redriven;
                    }
                };
                if (job->zone.empty()) {
                    for (auto& entry : idx.zones) clear(entry.second);
                } else if (auto one = idx.zones.find(job->zone); one != idx.zones.end()) {
                    clear(one->second);
                }
                backend = job->backend;
                redriveZone = job->zone;
                redrive.execute();
                break;
            }
            case Job::Kind::Flush: break;
            }
        }
        indexLock.unlock(); // readers of the index need not wait for the fsync
        s << "COMMIT", now;
        commits_ += 1;
        submissions_ += stored;
    } catch (...) {
        auto failure = std::current_exception();
        try {
            s << "ROLLBACK", now;
        } catch (...) {
        }
        std::string why = "unknown error";
        try {
            std::rethrow_exception(failure);
        } catch (const Poco::Exception& e) {
            why = e.displayText();
        } catch (const std::exception& e) {
            why = e.what();
        } catch (...) {
        }
        logger("store")->warn("store transaction of {} job(s) failed ({}); rolled back", batch.size(), why);
        {
            std::lock_guard<std::mutex> indexLock(indexMutex_);
            index_ = std::make_unique<Index>();
            try {
                loadIndex();
            } catch (...) {
            }
        }
        // Jobs that were fine on their own are retried one by one, so one bad input fails
        // only its own request.
        if (batch.size() > 1) {
            for (auto& job : batch) {
                std::deque<std::shared_ptr<Job>> single{job};
                runBatch(single);
            }
            return;
        }
        for (auto& job : batch) job->failure = failure;
    }
}

SubmitOutcome SqliteZoneStore::submit(const ZoneSubmission& change) {
    auto job = std::make_shared<Job>();
    job->kind = Job::Kind::Submit;
    job->submission = change;
    enqueue(job, true);
    return job->outcome;
}

void SqliteZoneStore::recordApplied(const std::string& backend, const std::string& zone, uint64_t version, int64_t verifiedCount,
                                    const std::string& warning) {
    auto job = std::make_shared<Job>();
    job->kind = Job::Kind::Applied;
    job->backend = backend;
    job->zone = zone;
    job->version = version;
    job->verified = verifiedCount;
    job->error = warning;
    enqueue(job, false);
}

void SqliteZoneStore::recordFailure(const std::string& backend, const std::string& zone, uint64_t version, int attempts,
                                    int64_t nextAttemptMs, const std::string& error, bool deadLetter) {
    auto job = std::make_shared<Job>();
    job->kind = Job::Kind::Failure;
    job->backend = backend;
    job->zone = zone;
    job->version = version;
    job->attempts = attempts;
    job->nextAttemptMs = nextAttemptMs;
    job->error = error;
    job->dead = deadLetter;
    enqueue(job, false);
}

size_t SqliteZoneStore::redrive(const std::string& backend, const std::string& zone) {
    auto job = std::make_shared<Job>();
    job->kind = Job::Kind::Redrive;
    job->backend = backend;
    job->zone = zone;
    enqueue(job, true);
    return job->redriven;
}

void SqliteZoneStore::flush() {
    auto job = std::make_shared<Job>();
    enqueue(job, true);
}

std::optional<ZoneState> SqliteZoneStore::current(const std::string& zone, bool withText) {
    return withSession(*readerGate_, *readers_, "reading a zone", [&](Poco::Data::Session& s) -> std::optional<ZoneState> {
        std::vector<ZoneStateRow> rows;
        std::string name = zone;
        if (withText) {
            s << "SELECT " << std::string(kCurrentWithTextColumns)
              << " FROM zones z JOIN zone_history h ON h.name = z.name AND h.version = z.version WHERE z.name = ?",
                into(rows), use(name), now;
        } else {
            s << "SELECT " << std::string(kZoneHeadColumns) << " FROM zones WHERE name = ?", into(rows), use(name), now;
        }
        if (rows.empty()) return std::nullopt;
        return toZoneState(rows.front());
    });
}

std::optional<ZoneOrigin> SqliteZoneStore::activeOrigin(const std::string& zone) {
    std::lock_guard<std::mutex> lock(indexMutex_);
    auto it = index_->zones.find(zone);
    if (it == index_->zones.end() || it->second.deleted || it->second.origin == 0) return std::nullopt;
    const auto& [source, host] = index_->origins[it->second.origin - 1];
    return ZoneOrigin{source, host, ""};
}

std::optional<int64_t> SqliteZoneStore::activeRecordCount(const std::string& zone) {
    std::lock_guard<std::mutex> lock(indexMutex_);
    auto it = index_->zones.find(zone);
    if (it == index_->zones.end() || it->second.deleted) return std::nullopt;
    return it->second.recordCount;
}

std::optional<ZoneState> SqliteZoneStore::version(const std::string& zone, uint64_t version) {
    return withSession(*readerGate_, *readers_, "reading a zone version", [&](Poco::Data::Session& s) -> std::optional<ZoneState> {
        std::vector<ZoneStateRow> rows;
        std::string name = zone;
        Int64 v = static_cast<Int64>(version);
        s << "SELECT " << std::string(kZoneStateColumns) << " FROM zone_history WHERE name = ? AND version = ?", into(rows), use(name),
            use(v), now;
        if (rows.empty()) return std::nullopt;
        return toZoneState(rows.front());
    });
}

std::vector<ZoneState> SqliteZoneStore::history(const std::string& zone) {
    return withSession(*readerGate_, *readers_, "reading history", [&](Poco::Data::Session& s) {
        std::vector<ZoneStateRow> rows;
        std::string name = zone;
        s << "SELECT " << std::string(kZoneStateColumns) << " FROM zone_history WHERE name = ? ORDER BY version DESC", into(rows), use(name),
            now;
        std::vector<ZoneState> out;
        for (const auto& r : rows) out.push_back(toZoneState(r));
        return out;
    });
}

std::vector<ZoneState> SqliteZoneStore::list(const ZoneListFilter& filter) {
    return withSession(*readerGate_, *readers_, "listing zones", [&](Poco::Data::Session& s) {
        std::vector<ZoneStateRow> rows;
        std::string after = filter.after;
        std::string contains = filter.nameContains;
        Int64 limit = static_cast<Int64>(filter.limit);
        std::string where = filter.state == ZoneListFilter::State::Active    ? " AND deleted = 0"
                            : filter.state == ZoneListFilter::State::Deleted ? " AND deleted = 1"
                                                                              : "";
        // instr(name, '') is 1: an empty search matches every name.
        s << "SELECT " << std::string(kZoneHeadColumns) << " FROM zones WHERE name > ? AND instr(name, ?) > 0" << where
          << " ORDER BY name LIMIT ?",
            into(rows), use(after), use(contains), use(limit), now;
        std::vector<ZoneState> out;
        out.reserve(rows.size());
        for (const auto& r : rows) out.push_back(toZoneState(r));
        return out;
    });
}

StoreStats SqliteZoneStore::stats() {
    std::lock_guard<std::mutex> lock(indexMutex_);
    StoreStats st;
    st.zones = index_->active;
    st.deletedZones = index_->zones.size() - index_->active;
    st.engine = "sqlite";
    st.location = path_;
    return st;
}

std::vector<PendingZone> SqliteZoneStore::pending(const std::string& backend) {
    std::lock_guard<std::mutex> lock(indexMutex_);
    std::vector<PendingZone> out;
    auto bit = index_->backendIds.find(backend);
    for (auto& [zone, head] : index_->zones) {
        const BackendProgress* p = bit == index_->backendIds.end() ? nullptr : Index::progress(head, bit->second, false);
        ProgressView progress = p ? ProgressView{p->applied, p->failedVersion, p->dead, p->attempts, p->nextAttemptMs} : ProgressView{};
        if (auto z = pendingOf(zone, ZoneHeadView{true, head.version, head.deleted, std::nullopt}, progress)) out.push_back(std::move(*z));
    }
    std::sort(out.begin(), out.end(), [](const PendingZone& a, const PendingZone& b) {
        return a.nextAttemptMs != b.nextAttemptMs ? a.nextAttemptMs < b.nextAttemptMs : a.zone < b.zone;
    });
    return out;
}

namespace {

BackendZoneState stateOf(const std::string& backend, const std::string& zone, const BackendProgress& p, const std::string& message) {
    BackendZoneState s;
    s.backend = backend;
    s.zone = zone;
    s.appliedVersion = p.applied;
    s.verifiedCount = p.verified;
    s.attempts = p.attempts;
    s.nextAttemptMs = p.nextAttemptMs;
    (p.failedVersion != 0 ? s.lastError : s.warning) = message;
    s.deadLetter = p.dead;
    s.failedVersion = p.failedVersion;
    s.updatedAtMs = p.updatedAtMs;
    return s;
}

} // namespace

std::vector<BackendZoneState> SqliteZoneStore::backendStates(const std::string& zone) {
    std::lock_guard<std::mutex> lock(indexMutex_);
    std::vector<BackendZoneState> out;
    auto it = index_->zones.find(zone);
    if (it == index_->zones.end()) return out;
    for (const auto& [b, p] : it->second.backends) {
        auto e = index_->messages.find({b, zone});
        out.push_back(stateOf(index_->backendNames[b], zone, p, e == index_->messages.end() ? "" : e->second));
    }
    return out;
}

std::optional<BackendZoneState> SqliteZoneStore::backendState(const std::string& backend, const std::string& zone) {
    std::lock_guard<std::mutex> lock(indexMutex_);
    auto it = index_->zones.find(zone);
    auto bit = index_->backendIds.find(backend);
    if (it == index_->zones.end() || bit == index_->backendIds.end()) return std::nullopt;
    const BackendProgress* p = Index::progress(it->second, bit->second, false);
    if (!p) return std::nullopt;
    auto e = index_->messages.find({bit->second, zone});
    return stateOf(backend, zone, *p, e == index_->messages.end() ? "" : e->second);
}

std::vector<BackendZoneState> SqliteZoneStore::deadLetters(const std::string& backend) {
    std::lock_guard<std::mutex> lock(indexMutex_);
    std::vector<BackendZoneState> out;
    auto bit = index_->backendIds.find(backend);
    if (bit == index_->backendIds.end()) return out;
    for (auto& [zone, head] : index_->zones) {
        const BackendProgress* p = Index::progress(head, bit->second, false);
        if (!p || !p->dead) continue;
        auto e = index_->messages.find({bit->second, zone});
        out.push_back(stateOf(backend, zone, *p, e == index_->messages.end() ? "" : e->second));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.zone < b.zone; });
    return out;
}

} // namespace dadns
