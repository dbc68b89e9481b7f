#include "support/DirectAdminClient.hpp"

namespace dadns::test {

HttpResponse directAdminRequest(int port, const std::string& method, const std::string& target, const std::string& body,
                                const std::string& user, const std::string& password, bool tls) {
    std::string req = method + " " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: DirectAdmin\r\n";
    if (!user.empty()) req += "Authorization: Basic " + base64(user + ":" + password) + "\r\n";
    if (method == "POST")
        req += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    return rawHttp(port, req + "\r\n" + body, tls);
}

} // namespace dadns::test
