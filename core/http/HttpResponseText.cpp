#include "core/http/HttpResponseText.hpp"

#include <Poco/Net/HTTPResponse.h>

#include <ctime>
#include <strings.h>

namespace dadns {

std::string httpReason(int status) {
    return Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
}

namespace {

std::string httpDate() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

} // namespace

bool wantsClose(const ApiResponse& response) {
    if (response.stream) return true;
    for (const auto& [name, value] : response.headers)
        if (strcasecmp(name.c_str(), "Connection") == 0 && strcasecmp(value.c_str(), "close") == 0) return true;
    return false;
}

namespace {

bool splitsHead(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

// Headers the framing below owns: a handler (or plugin) setting them would desynchronise the client.
bool framingHeader(const std::string& name) {
    for (const char* owned : {"Connection", "Content-Length", "Transfer-Encoding", "Date", "Server"})
        if (strcasecmp(name.c_str(), owned) == 0) return true;
    return false;
}

// Every answer, JSON included, tells a browser to run only the console's own files, to sniff
// no type and to frame nothing: zone data is hostile input, and the console shows it.
const char* const kBrowserProtection =
    "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'; trusted-types 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer\r\n";

} // namespace

std::string renderHttpResponse(const ApiResponse& response, bool headOnly, bool keepAlive) {
    // Interim (1xx) statuses cannot be a final answer, and 204/304 carry no body: an answer
    // that says otherwise is a handler's bug, sent as a 500 rather than as broken framing.
    int status = response.status;
    bool noBody = status == 204 || status == 304;
    if (status < 200 || status > 599 || (noBody && !response.body.empty())) status = 500;
    bool bodyless = status == 204 || status == 304;
    static const std::string none;
    const std::string& body = status == response.status ? response.body : none;
    std::string out;
    out.reserve(256 + (headOnly ? 0 : body.size()));
    out += "HTTP/1.1 " + std::to_string(status) + " " + httpReason(status) + "\r\n";
    out += "Date: " + httpDate() + "\r\nServer: dadns\r\n";
    out += kBrowserProtection;
    if (!response.contentType.empty() && !splitsHead(response.contentType)) out += "Content-Type: " + response.contentType + "\r\n";
    bool streamed = response.stream && status == response.status;
    if (!bodyless && !streamed) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    bool retryAfter = false;
    for (const auto& [name, value] : response.headers) {
        if (framingHeader(name) || splitsHead(name) || splitsHead(value)) continue; // never split or reframe the head
        if (strcasecmp(name.c_str(), "Retry-After") == 0) retryAfter = true;
        out += name + ": " + value + "\r\n";
    }
    if (status == 503 && !retryAfter) out += "Retry-After: 1\r\n";
    // A streamed body has no length: its end is the connection's.
    out += keepAlive && !streamed ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    if (!headOnly) out += body;
    return out;
}

} // namespace dadns
