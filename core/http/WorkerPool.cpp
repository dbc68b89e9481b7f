#include "core/http/WorkerPool.hpp"

#include "core/log/Logging.hpp"

namespace dadns {

WorkerPool::WorkerPool(std::string name, size_t threads, size_t maxQueued) : name_(std::move(name)), maxQueued_(maxQueued) {
    threads_.reserve(threads);
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::trySubmit(std::function<void()> job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_ || jobs_.size() >= maxQueued_) return false;
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

size_t WorkerPool::load() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return jobs_.size() + running_;
}

void WorkerPool::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        jobs_.clear();
    }
    wake_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

void WorkerPool::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
        wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return; // stopping, and nothing left
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        ++running_;
        lock.unlock();
        try {
            job();
        } catch (const std::exception& e) {
            logger("http")->error("{} worker: a job failed: {}", name_, e.what());
        } catch (...) {
            logger("http")->error("{} worker: a job failed with an unknown exception", name_);
        }
        lock.lock();
        --running_;
    }
}

} // namespace dadns
