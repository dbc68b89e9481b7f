#include "core/events/ChangeEvents.hpp"

#include "core/log/Logging.hpp"

#include <dadns/sdk/json_writer.hpp>

namespace dadns {

namespace {

template <class Fn>
void guarded(const char* what, Fn&& fn) noexcept {
    try {
        fn();
    } catch (const std::exception& e) {
        try {
            logger("events")->error("an event ({}) was lost: {}", what, e.what());
        } catch (...) {
        }
    } catch (...) {
    }
}

} // namespace

void publishZoneChange(EventLog& log, const ZoneChange& change) noexcept {
    guarded("zone", [&] {
        sdk::JsonWriter w;
        w.beginObject().field("zone", change.zone).field("version", change.version).field("deleted", change.deleted).field("source", change.source).endObject();
        log.publish("zone", w.take());
    });
}

void publishZoneResult(EventLog& log, const ZoneResult& result) noexcept {
    guarded("outcome", [&] {
        sdk::JsonWriter w;
        w.beginObject()
            .field("backend", result.backend)
            .field("zone", result.zone)
            .field("version", result.version)
            .field("state", result.state)
            .field("error", result.error)
            .endObject();
        log.publish("outcome", w.take());
    });
}

} // namespace dadns
