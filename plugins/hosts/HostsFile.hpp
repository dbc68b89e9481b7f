// A hosts-format file (/etc/hosts syntax: "address name [aliases...]", '#' comments) read into
// the addresses of each name, and a thread that notices when it changes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace dadns::hosts {

struct HostsFileEntries {
    std::map<std::string, std::set<std::string>> addresses; // name as written (lower case) -> addresses
    std::vector<std::string> skipped;                        // "line N: why"
};

// Loopback and the usual localhost / ip6-* names are skipped: they describe the machine itself.
HostsFileEntries parseHostsFile(const std::string& text);

// Polls a file every interval and calls onChange(content) when its content differs from the
// last handled (first call at start; a missing file reads as empty). onChange returns false
// when it could not handle the content: it is offered again at the next poll.
class FileWatcher {
public:
    FileWatcher(std::string path, std::chrono::milliseconds interval, std::function<bool(const std::string&)> onChange);
    ~FileWatcher();
    void start();
    void stop();
    // Offers the content again at the next poll even when unchanged (what it skipped may now
    // be allowed).
    void offerAgain();

private:
    void run();

    std::string path_;
    std::chrono::milliseconds interval_;
    std::function<bool(const std::string&)> onChange_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool offerAgain_ = false;
    std::thread thread_;
};

} // namespace dadns::hosts
