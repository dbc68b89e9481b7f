// named's control channel spoken directly: the rndc protocol (BIND's isccc messages over TCP,
// signed with the rndc key's HMAC) on one long-lived connection, so a command costs a round
// trip instead of an rndc process.
//
// named reads one request per connection at a time and drops bytes that arrive with it, so
// commands go strictly one after another (the channel serializes its callers). The first
// message on a connection only fetches named's nonce; every later one carries it. A connection
// that fails is dropped and the next command opens a new one; a command whose connection turns
// out dead before any answer arrived (named restarted, idle connection closed) is sent once
// more on a fresh connection: the commands dadns sends are safe to repeat.
#pragma once

#include "RndcConfig.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace dadns::bind {

class RndcChannel {
public:
    struct Answer {
        enum class Status {
            Ok,          // named ran the command
            Failed,      // named answered that it did not (result != 0): see result and error
            Unreachable, // no answer from named: connect, authentication, protocol or timeout
        };
        Status status = Status::Unreachable;
        uint32_t result = 0; // named's result code (0: success), when it answered
        std::string text;    // what named printed (rndc's output)
        std::string error;   // named's error text, or why there was no answer

        bool ok() const { return status == Status::Ok; }
        // "reload example.com: not found" style, for logs and retry messages.
        std::string describe() const;
    };

    // timeout bounds connecting and each wait for an answer.
    RndcChannel(RndcEndpoint endpoint, std::chrono::milliseconds timeout);
    ~RndcChannel();
    RndcChannel(const RndcChannel&) = delete;
    RndcChannel& operator=(const RndcChannel&) = delete;

    // Runs one command line as rndc would send it ("reload example.com", "addzone example.com
    // { type primary; file \"/x\"; };"). Thread-safe; never throws for network or protocol
    // problems (they come back as Unreachable).
    Answer command(const std::string& text);
    // Drops the connection; the next command opens a new one.
    void close();

    const RndcEndpoint& endpoint() const { return endpoint_; }
    // Connections opened so far (each costs named a nonce exchange): tests and benchmarks check
    // that commands share one.
    uint64_t connectionsOpened() const { return connectionsOpened_; }

private:
    struct Connection;
    std::unique_ptr<Connection> open(std::string& error);
    RndcEndpoint endpoint_;
    std::chrono::milliseconds timeout_;
    std::mutex mutex_;
    std::unique_ptr<Connection> connection_;
    uint32_t serial_; // _ser of the next message: named refuses a repeated (_ser, _tim)
    std::atomic<uint64_t> connectionsOpened_{0};
};

} // namespace dadns::bind
