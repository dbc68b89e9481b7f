// A lane's batches, for operators: a batch runs from the first zone queued on an idle lane
// until the lane is idle again, and is told in two log lines (started, complete) and a
// progress fraction in status. Not thread safe: the lane's mutex guards it. The lines are
// returned, so the lane logs them after its lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dadns {

class BatchProgress {
public:
    // Work was queued (quiet: a shared store's poll, which is not a batch of this lane).
    void opened(int64_t nowMs, bool quiet = false);
    // A worker took a zone; the first time in a batch, the line that announces it.
    std::optional<std::string> started(size_t queued);
    void succeeded() { ++ok_; }
    void failed() { ++failed_; }
    // The lane became idle: closes the batch; the summary line when any zone was tried.
    std::optional<std::string> closeIfIdle(bool idle, int64_t nowMs);
    // Fraction of the current batch done (1 when none is open).
    double progress(size_t remaining) const;

private:
    bool open_ = false;
    bool announced_ = false;
    int64_t startMs_ = 0;
    uint64_t ok_ = 0, failed_ = 0;
};

} // namespace dadns
