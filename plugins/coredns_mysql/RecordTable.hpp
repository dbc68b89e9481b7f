// The SQL of the CoreDNS records table: schema, a zone's rows, and the diff that turns them
// into the desired rows in one transaction. Prepared statements only: every value is bound,
// and the table name is checked to be a plain identifier when the instance is configured.
#pragma once

#include "CorednsRows.hpp"

#include <Poco/Data/Session.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dadns::coredns {

struct DiffStats {
    size_t inserted = 0;
    size_t deleted = 0;
};

class RecordTable {
public:
    // "" when prefix is empty or [A-Za-z0-9_]+ (at most 48), else what is wrong with it: the
    // prefix is written into SQL as is.
    static std::string prefixProblem(const std::string& prefix);
    // Throws PermanentError when prefixProblem finds one.
    explicit RecordTable(const std::string& prefix);

    const std::string& name() const { return table_; }

    // Creates the table and the lookup index on (zone, name, record_type) when missing.
    void ensureSchema(Poco::Data::Session& s) const;

    // Makes the zone's rows exactly `want` (sorted, unique); unchanged rows are not touched.
    DiffStats apply(Poco::Data::Session& s, const std::string& zoneFqdn, const std::vector<Row>& want) const;
    int64_t count(Poco::Data::Session& s, const std::string& zoneFqdn) const;
    // The zone's rows as they are stored, in one read (a NULL TTL reads as -1).
    std::vector<Row> rows(Poco::Data::Session& s, const std::string& zoneFqdn) const;
    std::vector<std::string> zones(Poco::Data::Session& s) const; // as stored, trailing dot
    size_t remove(Poco::Data::Session& s, const std::string& zoneFqdn) const;

private:
    std::string table_;
};

} // namespace dadns::coredns
