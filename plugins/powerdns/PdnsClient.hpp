// HTTP calls to one PowerDNS server's API: a pool of keep-alive sessions (reused when the
// server keeps connections open; PowerDNS's own webserver closes each one), timeouts, retries
// of transient failures, and errors that name the server and carry PowerDNS's own text.
#pragma once

#include "PdnsSettings.hpp"

#include <Poco/Net/HTTPClientSession.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dadns::powerdns {

struct PdnsResponse {
    int status = 0;
    std::string body;
    bool ok() const { return status >= 200 && status < 300; }
};

class PdnsClient {
public:
    // onCall(method, outcome) is called once per HTTP exchange; outcome is the status code or
    // "error" when no answer came.
    using CallObserver = std::function<void(const std::string& method, const std::string& outcome)>;

    PdnsClient(const PdnsSettings& settings, CallObserver onCall);

    // method on <base>/api/v1/servers/<server_id><path>. Connection failures, timeouts, 429 and
    // 5xx are tried again (retry_attempts, retry_delay), then thrown as RetryableError; 401
    // and 403 throw PermanentError at once. Any other status is returned to the caller.
    PdnsResponse call(const std::string& method, const std::string& path, const std::string& body = "");

    // Throws the error a response the caller cannot use stands for: PermanentError for 4xx,
    // RetryableError otherwise. what says what was being done ("creating zone example.com").
    [[noreturn]] void fail(const PdnsResponse& r, const std::string& what) const;

    // "server 'ns1' (http://...)", for messages.
    std::string describe() const;

private:
    std::unique_ptr<Poco::Net::HTTPClientSession> acquire();
    std::unique_ptr<Poco::Net::HTTPClientSession> newSession() const;
    // One call without retries; nullopt (and error set) when no answer came.
    std::optional<PdnsResponse> attempt(const std::string& method, const std::string& uri, const std::string& body, std::string& error);
    void release(std::unique_ptr<Poco::Net::HTTPClientSession> session);
    // One exchange; throws Poco exceptions when no answer came.
    PdnsResponse exchange(Poco::Net::HTTPClientSession& session, const std::string& method, const std::string& uri,
                          const std::string& body);

    PdnsSettings settings_;
    CallObserver onCall_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle_;
};

// PowerDNS's {"error": "..."} text of a response, or the start of its body.
std::string pdnsErrorText(const PdnsResponse& r);

} // namespace dadns::powerdns
