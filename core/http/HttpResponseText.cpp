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

std::string renderHttpResponse(const ApiResponse& response, bool headOnly, bool keepAlive) {
    std::string out;
    out.reserve(256 + (headOnly ? 0 : response.body.size()));
    out += "HTTP/1.1 " + std::to_string(response.status) + " " + httpReason(response.status) + "\r\n";
    out += "Date: " + httpDate() + "\r\nServer: dadns\r\n";
    if (!response.contentType.empty()) out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    bool retryAfter = false;
    for (const auto& [name, value] : response.headers) {
        if (strcasecmp(name.c_str(), "Connection") == 0 || strcasecmp(name.c_str(), "Content-Length") == 0) continue;
        if ((name + value).find_first_of("\r\n") != std::string::npos) continue; // never split the head
        if (strcasecmp(name.c_str(), "Retry-After") == 0) retryAfter = true;
        out += name + ": " + value + "\r\n";
    }
    if (response.status == 503 && !retryAfter) out += "Retry-After: 1\r\n";
    out += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    if (!headOnly) out += response.body;
    return out;
}

} // namespace dadns
