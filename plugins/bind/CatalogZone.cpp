#include "CatalogZone.hpp"

#include <ldns/ldns.h>

#include <fstream>
#include <sstream>

namespace dadns::bind {

std::string catalogMemberId(const std::string& zone) {
    unsigned char digest[LDNS_SHA1_DIGEST_LENGTH];
    ldns_sha1(reinterpret_cast<const unsigned char*>(zone.data()), static_cast<unsigned int>(zone.size()), digest);
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (unsigned char b : digest) {
        id += hex[b >> 4];
        id += hex[b & 15];
    }
    return id;
}

namespace {
const char* const kHeader = "; catalog zone (RFC 9432, version 2) written by dadns: do not edit";
} // namespace

std::string renderCatalog(const std::string& catalog, uint32_t serial, const std::set<std::string>& members, const std::string& movedTo) {
    std::string text = std::string(kHeader) + "\n$ORIGIN " + catalog + ".\n";
    text += "@ 0 IN SOA invalid. invalid. " + std::to_string(serial) + " 3600 600 2147483646 0\n";
    text += "@ 0 IN NS invalid.\nversion 0 IN TXT \"2\"\n";
    text.reserve(text.size() + members.size() * (56 + (movedTo.empty() ? 0 : 64)) + 64);
    for (const auto& zone : members) {
        std::string id = catalogMemberId(zone);
        text += id + ".zones 0 IN PTR " + zone + ".\n";
        if (!movedTo.empty()) text += "coo." + id + ".zones 0 IN PTR " + movedTo + ".\n";
    }
    return text;
}

bool isCatalogFile(const std::string& path) {
    std::ifstream in(path);
    std::string first;
    return std::getline(in, first) && first == kHeader;
}

bool catalogListsMembers(const std::string& path) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("coo.", 0) != 0 && line.find(".zones 0 IN PTR ") != std::string::npos) return true;
    return false;
}

uint32_t readCatalogSerial(const std::string& path) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("@ 0 IN SOA ", 0) != 0) continue;
        std::istringstream fields(line.substr(11));
        std::string mname, rname;
        unsigned long serial = 0;
        if (fields >> mname >> rname >> serial && serial <= UINT32_MAX) return static_cast<uint32_t>(serial);
        return 0;
    }
    return 0;
}

uint32_t nextCatalogSerial(uint32_t last, std::time_t now) {
    auto byTime = static_cast<uint32_t>(now);
    // RFC 1982: later than last when the difference, taken modulo 2^32, is below 2^31.
    bool timeIsLater = static_cast<uint32_t>(byTime - last) - 1u < 0x7fffffffu;
    return timeIsLater ? byTime : last + 1;
}

} // namespace dadns::bind
