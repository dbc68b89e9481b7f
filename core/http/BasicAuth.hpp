// The API's HTTP Basic credentials. Reading the Authorization header and the constant-time
// comparison are the SDK's (sdk::parseBasicAuth, sdk::constantTimeEquals), shared with plugins
// that check credentials themselves.
#pragma once

#include <dadns/sdk/basic_auth.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace dadns {

class Credentials {
public:
    Credentials(std::string user, std::string password) : user_(std::move(user)), password_(std::move(password)) {}
    bool check(std::string_view user, std::string_view password) const {
        // Both compared always: no shortcut on a wrong user name.
        bool userOk = sdk::constantTimeEquals(user, user_);
        bool passwordOk = sdk::constantTimeEquals(password, password_);
        return userOk && passwordOk;
    }

private:
    std::string user_;
    std::string password_;
};

} // namespace dadns
