#include "ZoneFiles.hpp"

#include <dadns/sdk/files.hpp>
#include <dadns/sdk/master_file.hpp>

#include <dirent.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace dadns::bind {

bool safeZoneName(const std::string& zone) {
    if (zone.empty() || zone.size() > 253 || zone.front() == '.' || zone.back() == '.' || zone.find("..") != std::string::npos)
        return false;
    for (char c : zone)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

namespace {

constexpr size_t kMaxFileStem = 200;

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool isDirectory(const std::string& path) {
    struct stat st {};
    return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> names;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d)) names.emplace_back(e->d_name);
        closedir(d);
    }
    return names;
}

} // namespace

std::string zoneFilePath(const std::string& zonesDir, const std::string& zone) {
    if (zone.size() <= kMaxFileStem) return zonesDir + "/" + zone + ".db";
    // Labels are at most 63 octets, so a dot lies within the last 201 octets.
    size_t split = zone.find('.', zone.size() - kMaxFileStem - 1);
    if (split == std::string::npos) return zonesDir + "/" + zone + ".db";
    return zonesDir + "/" + zone.substr(0, split + 1) + "/" + zone.substr(split + 1) + ".db";
}

std::vector<std::string> zoneFileDirectories(const std::string& zonesDir) {
    std::vector<std::string> dirs{zonesDir};
    for (const auto& name : entries(zonesDir))
        if (name.size() > 1 && name.back() == '.' && safeZoneName(name.substr(0, name.size() - 1)) && isDirectory(zonesDir + "/" + name))
            dirs.push_back(zonesDir + "/" + name);
    return dirs;
}

std::set<std::string> zonesOnDisk(const std::string& zonesDir) {
    std::set<std::string> zones;
    for (const auto& dir : zoneFileDirectories(zonesDir)) {
        std::string prefix = dir == zonesDir ? "" : dir.substr(zonesDir.size() + 1);
        for (const auto& name : entries(dir)) {
            if (!endsWith(name, ".db")) continue;
            std::string zone = prefix + name.substr(0, name.size() - 3);
            if (safeZoneName(zone) && zoneFilePath(zonesDir, zone) == dir + "/" + name) zones.insert(zone);
        }
    }
    return zones;
}

std::string renderZoneFile(const sdk::Zone& zone) {
    return "; managed by dadns: changes here are overwritten\n" + sdk::masterFileText(zone);
}

size_t removeLeftovers(const std::string& dir, const std::string& prefix) {
    size_t removed = sdk::removeTempFiles(dir, prefix);
    if (!prefix.empty()) return removed;
    DIR* d = opendir(dir.c_str());
    if (!d) return removed;
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name.rfind(".dadns-check-", 0) == 0 && ::unlink((dir + "/" + name).c_str()) == 0) ++removed;
    }
    closedir(d);
    return removed;
}

int64_t countRecords(const std::string& path) {
    std::ifstream in(path);
    int64_t n = 0;
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != ';' && line[0] != '$') ++n;
    return n;
}

std::string renderInclude(const std::set<std::string>& zones, const std::string& zonesDir) {
    std::string text = "// managed by dadns: changes here are overwritten\n";
    for (const auto& z : zones) text += "zone \"" + z + "\" { type master; file \"" + zoneFilePath(zonesDir, z) + "\"; };\n";
    return text;
}

std::set<std::string> readInclude(const std::string& path) {
    std::set<std::string> zones;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        auto start = line.find("zone \"");
        if (start != 0) continue;
        auto end = line.find('"', 6);
        if (end != std::string::npos) zones.insert(line.substr(6, end - 6));
    }
    return zones;
}

} // namespace dadns::bind
