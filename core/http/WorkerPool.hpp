// A fixed set of threads running jobs from a bounded queue. trySubmit refuses instead of
// queueing without limit, so a saturated API can answer 503 at once rather than leave a
// client waiting; a job's exception is logged and never ends its thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dadns {

class WorkerPool {
public:
    WorkerPool(std::string name, size_t threads, size_t maxQueued);
    ~WorkerPool(); // stops

    // False when maxQueued jobs are already waiting (or the pool is stopping).
    bool trySubmit(std::function<void()> job);
    // Jobs queued or running.
    size_t load() const;
    // Drops what is queued (nobody waits for those answers any more), lets running jobs
    // finish and joins the threads.
    void stop();

private:
    void run();

    std::string name_;
    size_t maxQueued_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    size_t running_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

} // namespace dadns
