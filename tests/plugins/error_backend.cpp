// Every write is refused with a permanent error, as a backend that rejects a zone would.
#include <dadns/sdk.hpp>

namespace {
class Refusing final : public dadns::sdk::Backend {
public:
    explicit Refusing(const dadns::sdk::InstanceContext& ctx) : Backend(ctx) {}
    dadns::sdk::ApplyResult apply(const dadns::sdk::Zone& z) override { throw dadns::sdk::PermanentError("zone " + z.name + " rejected"); }
    void remove(const std::string& z) override { throw dadns::sdk::PermanentError("cannot remove " + z); }
    int64_t count(const std::string&) override { return 0; }
    std::vector<std::string> listZones() override { return {}; }
};
} // namespace

DADNS_BACKEND_PLUGIN(Refusing, "error_backend", "1.0.0")
