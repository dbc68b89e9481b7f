// named's DNS address from the `server` setting: "HOST:PORT", HOST an IPv4 address, an IPv6
// address in brackets ("[::1]:53") or a host name.
#pragma once

#include <cstdint>
#include <string>

namespace dadns::bind {

struct ServerAddress {
    std::string host; // without brackets
    uint16_t port = 0;

    std::string text() const { return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port); }
};

// "" when text is a valid address; otherwise what is wrong with it.
std::string serverAddressProblem(const std::string& text);
// The address; call only when serverAddressProblem(text) is "".
ServerAddress parseServerAddress(const std::string& text);

} // namespace dadns::bind
