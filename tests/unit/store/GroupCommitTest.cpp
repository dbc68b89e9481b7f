// Group commit: concurrent submissions share batches, at most maxWriters batches are written at
// once, and a failure reaches exactly the jobs it concerns.
#include "core/store/GroupCommit.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

using namespace dadns;

namespace {

struct Job : GroupCommitJob {
    int value = 0;
    int written = 0; // set by the writer
};

} // namespace

TEST_CASE("concurrent submissions share batches and every one is written once", "[store]") {
    std::atomic<int> writers{0}, maxSeen{0}, batches{0}, jobsWritten{0};
    GroupCommit<Job> commit(64, 2, [&](std::vector<Job*>& batch) {
        int now = ++writers;
        int seen = maxSeen.load();
        while (now > seen && !maxSeen.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5)); // a round trip
        for (Job* j : batch) j->written = j->value * 2;
        jobsWritten += static_cast<int>(batch.size());
        ++batches;
        --writers;
    });
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 16; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) {
                Job job;
                job.value = t * 100 + i;
                commit.submit(job);
                if (!job.done || job.written != job.value * 2) ++wrong;
            }
        });
    for (auto& th : threads) th.join();
    CHECK(wrong == 0);
    CHECK(jobsWritten == 320);
    CHECK(batches < 320 / 2); // shared: on average more than two jobs per batch
    CHECK(maxSeen <= 2);
}

TEST_CASE("a job the writer fails alone fails alone; a batch that throws fails all of its jobs", "[store]") {
    GroupCommit<Job> commit(8, 1, [&](std::vector<Job*>& batch) {
        for (Job* j : batch)
            if (j->value == 13) j->error = std::make_exception_ptr(std::runtime_error("unlucky"));
        for (Job* j : batch)
            if (j->value == 666) throw std::runtime_error("the whole batch failed");
    });
    Job fine, unlucky, doomed;
    unlucky.value = 13;
    doomed.value = 666;
    CHECK_NOTHROW(commit.submit(fine));
    CHECK_THROWS_WITH(commit.submit(unlucky), "unlucky");
    CHECK_THROWS_WITH(commit.submit(doomed), "the whole batch failed");
    Job after;
    CHECK_NOTHROW(commit.submit(after)); // the next caller writes again
}
