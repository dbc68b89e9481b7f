// Exception types the core throws; the HTTP layer maps each to a status code.
#pragma once

#include <stdexcept>
#include <string>

namespace dadns {

// The caller's input is wrong (HTTP 400): bad zone name, unparsable zone, bad JSON.
struct InvalidInput : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A zone's master file text could not be parsed; line is 1-based (0 when not tied to a line).
struct ZoneParseError : InvalidInput {
    ZoneParseError(int line, const std::string& reason)
        : InvalidInput(line > 0 ? "line " + std::to_string(line) + ": " + reason : reason), line(line), reason(reason) {}
    int line;
    std::string reason;
};

// A named thing does not exist (HTTP 404).
struct NotFound : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The configuration is unusable; names the key and what is wrong.
struct ConfigError : std::runtime_error {
    ConfigError(const std::string& key, const std::string& what)
        : std::runtime_error(key.empty() ? what : key + ": " + what), key(key) {}
    std::string key;
};

// Temporarily unavailable (HTTP 503 with Retry-After): the store or the server is saturated
// and the same request can succeed later. retryAfterSeconds is the caller's hint for when.
struct Unavailable : std::runtime_error {
    explicit Unavailable(const std::string& what, int retryAfterSeconds = 1)
        : std::runtime_error(what), retryAfterSeconds(retryAfterSeconds) {}
    int retryAfterSeconds;
};

// An error with an explicit HTTP status (409 conflict, 413 too large, 503 unavailable, ...).
struct HttpError : std::runtime_error {
    HttpError(int status, const std::string& what) : std::runtime_error(what), status(status) {}
    int status;
};

} // namespace dadns
