// A small pool of Poco::Data::MySQL sessions to one database, and the classification of MySQL
// errors into retryable (the server is down, restarting, or busy) and permanent (credentials,
// a missing database or table, data the table refuses).
#pragma once

#include <Poco/Data/Session.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dadns::coredns {

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
    void release(std::unique_ptr<Poco::Data::Session> session);
    [[noreturn]] void fail(const std::string& what, bool& reusable) const;

    MysqlSettings settings_;
    std::string connectionString_;
    std::function<void(Poco::Data::Session&)> onConnect_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Poco::Data::Session>> idle_;
};

template <class Fn>
auto MysqlSessions::with(const std::string& what, Fn&& fn) -> decltype(fn(std::declval<Poco::Data::Session&>())) {
    std::unique_ptr<Poco::Data::Session> session;
    bool reusable = true;
    try {
        session = acquire();
        if constexpr (std::is_void_v<decltype(fn(*session))>) {
            fn(*session);
            release(std::move(session));
        } else {
            auto result = fn(*session);
            release(std::move(session));
            return result;
        }
    } catch (...) {
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
