// Bounded waiting for a pooled database session, shared by the SQLite and PostgreSQL stores.
//
// Poco's SessionPool throws "No more sessions available" the moment every session is in use,
// so a burst of concurrent reads fails although a session would be free a moment later. Every
// use of a store's pool therefore passes a gate with as many places as the pool has sessions:
// a caller waits for a place, and then the pool is sure to have a session for it. The wait is
// bounded: past maxWait the store is busy and the caller gets Unavailable (HTTP 503 with
// Retry-After), instead of piling up behind a store that does not keep up.
#pragma once

#include "core/util/Errors.hpp"

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Exception.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>

namespace dadns {

// How long a store call waits for a session before answering "store busy".
inline constexpr std::chrono::milliseconds kDefaultSessionWait{10000};

class SessionGate {
public:
    SessionGate(size_t places, std::chrono::milliseconds maxWait);
    SessionGate(const SessionGate&) = delete;
    SessionGate& operator=(const SessionGate&) = delete;

    // Takes a place, waiting up to maxWait; throws Unavailable naming what when none freed up.
    void enter(const std::string& what);
    void leave();

    // A place held for a scope.
    class Pass {
    public:
        Pass(SessionGate& gate, const std::string& what) : gate_(gate) { gate_.enter(what); }
        ~Pass() { gate_.leave(); }
        Pass(const Pass&) = delete;
        Pass& operator=(const Pass&) = delete;

    private:
        SessionGate& gate_;
    };

private:
    std::mutex mutex_;
    std::condition_variable freed_;
    size_t free_;
    std::chrono::milliseconds maxWait_;
};

// Runs fn(session) with a session of pool taken through gate (waiting for one, bounded), turning
// Poco's errors into std::runtime_error naming what.
template <class Fn>
auto withSession(SessionGate& gate, Poco::Data::SessionPool& pool, const char* what, Fn&& fn) {
    SessionGate::Pass pass(gate, what);
    try {
        Poco::Data::Session s(pool.get()); // released to the pool before the pass frees its place
        return fn(s);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error(std::string("store: ") + what + " failed: " + e.displayText());
    }
}

} // namespace dadns
