// A zone store whose reads fail on demand, as a busy or broken database's would, over a real
// store that keeps the data: tests drive what callers do when a read throws.
#pragma once

#include "core/store/ZoneStore.hpp"
#include "core/util/Errors.hpp"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

namespace dadns::test {

class FlakyStore final : public ZoneStore {
public:
    // Which reads throw Unavailable while set (a bit mask).
    enum Reads : unsigned { Current = 1, List = 2, Pending = 4, BackendStates = 8, All = 15 };

    explicit FlakyStore(std::unique_ptr<ZoneStore> inner) : inner_(std::move(inner)) {}

    void failReads(unsigned which) { failing_ = which; }
    // The next n calls of pending() throw, whatever failReads says.
    void failNextPending(int n) { pendingFailures_ = n; }
    // recordFailure throws while set (a progress write the store refuses).
    void failRecords(bool fail) { failRecords_ = fail; }
    // Reads refused so far.
    int refused() const { return refused_; }

    SubmitOutcome submit(const ZoneSubmission& change) override { return inner_->submit(change); }
    std::optional<ZoneState> current(const std::string& zone, bool withText = true) override {
        check(Current, "reading a zone");
        return inner_->current(zone, withText);
    }
    std::optional<ZoneOrigin> activeOrigin(const std::string& zone) override {
        check(Current, "reading a zone's origin");
        return inner_->activeOrigin(zone);
    }
    std::optional<ZoneState> version(const std::string& zone, uint64_t version) override {
        check(Current, "reading a zone version");
        return inner_->version(zone, version);
    }
    std::vector<ZoneState> history(const std::string& zone) override {
        check(Current, "reading history");
        return inner_->history(zone);
    }
    std::vector<ZoneState> list(const ZoneListFilter& filter) override {
        check(List, "listing zones");
        return inner_->list(filter);
    }
    StoreStats stats() override { return inner_->stats(); }
    std::vector<PendingZone> pending(const std::string& backend) override {
        int left = pendingFailures_.load();
        while (left > 0 && !pendingFailures_.compare_exchange_weak(left, left - 1)) {
        }
        if (left > 0) refuse("reading pending zones");
        check(Pending, "reading pending zones");
        return inner_->pending(backend);
    }
    std::vector<BackendZoneState> backendStates(const std::string& zone) override {
        check(BackendStates, "reading backend states");
        return inner_->backendStates(zone);
    }
    std::optional<BackendZoneState> backendState(const std::string& backend, const std::string& zone) override {
        check(BackendStates, "reading backend states");
        return inner_->backendState(backend, zone);
    }
    std::vector<BackendZoneState> deadLetters(const std::string& backend) override {
        check(BackendStates, "reading dead letters");
        return inner_->deadLetters(backend);
    }
    void recordApplied(const std::string& backend, const std::string& zone, uint64_t version, int64_t verifiedCount,
                       const std::string& warning = "") override {
        inner_->recordApplied(backend, zone, version, verifiedCount, warning);
    }
    void recordFailure(const std::string& backend, const std::string& zone, uint64_t version, int attempts, int64_t nextAttemptMs,
                       const std::string& error, bool deadLetter) override {
        if (failRecords_) throw std::runtime_error("store: recording a failure failed (test)");
        inner_->recordFailure(backend, zone, version, attempts, nextAttemptMs, error, deadLetter);
    }
    size_t redrive(const std::string& backend, const std::string& zone = "") override { return inner_->redrive(backend, zone); }
    WorkClaims* workClaims() override { return inner_->workClaims(); }
    void flush() override { inner_->flush(); }

private:
    void check(unsigned read, const std::string& what) {
        if (failing_ & read) refuse(what);
    }
    [[noreturn]] void refuse(const std::string& what) {
        ++refused_;
        throw Unavailable("store busy: " + what + " (test)");
    }

    std::unique_ptr<ZoneStore> inner_;
    std::atomic<unsigned> failing_{0};
    std::atomic<int> pendingFailures_{0};
    std::atomic<int> refused_{0};
    std::atomic<bool> failRecords_{false};
};

} // namespace dadns::test
