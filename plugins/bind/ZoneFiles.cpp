#include "ZoneFiles.hpp"

#include <cerrno>
#include <dirent.h>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
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
    std::string text = "; managed by dadns: changes here are overwritten\n$ORIGIN " + zone.name + ".\n";
    text.reserve(text.size() + zone.records.size() * 64);
    for (const auto& r : zone.records) {
        text += r.owner + " " + std::to_string(r.ttl) + " IN " + r.type;
        for (const auto& f : r.rdata) text += " " + f;
        text += "\n";
    }
    return text;
}

namespace {

std::string tempName(const std::string& path) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    return path + ".tmp-" + std::to_string(random());
}

void writeAll(int fd, const std::string& content, const std::string& path) {
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw sdk::RetryableError("cannot write " + path + ": " + std::strerror(errno));
        done += static_cast<size_t>(n);
    }
}

} // namespace

size_t removeLeftovers(const std::string& dir, const std::string& prefix) {
    size_t removed = 0;
    DIR* d = opendir(dir.c_str());
    if (!d) return 0;
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        size_t tmp = name.rfind(".tmp-");
        bool temp = tmp != std::string::npos && tmp + 5 < name.size() &&
                    name.find_first_not_of("0123456789", tmp + 5) == std::string::npos && name.compare(0, prefix.size(), prefix) == 0;
        bool check = prefix.empty() && name.rfind(".dadns-check-", 0) == 0;
        if ((temp || check) && ::unlink((dir + "/" + name).c_str()) == 0) ++removed;
    }
    closedir(d);
    return removed;
}

void writeFileAtomically(const std::string& path, const std::string& content, unsigned mode,
                         const std::function<std::string(const std::string&)>& check) {
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        throw sdk::PermanentError("refusing to replace " + path + ": it is a symbolic link");
    std::string tmp = tempName(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) throw sdk::RetryableError("cannot create " + tmp + ": " + std::strerror(errno));
    try {
        writeAll(fd, content, tmp);
        if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) throw sdk::RetryableError("cannot sync " + tmp + ": " + std::strerror(errno));
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    ::close(fd);
    if (check) {
        std::string problem = check(tmp);
        if (!problem.empty()) {
            ::unlink(tmp.c_str());
            throw sdk::PermanentError(problem);
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw sdk::RetryableError("cannot rename " + tmp + " to " + path + ": " + std::strerror(err));
    }
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
