// One load thread's connection to dadns: keep-alive HTTP with Basic auth, every request timed
// and recorded by route. DirectAdmin requests go as DirectAdmin sends them (HTTP/1.0, one
// connection each).
#pragma once

#include "soak/SoakStats.hpp"

#include <Poco/Net/HTTPClientSession.h>

#include <memory>
#include <string>

namespace dadns::soak {

struct Reply {
    int status = -1;          // -1: no answer (refused, reset, timed out)
    std::string body;
    double retryAfterSec = -1;  // from a Retry-After header
    bool answered() const { return status > 0; }
};

class LoadClient {
public:
    LoadClient(int port, Recorder& recorder);

    // route: the label the request is counted under (e.g. "GET /api/v1/zones/{zone}").
    Reply call(const std::string& method, const std::string& path, const std::string& route, bool write,
               const std::string& body = "", const std::string& contentType = "");
    Reply directAdmin(const std::string& method, const std::string& target, const std::string& route, bool write,
                      const std::string& body = "");

private:
    Reply exchange(const std::string& method, const std::string& path, const std::string& body, const std::string& contentType);

    int port_;
    Recorder& recorder_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    bool reused_ = false;
};

} // namespace dadns::soak
