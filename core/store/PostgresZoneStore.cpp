#include "core/store/PostgresZoneStore.hpp"

#include "core/log/Logging.hpp"
#include "core/store/SessionGate.hpp"
#include "core/store/StoreRules.hpp"
#include "core/store/ZoneStateRow.hpp"
#include "core/util/Errors.hpp"
#include "core/util/WallClock.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Data/Statement.h>
#include <Poco/Tuple.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>

using namespace Poco::Data::Keywords;
using Poco::Int64;

namespace dadns {
namespace {

// 1: the tables; 2: indexes for incremental polls. Every statement of kSchema is idempotent, so
// running them all brings any older schema up to date.
constexpr int kSchemaVersion = 2;

// The same tables as the SQLite store. backend_state.last_error holds the message of the last
// outcome: the error while the current version fails (failed_version != 0), else the warning.
const char* const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS dadns_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS zones(name TEXT PRIMARY KEY, version BIGINT NOT NULL, deleted INTEGER NOT NULL,"
    " record_count BIGINT NOT NULL, stamp TEXT NOT NULL, source TEXT NOT NULL, origin_host TEXT NOT NULL,"
    " origin_user TEXT NOT NULL, updated_at_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS zone_history(name TEXT NOT NULL, version BIGINT NOT NULL, deleted INTEGER NOT NULL,"
    " zone_text TEXT NOT NULL, record_count BIGINT NOT NULL, stamp TEXT NOT NULL, source TEXT NOT NULL,"
    " origin_host TEXT NOT NULL, origin_user TEXT NOT NULL, updated_at_ms BIGINT NOT NULL, PRIMARY KEY(name, version))",
    "CREATE TABLE IF NOT EXISTS backend_state(backend TEXT NOT NULL, zone TEXT NOT NULL, applied_version BIGINT NOT NULL,"
    " verified_count BIGINT NOT NULL, attempts INTEGER NOT NULL, next_attempt_ms BIGINT NOT NULL, last_error TEXT NOT NULL,"
    " dead_letter INTEGER NOT NULL, failed_version BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL, PRIMARY KEY(backend, zone))",
    // Who applies a zone to a backend now: one instance at a time, until expires_at_ms.
    "CREATE TABLE IF NOT EXISTS leases(backend TEXT NOT NULL, zone TEXT NOT NULL, holder TEXT NOT NULL,"
    " expires_at_ms BIGINT NOT NULL, PRIMARY KEY(backend, zone))",
    "CREATE INDEX IF NOT EXISTS zones_updated ON zones(updated_at_ms)",
    "CREATE INDEX IF NOT EXISTS backend_state_updated ON backend_state(backend, updated_at_ms)",
};

using ProgressRow = Poco::Tuple<std::string, std::string, Int64, Int64, int, Int64, std::string, int, Int64, Int64>;
const char* const kProgressColumns = "b.backend, b.zone, b.applied_version, b.verified_count, b.attempts, b.next_attempt_ms,"
                                     " b.last_error, b.dead_letter, b.failed_version, b.updated_at_ms";

BackendZoneState toProgress(const ProgressRow& r) {
    BackendZoneState s;
    s.backend = r.get<0>();
    s.zone = r.get<1>();
    s.appliedVersion = static_cast<uint64_t>(r.get<2>());
    s.verifiedCount = r.get<3>();
    s.attempts = r.get<4>();
    s.nextAttemptMs = r.get<5>();
    (r.get<8>() != 0 ? s.lastError : s.warning) = r.get<6>();
    s.deadLetter = r.get<7>() != 0;
    s.failedVersion = static_cast<uint64_t>(r.get<8>());
    s.updatedAtMs = r.get<9>();
    return s;
}

} // namespace

std::string PostgresZoneStore::describe(const std::string& dsn) {
    std::string out = dsn;
    // key=value form: password=secret or password='se cret'
    for (size_t at = out.find("password"); at != std::string::npos; at = out.find("password", at + 1)) {
        size_t eq = out.find_first_not_of(' ', at + 8);
        if (eq == std::string::npos || out[eq] != '=') continue;
        size_t start = out.find_first_not_of(' ', eq + 1);
        if (start == std::string::npos) break;
        size_t end = out[start] == '\'' ? out.find('\'', start + 1) : out.find(' ', start);
        end = end == std::string::npos ? out.size() : end + (out[start] == '\'' ? 1 : 0);
        out.replace(start, end - start, "***");
    }
    // URI form: postgresql://user:secret@host/db
    size_t scheme = out.find("://");
    size_t atSign = scheme == std::string::npos ? std::string::npos : out.find('@', scheme + 3);
    size_t colon = atSign == std::string::npos ? std::string::npos : out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < atSign) out.replace(colon + 1, atSign - colon - 1, "***");
    return out;
}

