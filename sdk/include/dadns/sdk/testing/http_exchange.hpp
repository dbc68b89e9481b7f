// An HTTP request as a test hands it to a plugin's route, and the reply the route wrote: the
// C request and response writer the daemon would build, without a socket.
#pragma once

#include <dadns/abi.h>
#include <dadns/sdk/types.hpp>

#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dadns::sdk::testing {

struct HttpCall {
    std::string method = "GET";
    std::string path = "/";          // a "?query" tail is split off into query
    std::string query;               // raw, without '?'
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // The user the daemon's Basic auth let through; empty = none. The fake does not apply the
    // daemon's auth rules: say here what they would have decided.
    std::string authUser;
    std::string remoteAddress = "127.0.0.1";
    std::string httpVersion = "HTTP/1.1";

    static HttpCall make(std::string method, std::string path, std::string body = "") {
        HttpCall call;
        call.method = std::move(method);
        call.path = std::move(path);
        call.body = std::move(body);
        return call;
    }
    HttpCall& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    // Adds "Authorization: Basic ..." for user:password.
    HttpCall& basicAuth(std::string_view user, std::string_view password) {
        return header("Authorization", "Basic " + base64(std::string(user) + ":" + std::string(password)));
    }

    static std::string base64(std::string_view data) {
        static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string out;
        for (size_t i = 0; i < data.size(); i += 3) {
            unsigned n = static_cast<unsigned char>(data[i]) << 16;
            if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
            if (i + 2 < data.size()) n |= static_cast<unsigned char>(data[i + 2]);
            out += digits[(n >> 18) & 63];
            out += digits[(n >> 12) & 63];
            out += i + 1 < data.size() ? digits[(n >> 6) & 63] : '=';
            out += i + 2 < data.size() ? digits[n & 63] : '=';
        }
        return out;
    }
};

struct HttpReply {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // Case-insensitive; empty when absent.
    std::string header(std::string_view name) const {
        for (const auto& [k, v] : headers)
            if (sameText(k, name)) return v;
        return "";
    }
    static bool sameText(std::string_view a, std::string_view b) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
        return true;
    }
};

namespace detail {

// The response writer the daemon gives a handler: status clamped to 100-599, header lines with
// CR or LF dropped, body appended.
inline dadns_http_response replyWriter(HttpReply& reply) {
    dadns_http_response writer{};
    writer.struct_size = sizeof(writer);
    writer.writer_ctx = &reply;
    writer.set_status = [](void* w, int32_t code) { static_cast<HttpReply*>(w)->status = code >= 100 && code <= 599 ? code : 500; };
    writer.add_header = [](void* w, dadns_str name, dadns_str value) {
        std::string n(view(name)), v(view(value));
        if (n.find_first_of("\r\n") != std::string::npos || v.find_first_of("\r\n") != std::string::npos) return;
        static_cast<HttpReply*>(w)->headers.emplace_back(std::move(n), std::move(v));
    };
    writer.append_body = [](void* w, dadns_str data) { static_cast<HttpReply*>(w)->body.append(data.ptr ? data.ptr : "", data.len); };
    return writer;
}

inline std::string upperCase(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

// The call as the daemon parses it: query split off the path, method in upper case.
inline HttpCall normalized(HttpCall call) {
    auto mark = call.path.find('?');
    if (mark != std::string::npos) {
        if (call.query.empty()) call.query = call.path.substr(mark + 1);
        call.path.erase(mark);
    }
    call.method = upperCase(std::move(call.method));
    return call;
}

// Calls handler with a normalized call as the daemon would; the reply starts as 200, empty.
inline HttpReply exchange(dadns_http_handler handler, void* handlerCtx, const HttpCall& call) {
    std::vector<dadns_http_header> headers;
    headers.reserve(call.headers.size());
    for (const auto& [n, v] : call.headers) headers.push_back({str(n), str(v)});
    dadns_http_request req{};
    req.struct_size = sizeof(req);
    req.method = str(call.method);
    req.path = str(call.path);
    req.query = str(call.query);
    req.headers = headers.data();
    req.header_count = headers.size();
    req.body = str(call.body);
    req.remote_address = str(call.remoteAddress);
    req.http_version = str(call.httpVersion);
    req.auth_user = str(call.authUser);
    HttpReply reply;
    reply.status = 200;
    dadns_http_response writer = replyWriter(reply);
    handler(handlerCtx, &req, &writer);
    return reply;
}

} // namespace detail
} // namespace dadns::sdk::testing
