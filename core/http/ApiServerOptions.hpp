// The API's settings (app.listen_*, app.tls_*, http.*), with their defaults: stated here once;
// the configuration reads into these structs.
#pragma once

#include "core/http/HttpRequestParser.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace dadns {

struct HttpFrontEndOptions {
    std::string address = "127.0.0.1";
    int port = 2222;
    int tlsPort = -1;            // >= 0: an HTTPS listener too (0 = any free port)
    std::string tlsCert, tlsKey; // PEM files
    HttpParserLimits limits;
    size_t readThreads = 32;     // workers for reads (GET, HEAD, OPTIONS)
    size_t mutationThreads = 16; // workers for everything else
    size_t queue = 1024;         // requests waiting per pool before 503
    size_t maxConnections = 10000;
    size_t maxConnectionsPerClient = 256;
    uint32_t keepAliveRequests = 1000;
    std::chrono::milliseconds headerTimeout{10000};    // a request head must arrive within this
    std::chrono::milliseconds keepAliveTimeout{15000}; // idle time between requests
    std::chrono::milliseconds ioTimeout{30000};        // a body or an answer may pause this long
};

struct ApiServerOptions {
    HttpFrontEndOptions connections;
    bool publicStatus = true;    // reads without credentials
    size_t maxEventStreams = 64; // GET /api/v1/events readers at once (each holds a connection)
};

} // namespace dadns
