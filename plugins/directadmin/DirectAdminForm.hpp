// DirectAdmin's wire format: parameters from the query string and an urlencoded body, replies
// as urlencoded key=value text (its Basic credentials are sdk::parseBasicAuth's); and the checks
// of the values DirectAdmin sends about itself (hostname, username).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dadns::directadmin {

using Params = std::map<std::string, std::string>;

// Query parameters and, when the body is a form (not for rawsave, whose body is the zone file),
// the body's. A parameter given twice with different values (twice in one of them, or once in
// each) throws sdk::PermanentError naming it: which one was meant cannot be known, and taking
// the last would act on a name nobody checked. The same value twice means one thing and is
// accepted.
Params requestParams(std::string_view query, std::string_view body, bool bodyIsForm);

// "error=0&exists=1&details=..." in the given order, values urlencoded.
std::string reply(const std::vector<std::pair<std::string, std::string>>& fields);
std::string errorReply(const std::string& text);

// The DirectAdmin server's host name as it sends it (hostname=), lower case; "" when not given.
// Throws sdk::PermanentError unless it is a host name (letters, digits, '-', '_' in labels of
// 1 to 63, dots between, at most 253): nothing else is stored, logged or echoed back.
std::string checkHostname(std::string_view value);
// The DirectAdmin user (username=); "" when not given. Throws sdk::PermanentError unless it is
// 1 to 64 letters, digits, '.', '_' or '-'.
std::string checkUsername(std::string_view value);

// value with every byte outside printable ASCII as \xNN, cut at 64 bytes: safe to quote in an
// error text.
std::string printable(std::string_view value);

} // namespace dadns::directadmin
