#include "Catalogs.hpp"

#include "CatalogZone.hpp"
#include "ZoneFiles.hpp"

#include <dadns/sdk/files.hpp>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace dadns::bind {

namespace {
constexpr size_t kLongestCatalogName = 200; // its file name must not need a directory (zoneFilePath)
const char* const kStateFile = ".dadns-catalogs";

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }
} // namespace

Catalogs::Catalogs(std::string zonesDir, std::string current, std::string previous, std::chrono::milliseconds moveDelay)
    : zonesDir_(std::move(zonesDir)), current_(std::move(current)), previous_(std::move(previous)) {
    if (!previous_.empty() && current_.empty()) throw std::invalid_argument("catalog_previous: needs catalog_zone, the catalog its zones moved to");
    if (!previous_.empty() && previous_ == current_) throw std::invalid_argument("catalog_previous: is catalog_zone itself");
    for (const auto& name : {current_, previous_}) {
        if (name.empty()) continue;
        if (name.size() > kLongestCatalogName)
            throw std::invalid_argument("catalog '" + name + "': longer than " + std::to_string(kLongestCatalogName) + " octets");
        if (exists(file(name)) && !isCatalogFile(file(name)))
            throw std::invalid_argument("catalog '" + name + "': " + file(name) + " holds a zone, not a catalog dadns wrote");
        names_.insert(name);
        serial_ = std::max(serial_, readCatalogSerial(file(name)));
    }
    std::ifstream state(zonesDir_ + "/" + kStateFile);
    for (std::string name; std::getline(state, name);)
        if (!name.empty() && !names_.count(name) && isCatalogFile(file(name))) retired_.insert(name);
    if (!previous_.empty() && !catalogListsMembers(file(current_)) && catalogListsMembers(file(previous_)))
        claimsAt_ = Clock::now() + moveDelay;
}

std::string Catalogs::file(const std::string& name) const { return zoneFilePath(zonesDir_, name); }

std::vector<std::string> Catalogs::write(const std::set<std::string>& members) {
    if (claimsAt_ && Clock::now() >= *claimsAt_) claimsAt_.reset();
    serial_ = nextCatalogSerial(serial_, std::time(nullptr));
    if (!previous_.empty()) // first, so that named never serves the new catalog's claim before the old one's coo
        sdk::writeFileAtomically(file(previous_), renderCatalog(previous_, serial_, members, current_), 0644);
    if (!current_.empty()) sdk::writeFileAtomically(file(current_), renderCatalog(current_, serial_, claimsAt_ ? std::set<std::string>{} : members), 0644);
    std::vector<std::string> reload;
    if (!previous_.empty()) reload.push_back(previous_);
    if (!current_.empty()) reload.push_back(current_);
    return reload;
}

void Catalogs::writeEmptyWhereMissing() {
    for (const auto& name : names_) {
        if (exists(file(name))) continue;
        serial_ = nextCatalogSerial(serial_, std::time(nullptr));
        sdk::writeFileAtomically(file(name), renderCatalog(name, serial_, {}), 0644);
    }
}

void Catalogs::remember() const {
    if (names_.empty()) { // nothing to remember: no file, rather than an empty one
        std::remove((zonesDir_ + "/" + kStateFile).c_str());
        return;
    }
    std::string text;
    for (const auto& name : names_) text += name + "\n";
    sdk::writeFileAtomically(zonesDir_ + "/" + kStateFile, text, 0644);
}

} // namespace dadns::bind
