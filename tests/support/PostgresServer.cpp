#include "support/PostgresServer.hpp"

#include <stdexcept>

namespace dadns::test {

PostgresServer::PostgresServer() : dir_("dadns-postgres"), port_(freePort()) {}

PostgresServer::~PostgresServer() { stop(); }

void PostgresServer::start() {
    auto r = runCommand({sourceDir() + "/tests/servers/postgres.sh", "start", dir_.path(), std::to_string(port_)});
    if (r.status != 0) throw std::runtime_error("postgres did not start: " + r.output);
    running_ = true;
}

void PostgresServer::stop() {
    if (!running_) return;
    runCommand({sourceDir() + "/tests/servers/postgres.sh", "stop", dir_.path()});
    running_ = false;
}

std::string PostgresServer::exec(const std::string& sql, const std::string& database) const {
    auto r = runCommand({"psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                         "postgres", "-d", database, "-c", sql});
    if (r.status != 0) throw std::runtime_error("SQL failed: " + sql + ": " + r.output);
    return r.output;
}

void PostgresServer::recreateDatabase(const std::string& database) const {
    exec("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
    exec("CREATE DATABASE \"" + database + "\"");
}

std::string PostgresServer::dsn(const std::string& database) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + database + " user=postgres";
}

} // namespace dadns::test
