// Every call throws: std::exception subclasses and, for count, a non-std exception. The SDK
// trampolines turn each into a status; the daemon logs, retries and keeps serving.
#include <dadns/sdk.hpp>

#include <stdexcept>

namespace {
class Throwing final : public dadns::sdk::Backend {
public:
    explicit Throwing(const dadns::sdk::InstanceContext& ctx) : Backend(ctx) {}
    dadns::sdk::ApplyResult apply(const dadns::sdk::Zone&) override { throw std::runtime_error("apply exploded"); }
    void remove(const std::string&) override { throw std::logic_error("remove exploded"); }
    int64_t count(const std::string&) override { throw 42; }
    std::vector<std::string> listZones() override { throw std::bad_alloc(); }
};
} // namespace

DADNS_BACKEND_PLUGIN(Throwing, "throwing_backend", "1.0.0")
