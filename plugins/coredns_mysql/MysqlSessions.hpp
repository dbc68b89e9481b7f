// A small pool of Poco::Data::MySQL sessions to one database, and the classification of MySQL
// errors into retryable (the server is down, restarting, or busy) and permanent (credentials,
// a missing database or table, data the table refuses).
#pragma once

#include <Poco/Data/Session.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <thread>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dadns::coredns {

// "" when value can go into the connection string (host, database, user, password), else why not.
std::string connectionValueProblem(const std::string& value);

struct MysqlSettings {
    std::string host = "127.0.0.1";
    unsigned port = 3306;
    std::string database;
    std::string username;
    std::string password;
    std::chrono::seconds connectTimeout{5};
    std::chrono::seconds ioTimeout{30}; // a read or write on an open connection
    size_t poolSize = 8;

    std::string describe() const; // user@host:port/database, no secret
};

// Shuts down the socket of a call that outlives its deadline, so a server that stops
// answering fails the call (a retryable "lost connection") instead of holding a lane worker.
// Poco 1.11 opens the connection in its constructor, before a read timeout could be set.
class IoWatchdog {
public:
    IoWatchdog();
    ~IoWatchdog();
    uint64_t arm(int fd, std::chrono::steady_clock::time_point deadline);
    void disarm(uint64_t id);

private:
    void run();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<uint64_t, std::pair<int, std::chrono::steady_clock::time_point>> calls_;
    uint64_t next_ = 1;
    bool stop_ = false;
    std::thread thread_;
};

class MysqlSessions {
public:
    // onConnect runs once on every new session (schema checks, session settings).
    MysqlSessions(MysqlSettings settings, std::function<void(Poco::Data::Session&)> onConnect);
    ~MysqlSessions();

    // Runs fn with a session; a session whose connection failed is closed, not reused. Any
    // MySQL or Poco error leaves as RetryableError or PermanentError with a clear message.
    template <class Fn>
    auto with(const std::string& what, Fn&& fn) -> decltype(fn(std::declval<Poco::Data::Session&>()));

    const MysqlSettings& settings() const { return settings_; }

private:
    std::unique_ptr<Poco::Data::Session> acquire();
    uint64_t watch(Poco::Data::Session& session);
    void release(std::unique_ptr<Poco::Data::Session> session);
    [[noreturn]] void fail(const std::string& what, bool& reusable) const;

    MysqlSettings settings_;
    std::string connectionString_;
    std::function<void(Poco::Data::Session&)> onConnect_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Poco::Data::Session>> idle_;
    IoWatchdog watchdog_;
};

template <class Fn>
auto MysqlSessions::with(const std::string& what, Fn&& fn) -> decltype(fn(std::declval<Poco::Data::Session&>())) {
    std::unique_ptr<Poco::Data::Session> session;
    uint64_t watched = 0;
    bool reusable = true;
    try {
        session = acquire();
        watched = watch(*session);
        if constexpr (std::is_void_v<decltype(fn(*session))>) {
            fn(*session);
            watchdog_.disarm(watched);
            release(std::move(session));
        } else {
            auto result = fn(*session);
            watchdog_.disarm(watched);
            release(std::move(session));
            return result;
        }
    } catch (...) {
        watchdog_.disarm(watched);
        if (session && session->isTransaction()) {
            try { session->rollback(); } catch (...) { reusable = false; }
        }
        try {
            fail(what, reusable);
        } catch (...) {
            if (session && reusable) release(std::move(session));
            throw;
        }
    }
}

// MySQL error numbers that retrying cannot fix: access denied, unknown database or table,
// refused data, syntax.
bool permanentMysqlError(unsigned code);

// The MySQL error number in a Poco MySQL exception's text, or 0.
unsigned mysqlErrorNumber(const std::string& text);

} // namespace dadns::coredns
