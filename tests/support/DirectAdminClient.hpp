// Requests exactly as DirectAdmin's Multi-Server sends them: HTTP/1.0, Basic auth,
// urlencoded form bodies (or the raw zone file for rawsave).
#pragma once

#include "support/TestSupport.hpp"

namespace dadns::test {

HttpResponse directAdminRequest(int port, const std::string& method, const std::string& target, const std::string& body = "",
                                const std::string& user = "admin", const std::string& password = "secret", bool tls = false);

} // namespace dadns::test
