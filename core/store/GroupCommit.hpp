// Group commit for a store whose every write is a network round trip: submissions that arrive
// while batches are being written wait and go together in the next one, so a burst of N
// concurrent submissions costs a few transactions instead of N. Waiting callers write the
// batches themselves, up to maxWriters at once (one batch's commit overlaps the next one's
// statements). A job returns only once the batch holding it is committed (or failed).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

namespace dadns {

struct GroupCommitJob {
    bool done = false;
    std::exception_ptr error; // set by the writer when the job failed
};

template <class Job>
class GroupCommit {
public:
    // write commits the batch and fills each job's outcome; it sets a job's error for a job
    // that failed alone, and throws when the whole batch failed.
    GroupCommit(size_t maxBatch, size_t maxWriters, std::function<void(std::vector<Job*>&)> write)
        : maxBatch_(maxBatch), maxWriters_(maxWriters), write_(std::move(write)) {}

    void submit(Job& job) {
        std::unique_lock<std::mutex> lock(mutex_);
        queue_.push_back(&job);
        while (!job.done) {
            if (writers_ >= maxWriters_ || queue_.empty()) {
                changed_.wait(lock);
                continue;
            }
            ++writers_;
            std::vector<Job*> batch;
            while (!queue_.empty() && batch.size() < maxBatch_) {
                batch.push_back(queue_.front());
                queue_.pop_front();
            }
            lock.unlock();
            try {
                write_(batch);
            } catch (...) {
                for (Job* j : batch)
                    if (!j->error) j->error = std::current_exception();
            }
            lock.lock();
            for (Job* j : batch) j->done = true;
            --writers_;
            changed_.notify_all();
        }
        if (job.error) std::rethrow_exception(job.error);
    }

private:
    size_t maxBatch_;
    size_t maxWriters_;
    std::function<void(std::vector<Job*>&)> write_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Job*> queue_;
    size_t writers_ = 0;
};

} // namespace dadns
