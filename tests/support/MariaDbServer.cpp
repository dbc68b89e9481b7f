#include "support/MariaDbServer.hpp"

#include <csignal>
#include <sstream>
#include <stdexcept>

namespace dadns::test {

MariaDbServer::MariaDbServer() : dir_("dadns-mariadb"), port_(freePort()) {}

MariaDbServer::~MariaDbServer() { stop(); }

void MariaDbServer::start() {
    auto r = runCommand({sourceDir() + "/tests/servers/mariadb.sh", "start", dir_.path(), std::to_string(port_)});
    if (r.status != 0) throw std::runtime_error("mariadbd did not start: " + r.output);
    running_ = true;
}

void MariaDbServer::stop() {
    if (!running_) return;
    runCommand({sourceDir() + "/tests/servers/mariadb.sh", "stop", dir_.path()});
    running_ = false;
}

void MariaDbServer::pause() const { ::kill(std::stoi(readFile(dir_.file("mariadbd.pid"))), SIGSTOP); }

void MariaDbServer::resume() const { ::kill(std::stoi(readFile(dir_.file("mariadbd.pid"))), SIGCONT); }

namespace {

std::vector<std::string> client(const std::string& socket, const std::string& database) {
    std::vector<std::string> argv = {"mariadb", "--no-defaults", "-uroot", "--socket=" + socket, "--batch", "--skip-column-names"};
    if (!database.empty()) argv.push_back(database);
    return argv;
}

// --batch escapes tab, newline, NUL and backslash in values.
std::string unescape(const std::string& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] != '\\' || i + 1 == v.size()) { out.push_back(v[i]); continue; }
        char c = v[++i];
        out.push_back(c == 't' ? '\t' : c == 'n' ? '\n' : c == '0' ? '\0' : c);
    }
    return out;
}

} // namespace

void MariaDbServer::exec(const std::string& sql, const std::string& database) const { query(sql, database); }

std::vector<std::vector<std::string>> MariaDbServer::query(const std::string& sql, const std::string& database) const {
    auto argv = client(dir_.file("mysqld.sock"), database);
    argv.push_back("-e");
    argv.push_back(sql);
    auto r = runCommand(argv);
    if (r.status != 0) throw std::runtime_error("SQL failed: " + sql + ": " + r.output);
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cols;
        size_t start = 0;
        while (true) {
            size_t tab = line.find('\t', start);
            cols.push_back(unescape(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start)));
            if (tab == std::string::npos) break;
            start = tab + 1;
        }
        rows.push_back(std::move(cols));
    }
    return rows;
}

void MariaDbServer::createDatabase(const std::string& database, const std::string& user, const std::string& password) const {
    std::string quoted;
    for (char c : password) quoted += c == '\'' ? std::string("''") : c == '\\' ? std::string("\\\\") : std::string(1, c);
    exec("CREATE DATABASE IF NOT EXISTS `" + database + "`; CREATE USER IF NOT EXISTS '" + user + "'@'127.0.0.1' IDENTIFIED BY '" +
         quoted + "'; GRANT ALL ON `" + database + "`.* TO '" + user + "'@'127.0.0.1';");
}

} // namespace dadns::test
