// An API response as the bytes of an HTTP/1.1 answer.
#pragma once

#include "core/http/ApiExchange.hpp"

#include <string>

namespace dadns {

// Status line, Date, Server, the browser protections (Content-Security-Policy, ...),
// Content-Type, Content-Length (none for a streamed answer, which always closes), Connection and the response's own
// headers; the body unless headOnly (HEAD). Every 503 carries Retry-After (1 s unless the
// response set one): a client told "busy" is always told when to come back.
std::string renderHttpResponse(const ApiResponse& response, bool headOnly, bool keepAlive);

// The response asks for the connection to close ("Connection: close", any case).
bool wantsClose(const ApiResponse& response);

// The reason phrase of a status code ("Not Found").
std::string httpReason(int status);

} // namespace dadns
