// The one validator for zone and owner names, used by every input path.
#pragma once

#include <string>
#include <string_view>

namespace dadns {

// Returns the canonical zone name: lower case, no trailing dot ("example.com").
// Throws InvalidInput naming what is wrong: empty or overlong labels (> 63 octets), more than
// 253 octets in all, characters outside LDH (letters, digits, hyphen; punycode "xn--" labels
// are LDH too; '_' is allowed for service labels like _dmarc), '/', '\\', NUL, "..", a leading
// or trailing hyphen in a label, a wildcard.
std::string normalizeZoneName(std::string_view name);

// Validates an owner name given absolute ("www.example.com.") or relative to zone ("www", "@",
// "*.dev") and returns it absolute, lower case, with the trailing dot. A wildcard is allowed
// only as the leftmost label. Throws InvalidInput when invalid or outside the zone.
std::string normalizeOwnerName(std::string_view owner, std::string_view zone);

} // namespace dadns
