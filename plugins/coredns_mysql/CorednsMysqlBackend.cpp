// The coredns_mysql backend: writes each zone into the table the CoreDNS mysql plugin serves
// from, as a diff in one transaction per zone. Record types the plugin cannot serve are left
// out, reported in the apply's warning and excluded from the count both sides compare.
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

namespace dadns::coredns {
namespace {

using namespace dadns::sdk;

// A duration setting rounded up to whole seconds (what the MySQL client takes).
std::chrono::seconds seconds(const Json& c, const std::string& key, long long def) {
    auto ms = durationSetting(c, key, std::chrono::seconds(def), "coredns_mysql");
    return std::chrono::ceil<std::chrono::seconds>(ms);
}

MysqlSettings readSettings(const Json& c, uint32_t parallel) {
    MysqlSettings s;
    s.host = c.getString("host", s.host);
    long long port = c.getInt("port", 3306);
    if (port <= 0 || port > 65535) throw PermanentError("coredns_mysql: port must be 1-65535");
    s.port = static_cast<unsigned>(port);
    s.database = c.getString("database");
    s.username = c.getString("username", c.getString("user"));
    s.password = c.getString("password");
    s.connectTimeout = seconds(c, "connect_timeout", 5);
    s.ioTimeout = seconds(c, "timeout", 30);
    long long pool = c.getInt("pool_size", parallel);
    if (pool < 1 || pool > 256) throw PermanentError("coredns_mysql: pool_size must be 1-256");
    s.poolSize = static_cast<size_t>(pool);
    return s;
}

class CorednsMysqlBackend final : public Backend {
public:
    explicit CorednsMysqlBackend(const InstanceContext& ctx)
        : Backend(ctx), config_(Json::parse(ctx.configJson.empty() ? "{}" : ctx.configJson)),
          table_(config_.getString("table_prefix", "coredns_")),
          parallel_(static_cast<uint32_t>(std::clamp<long long>(config_.getInt("parallel", 16), 1, 256))),
          createTable_(config_.getBool("create_table", true)),
          sessions_(readSettings(config_, parallel_), [this](Poco::Data::Session& s) { prepare(s); }) {
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

    Json config_;
    RecordTable table_;
    uint32_t parallel_;
    bool createTable_;
    MysqlSessions sessions_;
};

} // namespace
} // namespace dadns::coredns

DADNS_BACKEND_PLUGIN(dadns::coredns::CorednsMysqlBackend, "coredns_mysql", "1.0.0")
