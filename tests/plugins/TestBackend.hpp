// A configurable file backend for tests: each zone is <dir>/<zone>.zone, one line per record.
// It can be slow, fail, fail for a while, count wrong and report itself unhealthy, so the
// dispatcher's retries, dead letters, breaker and verification can be driven by tests.
//
// Config: dir (required), delay_ms, fail ("" | "retryable" | "permanent"), fail_file (applies
// fail while it exists), fail_first (first N applies of each zone fail), count_offset (added
// to counts until a reconcile of that zone), parallel, health_file (health fails while it
// exists), throw_std (failures thrown as std::runtime_error instead of SDK errors), poison_file
// (while it exists, zones whose name starts with "poison" fail permanently), targets
// (name -> settings that override the others: one target, and lane, per entry).
// Every successful apply appends "<zone> <version>" to <dir>/applied.log. It describes itself
// (ABI 1.4) with its directory and the applies it made.
// Built as test_backend (verified by count) and served_test_backend (verified by content).
#pragma once

#include <dadns/sdk.hpp>

#include <chrono>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace dadns::test_plugins {

using namespace dadns::sdk;

inline bool exists(const std::string& path) {
    struct stat st {};
    return !path.empty() && stat(path.c_str(), &st) == 0;
}

class TestBackend : public Backend {
public:
    static SettingsSpec settings() {
        SettingsSpec s;
        s.text("dir", "directory the zones are written to").required();
        s.integer("delay_ms", "milliseconds every apply sleeps").range(0, 600000);
        s.text("fail", "\"retryable\" or \"permanent\": every apply fails so").oneOf({"retryable", "permanent"});
        s.text("fail_file", "while this file exists, applies fail (retryable)");
        s.integer("fail_first", "the first N applies fail (retryable)").range(0, 1000000);
        s.integer("count_offset", "added to every count (a backend that drifts)").range(-1000000, 1000000);
        s.text("health_file", "while this file exists, health fails");
        s.flag("throw_std", "failures throw std::runtime_error instead of an SDK error");
        s.text("poison_file", "zones named in this file fail permanently");
        s.mapping("targets", "target name -> settings that differ for it (ABI 1.1 targets)");
        // Kept and never shown: tests check that secrets stay out of status, metrics and logs.
        s.text("api_key", "a secret");
        s.text("password", "a secret");
        return s;
    }

    // spec: the settings of the plugin built on this class (a derived one declares more).
    explicit TestBackend(const InstanceContext& ctx, const SettingsSpec& spec = settings()) : Backend(ctx) {
        Settings s = spec.read(ctx);
        dir_ = s.text("dir");
        ::mkdir(dir_.c_str(), 0755);
        delayMs_ = s.integer("delay_ms");
        fail_ = s.text("fail");
        failFile_ = s.text("fail_file");
        failFirst_ = static_cast<int>(s.integer("fail_first"));
        countOffset_ = s.integer("count_offset");
        parallel_ = s.parallel(4);
        healthFile_ = s.text("health_file");
        throwStd_ = s.flag("throw_std");
        poisonFile_ = s.text("poison_file");
    }

    static std::vector<Target> targets(const std::string&, const std::string& configJson) {
        Json c = Json::parse(configJson.empty() ? "{}" : configJson);
        std::vector<Target> out;
        for (const auto& [name, overrides] : c["targets"].members()) {
            std::map<std::string, const Json*> merged;
            for (const auto& [key, value] : c.members())
                if (key != "targets") merged[key] = &value;
            for (const auto& [key, value] : overrides.members()) merged[key] = &value;
            std::string json;
            for (const auto& [key, value] : merged) json += (json.empty() ? "{" : ",") + jsonQuote(key) + ":" + value->dump();
            out.push_back({name, json.empty() ? "{}" : json + "}"});
        }
        return out;
    }

    ApplyResult apply(const Zone& zone) override {
        if (delayMs_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delayMs_));
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (failFirst_ > 0 && attempts_[zone.name]++ < failFirst_) failWith("retryable", "fail_first");
        }
        if (!fail_.empty()) failWith(fail_, "configured to fail");
        if (zone.name.rfind("poison", 0) == 0 && exists(poisonFile_)) failWith("permanent", "would reject zone " + zone.name);
        if (exists(failFile_)) failWith("retryable", "fail_file exists");
        std::string text;
        for (const auto& r : zone.records) {
            text += r.owner + " " + std::to_string(r.ttl) + " IN " + r.type;
            for (const auto& f : r.rdata) text += " " + f;
            text += "\n";
        }
        std::string path = file(zone.name);
        std::string tmp = path + ".tmp" + std::to_string(reinterpret_cast<uintptr_t>(&text));
        if (FILE* f = std::fopen(tmp.c_str(), "w")) {
            std::fwrite(text.data(), 1, text.size(), f);
            std::fclose(f);
        } else {
            throw RetryableError("cannot write " + tmp);
        }
        if (std::rename(tmp.c_str(), path.c_str()) != 0) throw RetryableError("cannot rename " + tmp);
        std::string line = zone.name + " " + std::to_string(zone.version) + "\n";
        int fd = ::open((dir_ + "/applied.log").c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd >= 0) {
            ssize_t n = ::write(fd, line.data(), line.size());
            (void)n;
            ::close(fd);
        }
        std::lock_guard<std::mutex> lock(mutex_);
        ++applies_;
        return {};
    }

    std::string describe() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return JsonWriter().beginObject().field("dir", dir_).field("applies", applies_).endObject().take();
    }

    void remove(const std::string& zone) override {
        if (exists(failFile_)) failWith("retryable", "fail_file exists");
        std::remove(file(zone).c_str());
    }

    int64_t count(const std::string& zone) override {
        int64_t n = 0;
        if (FILE* f = std::fopen(file(zone).c_str(), "r")) {
            for (int c; (c = std::fgetc(f)) != EOF;)
                if (c == '\n') ++n;
            std::fclose(f);
        }
        std::lock_guard<std::mutex> lock(mutex_);
        return n + (reconciled_.count(zone) ? 0 : countOffset_);
    }

    std::vector<std::string> listZones() override {
        std::vector<std::string> out;
        if (DIR* d = opendir(dir_.c_str())) {
            while (dirent* e = readdir(d)) {
                std::string name = e->d_name;
                if (name.size() > 5 && name.compare(name.size() - 5, 5, ".zone") == 0) out.push_back(name.substr(0, name.size() - 5));
            }
            closedir(d);
        }
        return out;
    }

    void reconcile(const Zone& zone) override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            reconciled_.insert(zone.name);
        }
        apply(zone);
    }

    void health() override {
        if (exists(healthFile_)) failWith("retryable", "health_file exists");
    }

    uint32_t parallelism() const override { return parallel_; }

protected:
    std::string file(const std::string& zone) const { return dir_ + "/" + zone + ".zone"; }

private:

    [[noreturn]] void failWith(const std::string& kind, const std::string& why) const {
        if (throwStd_) throw std::runtime_error("test_backend: " + why);
        if (kind == "permanent") throw PermanentError("test_backend: " + why);
        throw RetryableError("test_backend: " + why);
    }

    std::string dir_, fail_, failFile_, healthFile_, poisonFile_;
    int64_t delayMs_ = 0, countOffset_ = 0;
    int failFirst_ = 0;
    uint32_t parallel_ = 4;
    bool throwStd_ = false;
    mutable std::mutex mutex_;
    uint64_t applies_ = 0;
    std::map<std::string, int> attempts_;
    std::set<std::string> reconciled_;
};

} // namespace dadns::test_plugins
