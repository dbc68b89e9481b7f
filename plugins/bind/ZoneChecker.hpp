// Validates zone files with named's own loader before they go live, many at once: concurrent
// applies queue their new files, and one `named-checkconf -z` run checks the whole batch
// (a process start per zone would cost more than everything else an apply does).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dadns::bind {

class ZoneChecker {
public:
    // checkconf: path of named-checkconf; workDir: where the batch's config is written.
    ZoneChecker(std::string checkconf, std::string workDir, std::chrono::milliseconds window);
    ~ZoneChecker();

    // "" when named would load file as zone; otherwise what named says is wrong with it. Throws
    // sdk::RetryableError when the file could not be checked (the checker did not run to its
    // end): that says nothing about the zone. Blocks until the batch holding it has been checked.
    std::string check(const std::string& zone, const std::string& file);

private:
    struct Request {
        std::string zone, file, problem;
        bool uncheckable = false; // problem is why it could not be checked
        bool done = false;
        void uncheck(std::string why) {
            uncheckable = true;
            problem = std::move(why);
        }
    };
    void loop();
    void runBatch(const std::vector<std::shared_ptr<Request>>& batch);

    std::string checkconf_;
    std::string workDir_;
    std::chrono::milliseconds window_;
    std::mutex mutex_;
    std::condition_variable queued_, checked_;
    std::vector<std::shared_ptr<Request>> pending_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace dadns::bind