PostgresZoneStore::PostgresZoneStore(const std::string& dsn, Options options)
    : options_(std::move(options)), location_(describe(dsn)), clock_(options_.nodeId) {
    static std::once_flag registered;
    std::call_once(registered, [] { Poco::Data::PostgreSQL::Connector::registerConnector(); });
    try {
        // One session is the progress writer's; the others are shared through the gate.
        size_t sessions = std::max<size_t>(options_.poolSize, 2);
        pool_ = std::make_unique<Poco::Data::SessionPool>("PostgreSQL", dsn, 1, static_cast<int>(sessions), 60);
        gate_ = std::make_unique<SessionGate>(sessions - 1, options_.sessionWait);
        // Batches are written by up to four callers at once (their zones' advisory locks, taken in
        // name order, keep versions right and batches free of deadlocks).
        submits_ = std::make_unique<GroupCommit<SubmitJob>>(256, std::min<size_t>(4, sessions - 1),
                                                            [this](std::vector<SubmitJob*>& jobs) { writeSubmissions(jobs); });
        Poco::Data::Session s(pool_->get());
        // Several instances may start at once: one creates the schema, the others wait.
        s.begin();
        s << "SELECT pg_advisory_xact_lock(7431)", now;
        s << "SET LOCAL client_min_messages TO warning", now; // no "already exists, skipping" notices
        for (const char* sql : kSchema) s << sql, now;
        std::vector<std::string> version;
        s << "SELECT value FROM dadns_meta WHERE key = 'schema_version'", into(version), now;
        int found = 0;
        try {
            found = version.empty() ? 0 : std::stoi(version.front());
        } catch (const std::logic_error&) {
            found = kSchemaVersion + 1;
        }
        if (found > kSchemaVersion)
            throw std::runtime_error("schema version " + version.front() + " is newer than this dadns supports (" +
                                     std::to_string(kSchemaVersion) + "): upgrade dadns");
        if (found < kSchemaVersion) { // created, or brought up to date by the statements above
            std::string v = std::to_string(kSchemaVersion);
            s << "INSERT INTO dadns_meta(key, value) VALUES('schema_version', $1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                use(v), now;
        }
        s.commit();
        // Stamps issued by any instance: the clock starts past all of them.
        std::vector<std::string> stamps;
        s << "SELECT stamp FROM zones", into(stamps), now;
        for (const auto& text : stamps)
            if (auto stamp = Stamp::parse(text)) clock_.observe(*stamp);
        progress_ = std::make_unique<Poco::Data::Session>(pool_->get());
        *progress_ << "SET synchronous_commit TO off", now;
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("store: cannot open PostgreSQL " + location_ + ": " + e.displayText());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error("store: cannot open PostgreSQL " + location_ + ": " + e.what());
    }
}

PostgresZoneStore::~PostgresZoneStore() = default;

SubmitOutcome PostgresZoneStore::submit(const ZoneSubmission& sub) {
    SubmitJob job;
    job.submission = &sub;
    job.stamp = stampFor(sub, clock_);
    submits_->submit(job);
    return job.outcome;
}

void PostgresZoneStore::writeSubmissions(std::vector<SubmitJob*>& jobs) {
    auto write = [&](std::vector<SubmitJob*>& batch) {
        withSession(*gate_, *pool_, "storing zones", [&](Poco::Data::Session& s) {
            try {
                writeTransaction(s, batch);
            } catch (...) {
                try {
                    s.rollback();
                } catch (...) {
                }
                throw;
            }
            return 0;
        });
    };
    try {
        write(jobs);
    } catch (const Unavailable&) {
        throw; // no session: one by one would wait as long again for each
    } catch (...) {
        if (jobs.size() == 1) throw;
        for (SubmitJob* job : jobs) {
            std::vector<SubmitJob*> alone{job};
            try {
                write(alone);
            } catch (...) {
                job->error = std::current_exception();
            }
        }
    }
}

