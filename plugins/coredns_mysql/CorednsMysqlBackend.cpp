// The coredns_mysql backend: writes each zone into the table the CoreDNS mysql plugin serves
// from, as a diff in one transaction per zone. Record types the plugin cannot serve are left
// out, reported in the apply's warning and excluded from the count both sides compare.
// CoreDNS reads the table on every query, so committed rows are served: the records served
// are the zone's rows read back (servedRecords).
//
// Nothing is assumed about the server at start: the instance comes up while MariaDB is down
// and the schema is checked on every new connection, so a restarted or replaced server gets
// its table back.
#include "CorednsRows.hpp"
#include "MysqlSessions.hpp"
#include "RecordTable.hpp"

#include <dadns/sdk.hpp>

#include <Poco/Data/Session.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace dadns::coredns {
namespace {

using namespace dadns::sdk;

constexpr uint32_t kDefaultParallel = 16;

// A duration setting rounded up to whole seconds (what the MySQL client takes).
std::chrono::seconds seconds(const Settings& c, const std::string& key) {
    return std::chrono::ceil<std::chrono::seconds>(c.duration(key));
}

MysqlSettings readSettings(const Settings& c) {
    MysqlSettings s;
    s.host = c.text("host");
    s.port = static_cast<unsigned>(c.integer("port"));
    s.database = c.text("database");
    s.username = c.has("username") ? c.text("username") : c.text("user");
    s.password = c.text("password");
    s.connectTimeout = seconds(c, "connect_timeout");
    s.ioTimeout = seconds(c, "timeout");
    // One connection per zone applied at once, up to pool_size's own limit.
    s.poolSize = static_cast<size_t>(c.has("pool_size") ? c.integer("pool_size") : std::min<uint32_t>(c.parallel(kDefaultParallel), 256));
    return s;
}

class CorednsMysqlBackend final : public Backend {
public:
    static SettingsSpec settings() {
        SettingsSpec s;
        s.text("host", "MariaDB/MySQL server address").byDefault("127.0.0.1").check(&connectionValueProblem);
        s.integer("port", "server port").byDefault(3306).range(1, 65535);
        s.text("database", "database holding the CoreDNS table").required().check(&connectionValueProblem);
        s.text("username", "user to connect as").check(&connectionValueProblem);
        s.text("user", "the same as username (older configurations)").check(&connectionValueProblem);
        s.text("password", "the user's password").check(&connectionValueProblem);
        s.duration("connect_timeout", "how long connecting may take").byDefault(std::chrono::seconds(5)).range(std::chrono::milliseconds(1), std::chrono::hours(1));
        s.duration("timeout", "how long one read or write may take").byDefault(std::chrono::seconds(30)).range(std::chrono::milliseconds(1), std::chrono::hours(1));
        s.integer("pool_size", "connections kept open (default: parallel)").range(1, 256);
        s.text("table_prefix", "prefix of the records table (<prefix>records)").byDefault("coredns_").check(&RecordTable::prefixProblem);
        s.flag("create_table", "create the table and its index when missing").byDefault(true);
        s.rule("username", [](const Settings& c) -> std::string {
            if (c.has("user") && c.has("username")) return "set username or user, not both";
            return c.has("user") || c.has("username") ? "" : "is required (user to connect as)";
        });
        return s;
    }

    explicit CorednsMysqlBackend(const InstanceContext& ctx) : CorednsMysqlBackend(ctx, settings().read(ctx)) {}

    CorednsMysqlBackend(const InstanceContext& ctx, const Settings& c)
        : Backend(ctx), table_(c.text("table_prefix")), parallel_(c.parallel(kDefaultParallel)),
          createTable_(c.flag("create_table")), sessions_(readSettings(c), [this](Poco::Data::Session& s) { prepare(s); }) {
        host().info("coredns_mysql: table " + table_.name() + " on " + sessions_.settings().describe() +
                    (createTable_ ? " (created when missing)" : ""));
    }

    ApplyResult apply(const Zone& zone) override {
        ZoneRows rows = toRows(zone);
        DiffStats stats = sessions_.with("writing " + zone.name, [&](Poco::Data::Session& s) {
            return table_.apply(s, zone.fqdn(), rows.rows);
        });
        countRows(stats);
        ApplyResult result;
        result.expectedCount = static_cast<int64_t>(rows.rows.size());
        if (!rows.skipped.empty()) {
            std::string types;
            for (const auto& t : rows.skipped) types += (types.empty() ? "" : ", ") + t;
            result.warning = std::to_string(rows.skippedRecords) + " record(s) of type " + types +
                             " skipped: the CoreDNS mysql plugin cannot serve them";
        }
        return result;
    }

    void remove(const std::string& zone) override {
        DiffStats stats;
        stats.deleted = sessions_.with("removing " + zone, [&](Poco::Data::Session& s) { return table_.remove(s, zone + "."); });
        countRows(stats);
    }

    int64_t count(const std::string& zone) override {
        return sessions_.with("counting " + zone, [&](Poco::Data::Session& s) { return table_.count(s, zone + "."); });
    }

    // The zone's rows as records, in one read; nullopt when the table has none for it.
    std::optional<std::vector<Record>> servedRecords(const std::string& zone) {
        std::vector<Row> rows = sessions_.with("reading " + zone, [&](Poco::Data::Session& s) { return table_.rows(s, zone + "."); });
        if (rows.empty()) return std::nullopt;
        return toRecords(rows, zone);
    }

    std::vector<std::string> listZones() override {
        auto stored = sessions_.with("listing zones", [&](Poco::Data::Session& s) { return table_.zones(s); });
        std::vector<std::string> out;
        out.reserve(stored.size());
        for (auto& z : stored) {
            if (!z.empty() && z.back() == '.') z.pop_back();
            out.push_back(std::move(z));
        }
        return out;
    }

    void health() override {
        sessions_.with("checking the connection", [&](Poco::Data::Session& s) {
            int one = 0;
            s << "SELECT 1", Poco::Data::Keywords::into(one), Poco::Data::Keywords::now;
            s.commit();
        });
    }

    uint32_t parallelism() const override { return parallel_; }

private:
    void prepare(Poco::Data::Session& s) {
        // Row locks without gap locks: applies of different zones never block each other.
        s << "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", Poco::Data::Keywords::now;
        if (createTable_) table_.ensureSchema(s);
    }

    void countRows(const DiffStats& stats) const {
        if (stats.inserted)
            host().counterAdd("dadns_coredns_mysql_rows_total", "Rows written to the CoreDNS table, by operation",
                              {{"instance", instanceName()}, {"op", "insert"}}, static_cast<double>(stats.inserted));
        if (stats.deleted)
            host().counterAdd("dadns_coredns_mysql_rows_total", "Rows written to the CoreDNS table, by operation",
                              {{"instance", instanceName()}, {"op", "delete"}}, static_cast<double>(stats.deleted));
    }

    RecordTable table_;
    uint32_t parallel_;
    bool createTable_;
    MysqlSessions sessions_;
};

} // namespace
} // namespace dadns::coredns

DADNS_BACKEND_PLUGIN(dadns::coredns::CorednsMysqlBackend, "coredns_mysql", "1.0.0")
