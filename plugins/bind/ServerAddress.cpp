#include "ServerAddress.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace dadns::bind {

namespace {

struct Split {
    std::string host, port;
    bool bracketed = false;
};

Split split(const std::string& text) {
    Split s;
    // "[v6]:port": the port's colon is the one after the bracket.
    size_t colon = text.rfind(':');
    if (!text.empty() && text.front() == '[') colon = text.find("]:") == std::string::npos ? std::string::npos : text.find("]:") + 1;
    if (colon == std::string::npos) return s;
    s.host = text.substr(0, colon);
    s.port = text.substr(colon + 1);
    if (s.host.size() >= 2 && s.host.front() == '[' && s.host.back() == ']') {
        s.host = s.host.substr(1, s.host.size() - 2);
        s.bracketed = true;
    }
    return s;
}

bool isHostName(const std::string& host) {
    if (host.empty() || host.size() > 253) return false;
    size_t start = 0;
    while (start <= host.size()) {
        size_t end = std::min(host.find('.', start), host.size());
        std::string label = host.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label)
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
        start = end + 1;
    }
    return true;
}

std::string hostProblem(const Split& s) {
    unsigned char buf[16];
    if (s.bracketed) return inet_pton(AF_INET6, s.host.c_str(), buf) == 1 ? "" : "'" + s.host + "' is not an IPv6 address";
    if (s.host.find(':') != std::string::npos) return "write an IPv6 address in brackets: [" + s.host + "]:PORT";
    // Digits and dots only: an IPv4 address, not a name a resolver would read as one ("10.1").
    bool numeric = s.host.find_first_not_of("0123456789.") == std::string::npos;
    if (numeric) return inet_pton(AF_INET, s.host.c_str(), buf) == 1 ? "" : "'" + s.host + "' is not an IPv4 address";
    return isHostName(s.host) ? "" : "'" + s.host + "' is not a host name";
}

} // namespace

std::string serverAddressProblem(const std::string& text) {
    Split s = split(text);
    if (s.host.empty() || s.port.empty()) return "expected HOST:PORT, e.g. 127.0.0.1:53, got '" + text + "'";
    if (std::string problem = hostProblem(s); !problem.empty()) return problem;
    if (s.port.size() > 5 || s.port.find_first_not_of("0123456789") != std::string::npos || std::stol(s.port) < 1 ||
        std::stol(s.port) > 65535)
        return "port '" + s.port + "' is not a number from 1 to 65535";
    return "";
}

ServerAddress parseServerAddress(const std::string& text) {
    Split s = split(text);
    return ServerAddress{s.host, static_cast<uint16_t>(std::stol(s.port))};
}

} // namespace dadns::bind