namespace {

// "($1, $2), ($3, $4)" for rows x columns parameters, numbered from 1.
std::string parameterRows(size_t rows, size_t columns) {
    std::string out;
    size_t n = 1;
    for (size_t r = 0; r < rows; ++r) {
        out += r ? ", (" : "(";
        for (size_t c = 0; c < columns; ++c) out += (c ? ", $" : "$") + std::to_string(n++);
        out += ")";
    }
    return out;
}

struct ZoneRowValues {
    std::string name;
    Int64 version = 0;
    int deleted = 0;
    std::string text;
    Int64 count = 0;
    std::string stamp, source, host, user;
    Int64 updated = 0;
};

} // namespace

void PostgresZoneStore::writeTransaction(Poco::Data::Session& s, std::vector<SubmitJob*>& jobs) {
    std::set<std::string> nameSet;
    for (const SubmitJob* job : jobs) nameSet.insert(job->submission->name);
    std::vector<std::string> names(nameSet.begin(), nameSet.end());

    s.begin();
    {
        // One writer per zone, any instance; taken in name order so batches do not deadlock.
        Poco::Data::Statement lock(s);
        lock << "SELECT pg_advisory_xact_lock(hashtextextended(x, 0)) FROM (SELECT x FROM (VALUES " + parameterRows(names.size(), 1) +
                    ") AS v(x) ORDER BY x) AS sorted";
        for (auto& n : names) lock, use(n);
        lock.execute();
    }
    struct Head {
        bool exists = false;
        Int64 version = 0;
        bool deleted = false;
        std::string stampText;
        std::optional<Stamp> stamp;
    };
    std::map<std::string, Head> heads;
    {
        std::vector<std::string> headNames, headStamps;
        std::vector<Int64> headVersions;
        std::vector<int> headDeleted;
        std::string inList = parameterRows(names.size(), 1);
        Poco::Data::Statement read(s);
        read << "SELECT name, version, deleted, stamp FROM zones WHERE name IN (" + inList + ")", into(headNames), into(headVersions),
            into(headDeleted), into(headStamps);
        for (auto& n : names) read, use(n);
        read.execute();
        for (size_t i = 0; i < headNames.size(); ++i) {
            Head& h = heads[headNames[i]];
            h = Head{true, headVersions[i], headDeleted[i] != 0, headStamps[i], Stamp::parse(headStamps[i])};
            if (h.stamp) clock_.observe(*h.stamp); // written by another instance, maybe
        }
    }

    // Decide every submission in order, as if written one after another.
    std::vector<ZoneRowValues> history;
    std::map<std::string, size_t> latest; // zone -> its last row in history
    Int64 updated = nowMs();
    for (SubmitJob* job : jobs) {
        const ZoneSubmission& sub = *job->submission;
        Head& h = heads[sub.name];
        SubmitDecision decision = decideSubmit(sub, job->stamp, ZoneHeadView{h.exists, static_cast<uint64_t>(h.version), h.deleted, h.stamp});
        if (!decision.store) {
            job->outcome = SubmitOutcome{false, false, decision.version, h.exists ? h.stampText : ""};
            continue;
        }
        // A local change always orders after what is stored, whatever another instance's clock said.
        if (sub.stamp.empty() && h.stamp && !job->stamp.newerThan(*h.stamp)) job->stamp = clock_.now();
        ZoneRowValues row{sub.name, static_cast<Int64>(decision.version), sub.deleted ? 1 : 0, sub.deleted ? std::string() : sub.zoneText,
                          sub.deleted ? 0 : sub.recordCount, job->stamp.toString(), sub.origin.source, sub.origin.host, sub.origin.user,
                          updated};
        job->outcome = SubmitOutcome{true, decision.created, decision.version, row.stamp};
        h = Head{true, row.version, sub.deleted, row.stamp, job->stamp};
        latest[sub.name] = history.size();
        history.push_back(std::move(row));
    }
    if (history.empty()) {
        s.rollback();
        return;
    }

    {
        Poco::Data::Statement upsert(s);
        upsert << "INSERT INTO zones(name, version, deleted, record_count, stamp, source, origin_host, origin_user, updated_at_ms) VALUES " +
                      parameterRows(latest.size(), 9) +
                      " ON CONFLICT(name) DO UPDATE SET version = excluded.version, deleted = excluded.deleted,"
                      " record_count = excluded.record_count, stamp = excluded.stamp, source = excluded.source,"
                      " origin_host = excluded.origin_host, origin_user = excluded.origin_user, updated_at_ms = excluded.updated_at_ms";
        for (auto& [name, i] : latest) {
            ZoneRowValues& r = history[i];
            upsert, use(r.name), use(r.version), use(r.deleted), use(r.count), use(r.stamp), use(r.source), use(r.host), use(r.user),
                use(r.updated);
        }
        upsert.execute();
    }
    {
        Poco::Data::Statement insert(s);
        insert << "INSERT INTO zone_history(name, version, deleted, zone_text, record_count, stamp, source, origin_host, origin_user,"
                  " updated_at_ms) VALUES " +
                      parameterRows(history.size(), 10) +
                      " ON CONFLICT(name, version) DO UPDATE SET deleted = excluded.deleted, zone_text = excluded.zone_text,"
                      " record_count = excluded.record_count, stamp = excluded.stamp, source = excluded.source,"
                      " origin_host = excluded.origin_host, origin_user = excluded.origin_user, updated_at_ms = excluded.updated_at_ms";
        for (auto& r : history)
            insert, use(r.name), use(r.version), use(r.deleted), use(r.text), use(r.count), use(r.stamp), use(r.source), use(r.host),
                use(r.user), use(r.updated);
        insert.execute();
    }
    std::vector<std::pair<std::string, Int64>> prune;
    for (auto& [name, i] : latest) {
        Int64 below = history[i].version - static_cast<Int64>(options_.historyPerZone) + 1;
        if (below > 1) prune.emplace_back(name, below);
    }
    if (!prune.empty()) {
        Poco::Data::Statement del(s);
        std::string rows;
        for (size_t i = 0; i < prune.size(); ++i)
            rows += (i ? ", ($" : "($") + std::to_string(2 * i + 1) + ", $" + std::to_string(2 * i + 2) + "::bigint)";
        del << "DELETE FROM zone_history AS h USING (VALUES " + rows + ") AS p(name, below) WHERE h.name = p.name AND h.version < p.below";
        for (auto& [name, below] : prune) del, use(name), use(below);
        del.execute();
    }
    s.commit();
}

