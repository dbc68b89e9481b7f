// Which requests a browser made on behalf of another site. Such a request could carry the
// credentials a browser remembers for the API (Basic auth) without its user meaning to, so a
// mutation from another site is refused (cross-site request forgery). Clients that are not
// browsers (curl, DirectAdmin, peers) send neither header below and are not affected.
#pragma once

#include "core/http/HttpRequestParser.hpp"

#include <optional>
#include <string>

namespace dadns {

// Why the request must be refused, or nullopt. Safe methods (GET, HEAD, OPTIONS) always pass.
// A mutation passes when the browser says it comes from the page's own origin
// (Sec-Fetch-Site: same-origin or none) or, for browsers without Fetch Metadata, when its Origin
// names the host it was sent to; any other Sec-Fetch-Site or Origin is refused.
std::optional<std::string> crossSiteRefusal(const HttpRequestHead& head);

// Whether a 401 should carry the Basic challenge (WWW-Authenticate): to a page navigation or a
// client that is not a browser, yes; to a page's script (Sec-Fetch-Mode cors, same-origin, ...)
// no, so the browser shows no login dialog of its own and the console asks instead.
bool wantsAuthChallenge(const HttpRequestHead& head);

} // namespace dadns
