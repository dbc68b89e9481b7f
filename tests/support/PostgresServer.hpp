// A real PostgreSQL on 127.0.0.1 (tests/servers/postgres.sh) and SQL run through psql.
#pragma once

#include "support/TestSupport.hpp"

#include <string>

namespace dadns::test {

class PostgresServer {
public:
    PostgresServer();
    ~PostgresServer();

    void start();
    void stop();
    int port() const { return port_; }

    // Runs SQL as the postgres superuser; throws with psql's output on failure. Returns the
    // unaligned, tuples-only output.
    std::string exec(const std::string& sql, const std::string& database = "postgres") const;
    // A fresh, empty database (dropped first when it exists).
    void recreateDatabase(const std::string& database) const;
    // The libpq connection string of a database.
    std::string dsn(const std::string& database) const;

private:
    TempDir dir_;
    int port_;
    bool running_ = false;
};

} // namespace dadns::test
