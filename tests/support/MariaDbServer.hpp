// A real MariaDB on 127.0.0.1 (tests/servers/mariadb.sh) and SQL run through its client.
#pragma once

#include "support/TestSupport.hpp"

#include <string>
#include <vector>

namespace dadns::test {

class MariaDbServer {
public:
    MariaDbServer();
    ~MariaDbServer();

    void start();
    void stop();
    int port() const { return port_; }
    // SIGSTOP / SIGCONT: a server that accepts nothing and answers nothing, then recovers.
    void pause() const;
    void resume() const;

    // Runs SQL as root over the server's socket; throws with the client's output on failure.
    void exec(const std::string& sql, const std::string& database = "") const;
    // Rows of a query, each as its tab-separated columns (values unescaped, NULL as "NULL").
    std::vector<std::vector<std::string>> query(const std::string& sql, const std::string& database = "") const;

    // A database and a user with every privilege on it, reachable over TCP from 127.0.0.1.
    void createDatabase(const std::string& database, const std::string& user, const std::string& password) const;

private:
    TempDir dir_;
    int port_;
    bool running_ = false;
};

} // namespace dadns::test