std::optional<ZoneState> PostgresZoneStore::current(const std::string& zone, bool withText) {
    return withSession(*gate_, *pool_, "reading a zone", [&](Poco::Data::Session& s) -> std::optional<ZoneState> {
        std::vector<ZoneStateRow> rows;
        std::string name = zone;
        if (withText)
            s << "SELECT " << std::string(kCurrentWithTextColumns)
              << " FROM zones z JOIN zone_history h ON h.name = z.name AND h.version = z.version WHERE z.name = $1",
                into(rows), use(name), now;
        else
            s << "SELECT " << std::string(kZoneHeadColumns) << " FROM zones WHERE name = $1", into(rows), use(name), now;
        if (rows.empty()) return std::nullopt;
        return toZoneState(rows.front());
    });
}

std::optional<ZoneState> PostgresZoneStore::version(const std::string& zone, uint64_t version) {
    return withSession(*gate_, *pool_, "reading a zone version", [&](Poco::Data::Session& s) -> std::optional<ZoneState> {
        std::vector<ZoneStateRow> rows;
        std::string name = zone;
        Int64 v = static_cast<Int64>(version);
        s << "SELECT " << std::string(kZoneStateColumns) << " FROM zone_history WHERE name = $1 AND version = $2", into(rows), use(name), use(v), now;
        if (rows.empty()) return std::nullopt;
        return toZoneState(rows.front());
    });
}

std::vector<ZoneState> PostgresZoneStore::history(const std::string& zone) {
    return withSession(*gate_, *pool_, "reading history", [&](Poco::Data::Session& s) {
        std::vector<ZoneStateRow> rows;
        std::string name = zone;
        s << "SELECT " << std::string(kZoneStateColumns) << " FROM zone_history WHERE name = $1 ORDER BY version DESC", into(rows), use(name), now;
        std::vector<ZoneState> out;
        for (const auto& r : rows) out.push_back(toZoneState(r));
        return out;
    });
}

