#include "core/events/EventStream.hpp"

namespace dadns {
namespace {

constexpr int64_t kKeepAliveMs = 15000;
constexpr size_t kEventsPerRead = 256;

} // namespace

EventStream::EventStream(std::shared_ptr<const EventLog> log, const std::string& lastEventId, std::shared_ptr<std::atomic<size_t>> open)
    : log_(std::move(log)), open_(std::move(open)) {
    seen_ = log_->lastSeq();
    if (lastEventId.empty()) return;
    auto seq = seqOf(lastEventId, log_->run());
    if (seq && *seq <= seen_) seen_ = *seq; // resumes; the log says whether it still has them
    else reset_ = true;                      // an earlier run's id, or one from the future
}

EventStream::~EventStream() { --*open_; }

std::optional<uint64_t> EventStream::seqOf(const std::string& id, const std::string& run) {
    auto dash = id.find('-');
    if (dash == std::string::npos || id.compare(0, dash, run) != 0 || dash != run.size()) return std::nullopt;
    std::string digits = id.substr(dash + 1);
    if (digits.empty() || digits.size() > 19 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoull(digits);
}

std::string EventStream::next(size_t maxBytes, int64_t nowMs) {
    std::string out;
    if (lastSentMs_ == 0) lastSentMs_ = nowMs;
    bool gap = false;
    auto events = log_->after(seen_, kEventsPerRead, gap);
    if (gap || reset_) {
        // Missed events: the reader starts again from the newest, after refetching.
        reset_ = false;
        seen_ = log_->lastSeq();
        out = "id: " + log_->run() + "-" + std::to_string(seen_) + "\nevent: reset\ndata: {}\n\n";
        events.clear();
    } else if (!announced_) {
        out = "id: " + log_->run() + "-" + std::to_string(seen_) + "\n\n";
    }
    announced_ = true;
    for (const auto& e : events) {
        if (!out.empty() && out.size() + e.data.size() > maxBytes) break;
        out += "id: " + log_->run() + "-" + std::to_string(e.seq) + "\nevent: " + e.type + "\ndata: " + e.data + "\n\n";
        seen_ = e.seq;
    }
    if (out.empty() && nowMs - lastSentMs_ >= kKeepAliveMs) out = ": keepalive\n\n";
    if (!out.empty()) lastSentMs_ = nowMs;
    return out;
}

} // namespace dadns
