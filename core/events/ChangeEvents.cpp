#include "core/events/ChangeEvents.hpp"

#include <dadns/sdk/json_writer.hpp>

namespace dadns {

void publishZoneChange(EventLog& log, const ZoneChange& change) {
    sdk::JsonWriter w;
    w.beginObject().field("zone", change.zone).field("version", change.version).field("deleted", change.deleted).field("source", change.source).endObject();
    log.publish("zone", w.take());
}

void publishZoneResult(EventLog& log, const ZoneResult& result) {
    sdk::JsonWriter w;
    w.beginObject()
        .field("backend", result.backend)
        .field("zone", result.zone)
        .field("version", result.version)
        .field("state", result.state)
        .field("error", result.error)
        .endObject();
    log.publish("outcome", w.take());
}

} // namespace dadns
