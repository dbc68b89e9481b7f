// One HTTP request as route handlers see it, and the response they fill in.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dadns {

struct ApiRequest {
    std::string method;
    std::string path;                               // without the query string
    std::string query;                              // raw, without '?'
    std::multimap<std::string, std::string> params; // decoded query parameters
    std::map<std::string, std::string> pathParams;  // {zone} etc. from the route pattern
    std::vector<std::pair<std::string, std::string>> headers;
    std::string contentType;
    std::string body;
    std::string remoteAddress;
    std::string httpVersion;
    std::string authUser;                           // empty unless Basic auth succeeded

    // First value of a query parameter, or def.
    std::string param(const std::string& name, const std::string& def = "") const;
    bool hasParam(const std::string& name) const { return params.count(name) != 0; }
    std::string header(const std::string& name) const; // case-insensitive, first value
};

// The rest of a body that goes on after its handler returned (server-sent events). The
// connection layer asks for more as the client takes it, on its own thread, and ends the answer
// (closing the connection) when the client goes, stalls, or the server stops.
class ResponseStream {
public:
    virtual ~ResponseStream() = default;
    // Bytes due now, about maxBytes at most; empty when there are none. Quick: runs on the
    // connection layer's thread, never blocks.
    virtual std::string next(size_t maxBytes, int64_t nowMs) = 0;
};

struct ApiResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Set: body is the start of an answer without a length that continues from the stream
    // until the connection closes.
    std::shared_ptr<ResponseStream> stream;

    void json(int code, std::string text) {
        status = code;
        contentType = "application/json";
        body = std::move(text);
    }
    void text(int code, std::string text, std::string type = "text/plain; charset=utf-8") {
        status = code;
        contentType = std::move(type);
        body = std::move(text);
    }
};

// {"error": message} with the message JSON-escaped (sdk::jsonQuote).
std::string jsonError(const std::string& message);

} // namespace dadns