std::vector<ZoneState> PostgresZoneStore::list(const ZoneListFilter& filter) {
    return withSession(*gate_, *pool_, "listing zones", [&](Poco::Data::Session& s) {
        std::vector<ZoneStateRow> rows;
        std::string after = filter.after;
        std::string contains = filter.nameContains;
        Int64 limit = static_cast<Int64>(filter.limit);
        std::string where = filter.state == ZoneListFilter::State::Active    ? " AND deleted = 0"
                            : filter.state == ZoneListFilter::State::Deleted ? " AND deleted = 1"
                                                                              : "";
        // COLLATE "C": byte order, as the SQLite store and the paging cursor expect.
        // strpos(name, '') is 1: an empty search matches every name.
        s << "SELECT " << std::string(kZoneHeadColumns) << " FROM zones WHERE name > $1 COLLATE \"C\" AND strpos(name, $2) > 0" << where
          << " ORDER BY name COLLATE \"C\" LIMIT $3",
            into(rows), use(after), use(contains), use(limit), now;
        std::vector<ZoneState> out;
        out.reserve(rows.size());
        for (const auto& r : rows) out.push_back(toZoneState(r));
        return out;
    });
}

StoreStats PostgresZoneStore::stats() {
    return withSession(*gate_, *pool_, "counting zones", [&](Poco::Data::Session& s) {
        Int64 active = 0, deleted = 0;
        s << "SELECT COUNT(*) FILTER (WHERE deleted = 0), COUNT(*) FILTER (WHERE deleted <> 0) FROM zones", into(active), into(deleted), now;
        StoreStats st;
        st.zones = static_cast<size_t>(active);
        st.deletedZones = static_cast<size_t>(deleted);
        st.engine = "postgresql";
        st.location = location_;
        return st;
    });
}

std::vector<PendingZone> PostgresZoneStore::pending(const std::string& backend) { return pendingZones(backend, -1); }

std::vector<PendingZone> PostgresZoneStore::pendingSince(const std::string& backend, int64_t sinceMs) {
    return pendingZones(backend, std::max<int64_t>(sinceMs, 0));
}

std::vector<PendingZone> PostgresZoneStore::pendingZones(const std::string& backend, int64_t sinceMs) {
    return withSession(*gate_, *pool_, "reading pending zones", [&](Poco::Data::Session& s) {
        using Row = Poco::Tuple<std::string, Int64, int, Int64, Int64, int, int, Int64>;
        std::vector<Row> rows;
        std::string b = backend;
        Int64 since = sinceMs;
        // pendingOf (StoreRules.hpp) decides; the query already leaves out what it would (newer
        // than applied; not a deleted zone the backend never had; not dead-lettered at this
        // version), so the database sends only pending rows. An incremental poll looks only at
        // zones changed since (both sides found through their updated_at indexes).
        std::string from = sinceMs < 0 ? std::string("zones z")
                                       : "(SELECT name FROM zones WHERE updated_at_ms >= $2 UNION SELECT zone FROM backend_state"
                                         " WHERE backend = $1 AND updated_at_ms >= $2) AS recent JOIN zones z ON z.name = recent.name";
        Poco::Data::Statement query(s);
        query << "SELECT z.name, z.version, z.deleted, COALESCE(b.applied_version, 0), COALESCE(b.failed_version, 0),"
                 " COALESCE(b.dead_letter, 0), COALESCE(b.attempts, 0), COALESCE(b.next_attempt_ms, 0)"
                 " FROM " + from + " LEFT JOIN backend_state b ON b.zone = z.name AND b.backend = $1"
                 " WHERE z.version > COALESCE(b.applied_version, 0)"
                 " AND NOT (z.deleted <> 0 AND COALESCE(b.applied_version, 0) = 0)"
                 " AND NOT (COALESCE(b.dead_letter, 0) <> 0 AND b.failed_version >= z.version)",
            into(rows), use(b);
        if (sinceMs >= 0) query, use(since);
        query.execute();
        std::vector<PendingZone> out;
        out.reserve(rows.size());
        for (const auto& r : rows) {
            ZoneHeadView head{true, static_cast<uint64_t>(r.get<1>()), r.get<2>() != 0, std::nullopt};
            ProgressView progress{static_cast<uint64_t>(r.get<3>()), static_cast<uint64_t>(r.get<4>()), r.get<5>() != 0, r.get<6>(), r.get<7>()};
            if (auto z = pendingOf(r.get<0>(), head, progress)) out.push_back(std::move(*z));
        }
        std::sort(out.begin(), out.end(), [](const PendingZone& a, const PendingZone& b) {
            return a.nextAttemptMs != b.nextAttemptMs ? a.nextAttemptMs < b.nextAttemptMs : a.zone < b.zone;
        });
        return out;
    });
}

