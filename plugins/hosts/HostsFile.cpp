#include "HostsFile.hpp"

#include <fstream>
#include <sstream>

namespace dadns::hosts {
namespace {

bool machineLocal(const std::string& address, const std::string& name) {
    if (address.rfind("127.", 0) == 0 || address == "::1" || address == "0.0.0.0" || address.rfind("fe00::", 0) == 0 ||
        address.rfind("ff0", 0) == 0)
        return true;
    return name == "localhost" || name.rfind("localhost.", 0) == 0 || name.rfind("ip6-", 0) == 0 || name == "broadcasthost";
}

} // namespace

HostsFileEntries parseHostsFile(const std::string& text) {
    HostsFileEntries out;
    std::istringstream in(text);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        line = line.substr(0, line.find('#'));
        std::istringstream words(line);
        std::string address, name;
        if (!(words >> address)) continue;
        bool any = false;
        while (words >> name) {
            any = true;
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (!machineLocal(address, name)) out.addresses[name].insert(address);
        }
        if (!any) out.skipped.push_back("line " + std::to_string(number) + ": an address without a name");
    }
    return out;
}

FileWatcher::FileWatcher(std::string path, std::chrono::milliseconds interval, std::function<bool(const std::string&)> onChange)
    : path_(std::move(path)), interval_(interval), onChange_(std::move(onChange)) {}

FileWatcher::~FileWatcher() { stop(); }

void FileWatcher::start() { thread_ = std::thread([this] { run(); }); }

void FileWatcher::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void FileWatcher::offerAgain() {
    std::lock_guard<std::mutex> lock(mutex_);
    offerAgain_ = true;
}

void FileWatcher::run() {
    bool first = true;
    std::string last;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        first = first || offerAgain_;
        offerAgain_ = false;
        lock.unlock();
        std::ifstream in(path_, std::ios::binary);
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        // Content, not mtime: an edit within the same second, or a file replaced by rename, counts.
        if ((first || content != last) && onChange_(content)) {
            first = false;
            last = content;
        }
        lock.lock();
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
}

} // namespace dadns::hosts
