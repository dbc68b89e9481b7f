// One reader of the EventLog as server-sent events (text/event-stream): first its position
// ("id: <run>-<seq>" alone, which sets a client's last event id without an event, so a reader
// that reconnects before any event still resumes where it was), then each event as
// "id: <run>-<seq>\nevent: <type>\ndata: <json>\n\n", a comment every 15 s so proxies and
// clients see the stream alive, and an event "reset" when events were missed (the reader
// refetches what it shows and goes on from the newest).
#pragma once

#include "core/events/EventLog.hpp"
#include "core/http/ApiExchange.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace dadns {

class EventStream final : public ResponseStream {
public:
    // lastEventId: what the reader saw last (the Last-Event-ID header), empty for a new reader,
    // who gets only events from now on. open counts the streams alive (for a limit): the
    // caller counted this one in, the stream counts itself out when it goes.
    EventStream(std::shared_ptr<const EventLog> log, const std::string& lastEventId, std::shared_ptr<std::atomic<size_t>> open);
    ~EventStream() override;

    std::string next(size_t maxBytes, int64_t nowMs) override;

    // The seq of an id of this run, nullopt for another run's or a malformed id.
    static std::optional<uint64_t> seqOf(const std::string& id, const std::string& run);

private:
    std::shared_ptr<const EventLog> log_;
    std::shared_ptr<std::atomic<size_t>> open_;
    uint64_t seen_ = 0;
    bool reset_ = false;     // a reset is due before anything else
    bool announced_ = false; // the reader's position was sent
    int64_t lastSentMs_ = 0;
};

} // namespace dadns
