// HTTP Basic credentials: parsing the header and comparing in constant time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace dadns {

// {user, password} from an "Authorization: Basic ..." value; nullopt when absent or malformed.
std::optional<std::pair<std::string, std::string>> parseBasicAuth(const std::string& headerValue);

// Compares without an early exit, so the time taken does not reveal how much matched.
bool constantTimeEquals(std::string_view a, std::string_view b);

class Credentials {
public:
    Credentials(std::string user, std::string password) : user_(std::move(user)), password_(std::move(password)) {}
    bool check(std::string_view user, std::string_view password) const {
        // Both compared always: no shortcut on a wrong user name.
        bool userOk = constantTimeEquals(user, user_);
        bool passwordOk = constantTimeEquals(password, password_);
        return userOk && passwordOk;
    }

private:
    std::string user_;
    std::string password_;
};

} // namespace dadns
