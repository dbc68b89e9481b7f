#include "DirectAdminForm.hpp"

#include <dadns/sdk/http.hpp>
#include <dadns/sdk/types.hpp>

#include <cctype>

namespace dadns::directadmin {
namespace {

// Adds the pairs of an urlencoded text to params; where says where they came from.
void addForm(Params& params, std::string_view text, const char* where, Params& seenIn) {
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t amp = text.find('&', pos);
        if (amp == std::string_view::npos) amp = text.size();
        std::string_view pair = text.substr(pos, amp - pos);
        pos = amp + 1;
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        std::string key = sdk::urlDecode(pair.substr(0, eq));
        std::string value = eq == std::string_view::npos ? std::string() : sdk::urlDecode(pair.substr(eq + 1));
        auto [it, fresh] = params.emplace(key, value);
        if (!fresh && it->second != value) {
            std::string first = seenIn[key], second = where;
            throw sdk::PermanentError("parameter '" + printable(key) + "' is given twice with different values (" +
                                      (first == second ? "twice in the " + first : "in the " + first + " and in the " + second) +
                                      "): send it once");
        }
        seenIn.emplace(key, where);
    }
}

bool hostChar(unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }

} // namespace

Params requestParams(std::string_view query, std::string_view body, bool bodyIsForm) {
    Params params, seenIn;
    addForm(params, query, "query string", seenIn);
    if (bodyIsForm) addForm(params, body, "body", seenIn);
    return params;
}

std::string reply(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + sdk::urlEncode(v);
    return out;
}

std::string errorReply(const std::string& text) { return reply({{"error", "1"}, {"text", text}}); }

std::string printable(std::string_view value) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : value.substr(0, 64)) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return value.size() > 64 ? out + "..." : out;
}

std::string checkHostname(std::string_view value) {
    if (value.empty()) return "";
    auto refuse = [&](const std::string& why) -> std::string {
        throw sdk::PermanentError("hostname '" + printable(value) + "' is not a host name: " + why);
    };
    if (value.size() > 253) return refuse("longer than 253 characters");
    std::string out;
    size_t label = 0;
    for (unsigned char c : value) {
        if (c == '.') {
            if (label == 0) return refuse("an empty label");
            label = 0;
        } else if (hostChar(c)) {
            if (++label > 63) return refuse("a label longer than 63 characters");
        } else {
            return refuse("host names use letters, digits, '-' and '_' in labels separated by dots");
        }
        out += static_cast<char>(std::tolower(c));
    }
    if (label == 0) return refuse("an empty label");
    return out;
}

std::string checkUsername(std::string_view value) {
    if (value.empty()) return "";
    bool ok = value.size() <= 64;
    for (unsigned char c : value) ok = ok && (std::isalnum(c) || c == '.' || c == '_' || c == '-');
    if (!ok) throw sdk::PermanentError("username '" + printable(value) + "' is not a user name: 1 to 64 letters, digits, '.', '_' or '-'");
    return std::string(value);
}

} // namespace dadns::directadmin
