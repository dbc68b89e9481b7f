#include "RecordTable.hpp"

#include <dadns/sdk/types.hpp>

#include <Poco/Data/Binding.h>
#include <Poco/Data/Extraction.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>

#include <algorithm>
#include <map>

namespace dadns::coredns {
namespace {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::useRef;

// Poco's MySQL session turns autocommit off at its first transaction and never back on, so
// writes run in an explicit transaction and reads end with a commit: nothing is left
// uncommitted on a pooled session, and no read keeps a transaction (and its metadata locks)
// open. (A commit alone costs one round trip less than begin + commit.)

// Rows per multi-row statement: few round trips, statements well under max_allowed_packet.
constexpr size_t kBatch = 200;

std::string placeholders(size_t rows, const std::string& one) {
    std::string out;
    for (size_t i = 0; i < rows; ++i) out += (i ? "," : "") + one;
    return out;
}

} // namespace

std::string RecordTable::prefixProblem(const std::string& prefix) {
    if (prefix.size() > 48 || !std::all_of(prefix.begin(), prefix.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; }))
        return "must be letters, digits and '_' (at most 48), got '" + prefix + "'";
    return "";
}

RecordTable::RecordTable(const std::string& prefix) {
    if (std::string problem = prefixProblem(prefix); !problem.empty()) throw sdk::PermanentError("coredns_mysql: table_prefix " + problem);
    table_ = prefix + "records";
}

void RecordTable::ensureSchema(Poco::Data::Session& s) const {
    s << "CREATE TABLE IF NOT EXISTS " + table_ +
             " (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, zone VARCHAR(255) NOT NULL, name VARCHAR(255) NOT NULL,"
             " ttl INT NULL, content TEXT, record_type VARCHAR(255) NOT NULL)"
             " DEFAULT CHARSET=utf8mb4",
        now;
    // An index whose first column is zone serves both CoreDNS's lookups and the diff's reads.
    int64_t indexed = 0;
    std::string table = table_;
    s << "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ?"
         " AND column_name = 'zone' AND seq_in_index = 1",
        useRef(table), into(indexed), now;
    if (indexed == 0) s << "CREATE INDEX " + table_ + "_lookup ON " + table_ + " (zone, name, record_type)", now;
}

DiffStats RecordTable::apply(Poco::Data::Session& s, const std::string& zoneFqdn, const std::vector<Row>& want) const {
    DiffStats stats;
    std::string zone = zoneFqdn;
    std::vector<Poco::Int64> ids, ttls;
    std::vector<std::string> names, types, contents;
    Poco::Data::Transaction tx(s);
    // Row locks on this zone only (READ COMMITTED: no gap locks between zones).
    s << "SELECT id, name, COALESCE(ttl, -1), record_type, COALESCE(content, '') FROM " + table_ + " WHERE zone = ? FOR UPDATE",
        useRef(zone), into(ids), into(names), into(ttls), into(types), into(contents), now;

    // Match each stored row against the desired ones; what is left over on either side is
    // the diff. Duplicated stored rows count once.
    std::map<Row, bool> desired;
    for (const auto& r : want) desired.emplace(r, false);
    std::vector<Poco::Int64> stale;
    for (size_t i = 0; i < ids.size(); ++i) {
        auto it = desired.find(Row{names[i], types[i], ttls[i], contents[i]});
        if (it == desired.end() || it->second) stale.push_back(ids[i]);
        else it->second = true;
    }
    std::vector<const Row*> missing;
    for (const auto& [row, present] : desired)
        if (!present) missing.push_back(&row);

    for (size_t first = 0; first < stale.size(); first += kBatch) {
        size_t n = std::min(kBatch, stale.size() - first);
        Poco::Data::Statement st(s);
        st << "DELETE FROM " + table_ + " WHERE id IN (" + placeholders(n, "?") + ")";
        for (size_t i = first; i < first + n; ++i) st, bind(stale[i]);
        st.execute();
        stats.deleted += n;
    }
    for (size_t first = 0; first < missing.size(); first += kBatch) {
        size_t n = std::min(kBatch, missing.size() - first);
        Poco::Data::Statement st(s);
        st << "INSERT INTO " + table_ + " (zone, name, ttl, content, record_type) VALUES " + placeholders(n, "(?,?,?,?,?)");
        for (size_t i = first; i < first + n; ++i) {
            const Row& r = *missing[i];
            st, bind(zone), bind(r.name), bind(static_cast<Poco::Int64>(r.ttl)), bind(r.content), bind(r.type);
        }
        st.execute();
        stats.inserted += n;
    }
    tx.commit();
    return stats;
}

int64_t RecordTable::count(Poco::Data::Session& s, const std::string& zoneFqdn) const {
    std::string zone = zoneFqdn;
    Poco::Int64 n = 0;
    s << "SELECT COUNT(*) FROM " + table_ + " WHERE zone = ?", useRef(zone), into(n), now;
    s.commit();
    return n;
}

std::vector<Row> RecordTable::rows(Poco::Data::Session& s, const std::string& zoneFqdn) const {
    std::string zone = zoneFqdn;
    std::vector<Poco::Int64> ttls;
    std::vector<std::string> names, types, contents;
    s << "SELECT name, COALESCE(ttl, -1), record_type, COALESCE(content, '') FROM " + table_ + " WHERE zone = ?", useRef(zone),
        into(names), into(ttls), into(types), into(contents), now;
    s.commit();
    std::vector<Row> out;
    out.reserve(names.size());
    for (size_t i = 0; i < names.size(); ++i) out.push_back(Row{std::move(names[i]), std::move(types[i]), ttls[i], std::move(contents[i])});
    return out;
}

std::vector<std::string> RecordTable::zones(Poco::Data::Session& s) const {
    std::vector<std::string> out;
    s << "SELECT DISTINCT zone FROM " + table_, into(out), now;
    s.commit();
    return out;
}

size_t RecordTable::remove(Poco::Data::Session& s, const std::string& zoneFqdn) const {
    std::string zone = zoneFqdn;
    Poco::Int64 rows = 0;
    Poco::Data::Transaction tx(s);
    s << "SELECT COUNT(*) FROM " + table_ + " WHERE zone = ? FOR UPDATE", useRef(zone), into(rows), now;
    s << "DELETE FROM " + table_ + " WHERE zone = ?", useRef(zone), now;
    tx.commit();
    return static_cast<size_t>(rows);
}

} // namespace dadns::coredns