std::vector<BackendZoneState> PostgresZoneStore::states(const std::string& where, const std::string& a, const std::string& b) {
    return withSession(*gate_, *pool_, "reading backend states", [&](Poco::Data::Session& s) {
        std::vector<ProgressRow> rows;
        std::string first = a, second = b;
        std::string sql = "SELECT " + std::string(kProgressColumns) + " FROM backend_state b JOIN zones z ON z.name = b.zone WHERE " + where +
                          " ORDER BY b.zone COLLATE \"C\", b.backend COLLATE \"C\"";
        if (second.empty()) s << sql, into(rows), use(first), now;
        else s << sql, into(rows), use(first), use(second), now;
        std::vector<BackendZoneState> out;
        for (const auto& r : rows) out.push_back(toProgress(r));
        return out;
    });
}

std::vector<BackendZoneState> PostgresZoneStore::backendStates(const std::string& zone) { return states("b.zone = $1", zone, ""); }

std::optional<BackendZoneState> PostgresZoneStore::backendState(const std::string& backend, const std::string& zone) {
    auto rows = states("b.backend = $1 AND b.zone = $2", backend, zone);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<BackendZoneState> PostgresZoneStore::deadLetters(const std::string& backend) {
    return states("b.backend = $1 AND b.dead_letter <> 0", backend, "");
}

void PostgresZoneStore::recordApplied(const std::string& backend, const std::string& zone, uint64_t version, int64_t verifiedCount,
                                      const std::string& warning) {
    std::string b = backend, z = zone, w = warning;
    Int64 v = static_cast<Int64>(version), verified = verifiedCount, updated = nowMs();
    std::lock_guard<std::mutex> lock(progressMutex_);
    try {
        // An older apply finishing late changes nothing; a zone unknown here is not recorded.
        *progress_ << "INSERT INTO backend_state(backend, zone, applied_version, verified_count, attempts, next_attempt_ms, last_error,"
                      " dead_letter, failed_version, updated_at_ms) SELECT $1, $2, $3::bigint, $4::bigint, 0, 0, $5, 0, 0, $6::bigint"
                      " WHERE EXISTS (SELECT 1 FROM zones WHERE name = $2) ON CONFLICT(backend, zone) DO UPDATE SET"
                      " applied_version = excluded.applied_version, verified_count = excluded.verified_count, attempts = 0,"
                      " next_attempt_ms = 0, last_error = excluded.last_error, dead_letter = 0, failed_version = 0,"
                      " updated_at_ms = excluded.updated_at_ms WHERE backend_state.applied_version <= excluded.applied_version",
            use(b), use(z), use(v), use(verified), use(w), use(updated), now;
    } catch (const Poco::Exception& e) {
        logger("store")->warn("recording {} v{} applied on {} failed: {}", zone, version, backend, e.displayText());
    }
}

void PostgresZoneStore::recordFailure(const std::string& backend, const std::string& zone, uint64_t version, int attempts,
                                      int64_t nextAttemptMs, const std::string& error, bool deadLetter) {
    std::string b = backend, z = zone, e = error;
    Int64 v = static_cast<Int64>(version), next = nextAttemptMs, updated = nowMs();
    int tries = attempts, dead = deadLetter ? 1 : 0;
    std::lock_guard<std::mutex> lock(progressMutex_);
    try {
        *progress_ << "INSERT INTO backend_state(backend, zone, applied_version, verified_count, attempts, next_attempt_ms, last_error,"
                      " dead_letter, failed_version, updated_at_ms) SELECT $1, $2, 0, -1, $3::integer, $4::bigint, $5, $6::integer,"
                      " $7::bigint, $8::bigint WHERE EXISTS (SELECT 1 FROM zones WHERE name = $2) ON CONFLICT(backend, zone) DO UPDATE SET"
                      " attempts = excluded.attempts, next_attempt_ms = excluded.next_attempt_ms, last_error = excluded.last_error,"
                      " dead_letter = excluded.dead_letter, failed_version = excluded.failed_version, updated_at_ms = excluded.updated_at_ms",
            use(b), use(z), use(tries), use(next), use(e), use(dead), use(v), use(updated), now;
    } catch (const Poco::Exception& ex) {
        logger("store")->warn("recording a failure of {} v{} on {} failed: {}", zone, version, backend, ex.displayText());
    }
}

size_t PostgresZoneStore::redrive(const std::string& backend, const std::string& zone) {
    return withSession(*gate_, *pool_, "redriving dead letters", [&](Poco::Data::Session& s) {
        std::string b = backend, z = zone;
        Int64 n = 0;
        s << "WITH r AS (UPDATE backend_state SET dead_letter = 0, attempts = 0, next_attempt_ms = 0 WHERE backend = $1 AND dead_letter <> 0"
             " AND ($2 = '' OR zone = $2) RETURNING 1) SELECT COUNT(*) FROM r",
            into(n), use(b), use(z), now;
        return static_cast<size_t>(n);
    });
}

bool PostgresZoneStore::claim(const std::string& backend, const std::string& zone, const std::string& holder, int64_t leaseMs) {
    return withSession(*gate_, *pool_, "claiming a zone", [&](Poco::Data::Session& s) {
        std::string b = backend, z = zone, h = holder;
        Int64 at = nowMs(), expires = at + leaseMs;
        std::vector<std::string> won;
        // One statement: a zone never claimed gets its lease row; an existing row is taken with
        // SELECT ... FOR UPDATE SKIP LOCKED when its lease expired or is ours, so of two instances
        // trying at once one locks it and the other skips it. (As a query: Poco reads rows of
        // SELECTs only.)
        s << "WITH fresh AS (INSERT INTO leases(backend, zone, holder, expires_at_ms) VALUES($1, $2, $3, $4)"
             " ON CONFLICT(backend, zone) DO NOTHING RETURNING holder),"
             " free AS (SELECT backend, zone FROM leases WHERE backend = $1 AND zone = $2 AND (expires_at_ms < $5 OR holder = $3)"
             " FOR UPDATE SKIP LOCKED),"
             " taken AS (UPDATE leases AS l SET holder = $3, expires_at_ms = $4 FROM free"
             " WHERE l.backend = free.backend AND l.zone = free.zone RETURNING l.holder)"
             " SELECT holder FROM fresh UNION ALL SELECT holder FROM taken",
            into(won), use(b), use(z), use(h), use(expires), use(at), now;
        return !won.empty();
    });
}

void PostgresZoneStore::release(const std::string& backend, const std::string& zone, const std::string& holder) {
    withSession(*gate_, *pool_, "releasing a zone", [&](Poco::Data::Session& s) {
        std::string b = backend, z = zone, h = holder;
        s << "DELETE FROM leases WHERE backend = $1 AND zone = $2 AND holder = $3", use(b), use(z), use(h), now;
        return 0;
    });
}

std::vector<std::string> PostgresZoneStore::backendNames() {
    return withSession(*gate_, *pool_, "listing backends", [&](Poco::Data::Session& s) {
        std::vector<std::string> names;
        s << "SELECT DISTINCT backend FROM backend_state ORDER BY backend", into(names), now;
        return names;
    });
}

size_t PostgresZoneStore::renewClaims(const std::string& backend, const std::string& holder, int64_t leaseMs) {
    return withSession(*gate_, *pool_, "renewing claims", [&](Poco::Data::Session& s) {
        std::string b = backend, h = holder;
        Int64 expires = nowMs() + leaseMs, n = 0;
        s << "WITH r AS (UPDATE leases SET expires_at_ms = $1 WHERE backend = $2 AND holder = $3 RETURNING 1) SELECT COUNT(*) FROM r",
            into(n), use(expires), use(b), use(h), now;
        return static_cast<size_t>(n);
    });
}

size_t PostgresZoneStore::releaseAll(const std::string& holder) {
    return withSession(*gate_, *pool_, "releasing leases", [&](Poco::Data::Session& s) {
        std::string h = holder;
        Int64 n = 0;
        s << "WITH r AS (DELETE FROM leases WHERE holder = $1 RETURNING 1) SELECT COUNT(*) FROM r", into(n), use(h), now;
        return static_cast<size_t>(n);
    });
}

void PostgresZoneStore::flush() {
    // Progress records are written before their call returns: nothing is queued.
}

} // namespace dadns
