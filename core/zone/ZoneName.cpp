#include "core/zone/ZoneName.hpp"

#include "core/util/Errors.hpp"

#include <string>
#include <vector>

namespace dadns {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string printable(std::string_view s) {
    std::string out;
    for (unsigned char c : s.substr(0, 80)) {
        if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
        else out += "\\" + std::to_string(c);
    }
    return out + (s.size() > 80 ? "..." : "");
}

// Checks one label; wildcardAllowed for the leftmost label of an owner name.
void checkLabel(std::string_view label, std::string_view name, bool wildcardAllowed) {
    auto fail = [&](const std::string& why) { throw InvalidInput("invalid name '" + printable(name) + "': " + why); };
    if (label.empty()) fail("empty label");
    if (label.size() > 63) fail("label longer than 63 octets");
    if (label == "*") {
        if (!wildcardAllowed) fail("a wildcard is only allowed as the leftmost label of an owner name");
        return;
    }
    for (char c : label) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (ok) continue;
        if (c == '\0') fail("contains a NUL byte");
        if (c == '/') fail("contains '/'");
        if (c == '\\') fail("contains '\\'");
        if (c == '*') fail("a wildcard must be a whole label");
        fail(std::string("contains '") + (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f ? std::string(1, c) : "\\" + std::to_string(static_cast<unsigned char>(c))) +
             "' (labels use letters, digits, '-', '_'; IDNs as punycode)");
    }
    if (label.front() == '-' || label.back() == '-') fail("a label must not start or end with '-'");
}

// Splits a lower-case name without its trailing dot; validates every label and the length.
void checkName(const std::string& name, std::string_view original, bool wildcardAllowed) {
    if (name.empty()) throw InvalidInput("invalid name: empty");
    if (name.size() > 253) throw InvalidInput("invalid name '" + printable(original) + "': longer than 253 octets");
    size_t start = 0;
    bool first = true;
    while (true) {
        size_t dot = name.find('.', start);
        std::string_view label(name.data() + start, (dot == std::string::npos ? name.size() : dot) - start);
        checkLabel(label, original, wildcardAllowed && first);
        first = false;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
}

} // namespace

std::string normalizeZoneName(std::string_view name) {
    std::string n = lower(name);
    if (n.size() > 1 && n.back() == '.') n.pop_back();
    if (n == ".") throw InvalidInput("invalid zone name: the root zone is not managed");
    checkName(n, name, false);
    return n;
}

std::string normalizeOwnerName(std::string_view owner, std::string_view zone) {
    std::string z = lower(zone);
    if (!z.empty() && z.back() == '.') z.pop_back();
    std::string o = lower(owner);
    std::string absolute;
    if (o == "@" || o.empty()) {
        absolute = z;
    } else if (o.back() == '.') {
        absolute = o.substr(0, o.size() - 1);
    } else {
        absolute = o + "." + z;
    }
    checkName(absolute, owner, true);
    if (absolute != z && (absolute.size() <= z.size() || absolute.compare(absolute.size() - z.size(), z.size(), z) != 0 ||
                          absolute[absolute.size() - z.size() - 1] != '.'))
        throw InvalidInput("owner '" + printable(owner) + "' is outside the zone " + z);
    return absolute + ".";
}

} // namespace dadns
