#include "MysqlSessions.hpp"

#include <dadns/sdk/types.hpp>

#include <Poco/Data/MySQL/MySQLException.h>
#include <Poco/Data/MySQL/SessionImpl.h>
#include <Poco/Data/MySQL/Utility.h>
#include <Poco/Exception.h>

#include <mysql.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#include <set>

namespace dadns::coredns {
namespace {

void initLibrary() {
    // mysql_library_init is not thread-safe: run it once before any lane thread connects.
    static std::once_flag once;
    std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

void checkConnectionValue(const std::string& key, const std::string& value) {
    if (std::string problem = connectionValueProblem(value); !problem.empty()) throw sdk::PermanentError("coredns_mysql: " + key + " " + problem);
}

// Poco's text is "[MySQL]: [Comment]: ... [mysql_error]: <text> [mysql_errno]: <n> ...": keep
// what the server or client library said and its number.
std::string readable(const std::string& text, unsigned code) {
    for (const char* marker : {"[mysql_stmt_error]: ", "[mysql_error]: "}) {
        auto start = text.find(marker);
        if (start == std::string::npos) continue;
        start += std::strlen(marker);
        auto end = text.find(" [", start);
        std::string message = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        return code ? message + " (MySQL error " + std::to_string(code) + ")" : message;
    }
    return text;
}

} // namespace

std::string MysqlSettings::describe() const { return username + "@" + host + ":" + std::to_string(port) + "/" + database; }

bool permanentMysqlError(unsigned code) {
    static const std::set<unsigned> permanent = {
        1044, // access denied to database
        1045, // access denied for user
        1049, // unknown database
        1064, // syntax error
        1142, // command denied on table
        1143, // column access denied
        1146, // table does not exist
        1166, // incorrect column name
        1227, // access denied (privilege)
        1264, // value out of range
        1366, // incorrect string value
        1406, // data too long
        1698, // access denied (auth plugin)
    };
    return permanent.count(code) != 0;
}

// Poco splits its connection string at ';', with no escaping.
std::string connectionValueProblem(const std::string& value) {
    return value.find(';') == std::string::npos ? "" : "must not contain ';' (the MySQL connector cannot pass it)";
}

unsigned mysqlErrorNumber(const std::string& text) {
    // Poco writes "[mysql_errno]: N" (connections) or "[mysql_stmt_errno]: N" (statements).
    static const std::string marker = "errno]: ";
    auto pos = text.find(marker);
    if (pos == std::string::npos) return 0;
    unsigned code = 0;
    for (pos += marker.size(); pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && code < 100000; ++pos)
        code = code * 10 + static_cast<unsigned>(text[pos] - '0');
    return code;
}

MysqlSessions::MysqlSessions(MysqlSettings settings, std::function<void(Poco::Data::Session&)> onConnect)
    : settings_(std::move(settings)), onConnect_(std::move(onConnect)) {
    if (settings_.database.empty()) throw sdk::PermanentError("coredns_mysql: database is required");
    if (settings_.username.empty()) throw sdk::PermanentError("coredns_mysql: username is required");
    checkConnectionValue("host", settings_.host);
    checkConnectionValue("database", settings_.database);
    checkConnectionValue("username", settings_.username);
    checkConnectionValue("password", settings_.password);
    connectionString_ = "host=" + settings_.host + ";port=" + std::to_string(settings_.port) + ";db=" + settings_.database +
                        ";user=" + settings_.username + ";password=" + settings_.password + ";character-set=utf8mb4";
    initLibrary();
}

MysqlSessions::~MysqlSessions() = default;

std::unique_ptr<Poco::Data::Session> MysqlSessions::acquire() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_.empty()) {
            auto s = std::move(idle_.back());
            idle_.pop_back();
            return s;
        }
    }
    Poco::AutoPtr<Poco::Data::SessionImpl> impl(
        new Poco::Data::MySQL::SessionImpl(connectionString_, static_cast<std::size_t>(settings_.connectTimeout.count())));
    auto session = std::make_unique<Poco::Data::Session>(impl);
    if (onConnect_) {
        uint64_t watched = watch(*session);
        try {
            onConnect_(*session);
        } catch (...) {
            watchdog_.disarm(watched);
            throw;
        }
        watchdog_.disarm(watched);
    }
    return session;
}

uint64_t MysqlSessions::watch(Poco::Data::Session& session) {
    MYSQL* handle = Poco::Data::MySQL::Utility::handle(session);
    int fd = handle ? static_cast<int>(mysql_get_socket(handle)) : -1;
    if (fd < 0) return 0;
    return watchdog_.arm(fd, std::chrono::steady_clock::now() + settings_.ioTimeout);
}

IoWatchdog::IoWatchdog() : thread_([this] { run(); }) {}

IoWatchdog::~IoWatchdog() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

uint64_t IoWatchdog::arm(int fd, std::chrono::steady_clock::time_point deadline) {
    std::lock_guard<std::mutex> lock(mutex_);
    uint64_t id = next_++;
    calls_[id] = {fd, deadline};
    return id;
}

void IoWatchdog::disarm(uint64_t id) {
    if (id == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.erase(id);
}

void IoWatchdog::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        wake_.wait_for(lock, std::chrono::milliseconds(250));
        auto now = std::chrono::steady_clock::now();
        for (auto it = calls_.begin(); it != calls_.end();) {
            // Under the lock, so the call cannot finish and its socket be reused meanwhile.
            if (it->second.second <= now) {
                ::shutdown(it->second.first, SHUT_RDWR);
                it = calls_.erase(it);
            } else {
                ++it;
            }
        }
    }
}

void MysqlSessions::release(std::unique_ptr<Poco::Data::Session> session) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < settings_.poolSize) idle_.push_back(std::move(session));
}

void MysqlSessions::fail(const std::string& what, bool& reusable) const {
    std::string where = what + " on " + settings_.describe() + ": ";
    try {
        throw;
    } catch (const sdk::Error&) {
        throw;
    } catch (const Poco::Exception& e) {
        std::string text = e.displayText();
        for (auto& c : text)
            if (c == '\n' || c == '\t') c = ' ';
        unsigned code = mysqlErrorNumber(text);
        if (code == 0 && text.find("Access denied") != std::string::npos) code = 1045;
        if (code == 0 && text.find("Unknown database") != std::string::npos) code = 1049;
        // A connection-level failure leaves the session unusable; statement errors do not.
        if (dynamic_cast<const Poco::Data::MySQL::ConnectionException*>(&e) || code == 2006 || code == 2013 || code == 0)
            reusable = false;
        if (permanentMysqlError(code)) throw sdk::PermanentError(where + readable(text, code));
        throw sdk::RetryableError(where + readable(text, code));
    } catch (const std::exception& e) {
        reusable = false;
        throw sdk::RetryableError(where + e.what());
    }
}

} // namespace dadns::coredns
