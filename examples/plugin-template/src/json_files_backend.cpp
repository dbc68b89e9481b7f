// json_files: a dadns backend that keeps each zone as <dir>/<zone>.json. A starting point for
// a real backend: replace the file I/O with calls to your DNS server's API.
//
// Config (dns.backends.<instance>): type: json_files, dir: /path/to/dir
#include <dadns/sdk.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace {

using namespace dadns::sdk;

class JsonFilesBackend final : public Backend {
public:
    // Every setting, declared once: `dadns --check-config` and the daemon check them before the
    // instance is created, and a key not declared here is refused.
    static SettingsSpec settings() {
        SettingsSpec s;
        s.text("dir", "directory the zone files are written to").required();
        return s;
    }

    explicit JsonFilesBackend(const InstanceContext& ctx) : Backend(ctx) {
        dir_ = settings().read(ctx).text("dir");
        if (::mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST)
            throw PermanentError("json_files: cannot create " + dir_ + ": " + std::strerror(errno));
        host().info("json_files writing zones to " + dir_);
    }

    // Idempotent: afterwards the file holds exactly this zone.
    ApplyResult apply(const Zone& zone) override {
        std::ostringstream out;
        out << "{\"zone\":" << jsonQuote(zone.name) << ",\"version\":" << zone.version << ",\"records\":[";
        for (size_t i = 0; i < zone.records.size(); ++i) {
            const Record& r = zone.records[i];
            out << (i ? "," : "") << "{\"name\":" << jsonQuote(r.owner) << ",\"type\":" << jsonQuote(r.type) << ",\"ttl\":" << r.ttl
                << ",\"data\":[";
            for (size_t j = 0; j < r.rdata.size(); ++j) out << (j ? "," : "") << jsonQuote(r.rdata[j]);
            out << "]}";
        }
        out << "]}\n";
        std::string tmp = path(zone.name) + ".tmp";
        {
            std::ofstream f(tmp, std::ios::trunc);
            f << out.str();
            if (!f) throw RetryableError("json_files: cannot write " + tmp); // disk full: try again later
        }
        if (std::rename(tmp.c_str(), path(zone.name).c_str()) != 0) throw RetryableError("json_files: cannot rename " + tmp);
        return {}; // every record stored: the expected count is the zone's record count
    }

    void remove(const std::string& zone) override {
        if (std::remove(path(zone).c_str()) != 0 && errno != ENOENT) throw RetryableError("json_files: cannot remove " + path(zone));
    }

    // The records this backend holds for the zone; 0 when it does not have it.
    int64_t count(const std::string& zone) override {
        std::ifstream f(path(zone));
        if (!f) return 0;
        std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        return static_cast<int64_t>(Json::parse(text)["records"].items().size());
    }

    std::vector<std::string> listZones() override {
        std::vector<std::string> zones;
        if (DIR* d = opendir(dir_.c_str())) {
            while (dirent* e = readdir(d)) {
                std::string name = e->d_name;
                if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) zones.push_back(name.substr(0, name.size() - 5));
            }
            closedir(d);
        }
        return zones;
    }

    uint32_t parallelism() const override { return 4; } // distinct zones may be applied at once

private:
    std::string path(const std::string& zone) const { return dir_ + "/" + zone + ".json"; }
    std::string dir_;
};

} // namespace

DADNS_BACKEND_PLUGIN(JsonFilesBackend, "json_files", "1.0.0")
