// C++ views of the HTTP requests the host routes to a plugin, and the response it builds.
#pragma once

#include <dadns/sdk/types.hpp>

#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dadns::sdk {

// Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a byte).
inline std::string urlDecode(std::string_view in) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '+') out.push_back(' ');
        else if (c == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
            i += 2;
        } else out.push_back(c);
    }
    return out;
}

inline std::string urlEncode(std::string_view in) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (char ch : in) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(ch);
        else {
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 15]);
        }
    }
    return out;
}

// Parses "a=1&b=2" into a map; a later duplicate key wins.
inline std::map<std::string, std::string> parseForm(std::string_view text) {
    std::map<std::string, std::string> out;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t amp = text.find('&', pos);
        if (amp == std::string_view::npos) amp = text.size();
        std::string_view pair = text.substr(pos, amp - pos);
        if (!pair.empty()) {
            size_t eq = pair.find('=');
            if (eq == std::string_view::npos) out[urlDecode(pair)] = "";
            else out[urlDecode(pair.substr(0, eq))] = urlDecode(pair.substr(eq + 1));
        }
        pos = amp + 1;
    }
    return out;
}

struct Request {
    std::string_view method, path, query, body, remoteAddress, httpVersion, authUser;
    std::vector<std::pair<std::string_view, std::string_view>> headers;

    explicit Request(const dadns_http_request& r)
        : method(view(r.method)), path(view(r.path)), query(view(r.query)), body(view(r.body)),
          remoteAddress(view(r.remote_address)), httpVersion(view(r.http_version)), authUser(view(r.auth_user)) {
        headers.reserve(r.header_count);
        for (size_t i = 0; i < r.header_count; ++i) headers.emplace_back(view(r.headers[i].name), view(r.headers[i].value));
    }

    // Case-insensitive header lookup; empty when absent.
    std::string_view header(std::string_view name) const {
        for (const auto& [k, v] : headers) {
            if (k.size() != name.size()) continue;
            bool same = true;
            for (size_t i = 0; i < k.size() && same; ++i)
                same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(name[i]));
            if (same) return v;
        }
        return {};
    }
    std::map<std::string, std::string> queryParams() const { return parseForm(query); }
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    Response& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    Response& json(int code, std::string text) {
        status = code;
        header("Content-Type", "application/json");
        body = std::move(text);
        return *this;
    }
    Response& text(int code, std::string text, std::string contentType = "text/plain") {
        status = code;
        header("Content-Type", std::move(contentType));
        body = std::move(text);
        return *this;
    }
    void writeTo(const dadns_http_response& out) const {
        out.set_status(out.writer_ctx, status);
        for (const auto& [k, v] : headers) out.add_header(out.writer_ctx, str(k), str(v));
        out.append_body(out.writer_ctx, str(body));
    }
};

} // namespace dadns::sdk
