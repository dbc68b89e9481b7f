// DirectAdmin's wire format: parameters from the query string and an urlencoded body (the
// body wins), replies as urlencoded key=value text, Basic credentials.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dadns::directadmin {

using Params = std::map<std::string, std::string>;

// Query parameters, overridden by the body's when it is a form (not for rawsave, whose body is
// the zone file).
Params requestParams(std::string_view query, std::string_view body, bool bodyIsForm);

// "error=0&exists=1&details=..." in the given order, values urlencoded.
std::string reply(const std::vector<std::pair<std::string, std::string>>& fields);
std::string errorReply(const std::string& text);

// {user, password} from an "Authorization: Basic ..." header value.
std::optional<std::pair<std::string, std::string>> basicCredentials(std::string_view header);

} // namespace dadns::directadmin
