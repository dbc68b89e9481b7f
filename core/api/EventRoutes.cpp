// GET /api/v1/events: the event stream (server-sent events; core/events/EventStream.hpp).
#include "core/api/ApiContext.hpp"
#include "core/events/EventStream.hpp"

namespace dadns {

void addEventRoutes(Router& router, ApiContext& ctx) {
    auto open = std::make_shared<std::atomic<size_t>>(0);
    router.add({"GET", "/api/v1/events", RouteAccess::Read,
                [&ctx, open](ApiRequest& in, ApiResponse& out) {
                    // Each stream holds a connection for as long as its reader stays: bounded,
                    // so readers cannot use up the connections other clients need.
                    if (open->fetch_add(1) >= ctx.config.api.maxEventStreams) { // counted in; the stream counts itself out
                        open->fetch_sub(1);
                        out.json(503, jsonError("too many event streams open (http.max_event_streams); retry later"));
                        out.headers.emplace_back("Retry-After", "5");
                        return;
                    }
                    std::string last = in.header("Last-Event-ID");
                    if (last.empty()) last = in.param("last_event_id");
                    out.text(200, "retry: 2000\n\n", "text/event-stream; charset=utf-8");
                    out.headers.emplace_back("Cache-Control", "no-cache");
                    out.headers.emplace_back("X-Accel-Buffering", "no"); // a proxy (nginx) passes events on at once
                    out.stream = std::make_shared<EventStream>(ctx.events, last, open);
                },
                ""});
}

} // namespace dadns
