// An ingestion plugin for tests: POST /api/v1/test-ingest/<zone> submits the body as zone
// text through the host API; GET /test-ingest/seen lists the zone changes it was told about.
// Proves route registration, host auth on plugin routes, submit_change and zone_changed.
#include <dadns/sdk.hpp>

#include <mutex>

namespace {

using namespace dadns::sdk;

class TestIngestion final : public Ingestion {
public:
    explicit TestIngestion(const InstanceContext& ctx) : Ingestion(ctx) {
        routes().add("POST", "/api/v1/test-ingest/", [this](const Request& req, Response& resp) {
            std::string zone(req.path.substr(std::string_view("/api/v1/test-ingest/").size()));
            try {
                SubmitResult r = host().submitZoneText(zone, req.body, Origin{"test_ingestion", "pusher", std::string(req.authUser), ""});
                resp.json(200, "{\"version\":" + std::to_string(r.version) + ",\"records\":" + std::to_string(r.recordCount) + "}");
            } catch (const Error& e) {
                resp.json(e.code() == DADNS_ERR_PERMANENT ? 400 : 503, "{\"error\":" + jsonQuote(e.what()) + "}");
            }
        });
        routes().add("GET", "/test-ingest/seen", [this](const Request&, Response& resp) {
            std::lock_guard<std::mutex> lock(mutex_);
            resp.text(200, seen_);
        });
    }

    void zoneChanged(const std::string& zone, uint64_t version, const std::string&) override {
        std::lock_guard<std::mutex> lock(mutex_);
        seen_ += zone + " " + std::to_string(version) + "\n";
    }

    std::string describe() const override { return "{\"kind\":\"test\"}"; }

private:
    mutable std::mutex mutex_;
    std::string seen_;
};

} // namespace

DADNS_INGESTION_PLUGIN(TestIngestion, "test_ingestion", "1.0.0")
