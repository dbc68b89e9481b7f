// One HTTP request as route handlers see it, and the response they fill in.
#pragma once

#include <map>
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

struct ApiResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

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
