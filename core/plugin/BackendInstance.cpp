#include "core/plugin/BackendInstance.hpp"

#include <stdexcept>

namespace dadns {
namespace {

BackendResult result(int32_t code, const dadns_status& status) {
    BackendResult r;
    if (code == DADNS_OK) {
        r.code = DADNS_OK;
    } else {
        // An unknown code from a newer or buggy plugin is treated as retryable.
        r.code = code == DADNS_ERR_PERMANENT ? DADNS_ERR_PERMANENT : DADNS_ERR_RETRYABLE;
    }
    r.message.assign(status.message, std::min<size_t>(status.message_len, DADNS_STATUS_MESSAGE_MAX));
    return r;
}

BackendResult missing(const char* what) { return {DADNS_ERR_PERMANENT, std::string("plugin does not implement ") + what}; }

} // namespace

BackendInstance::BackendInstance(const LoadedPlugin& plugin, void* hostCtx, std::string name, const std::string& configJson)
    : plugin_(plugin), name_(std::move(name)) {
    dadns_status status{};
    handle_ = plugin_.backend.create(hostCtx, sdk::str(name_), sdk::str(configJson), &status);
    if (!handle_) {
        std::string message(status.message, std::min<size_t>(status.message_len, DADNS_STATUS_MESSAGE_MAX));
        throw std::runtime_error(message.empty() ? "plugin returned no instance" : message);
    }
}

BackendInstance::~BackendInstance() {
    if (handle_) plugin_.backend.destroy(handle_);
}

BackendResult BackendInstance::apply(const sdk::Zone& zone, int64_t& expectedCount) {
    sdk::AbiZone abi(zone);
    dadns_status status{};
    expectedCount = -1;
    int32_t code = plugin_.backend.apply(handle_, abi.get(), &expectedCount, &status);
    if (expectedCount < 0) expectedCount = static_cast<int64_t>(zone.records.size());
    return result(code, status);
}

BackendResult BackendInstance::remove(const std::string& zone) {
    dadns_status status{};
    return result(plugin_.backend.remove(handle_, sdk::str(zone), &status), status);
}

BackendResult BackendInstance::count(const std::string& zone, int64_t& count) {
    dadns_status status{};
    count = 0;
    return result(plugin_.backend.count(handle_, sdk::str(zone), &count, &status), status);
}

BackendResult BackendInstance::listZones(std::vector<std::string>& zones) {
    if (!plugin_.backend.list_zones) return missing("list_zones");
    dadns_status status{};
    zones.clear();
    auto sink = [](void* ctx, dadns_str value) { static_cast<std::vector<std::string>*>(ctx)->emplace_back(sdk::view(value)); };
    return result(plugin_.backend.list_zones(handle_, &zones, sink, &status), status);
}

BackendResult BackendInstance::reconcile(const sdk::Zone& zone) {
    if (!plugin_.backend.reconcile) {
        int64_t expected = 0;
        return apply(zone, expected);
    }
    sdk::AbiZone abi(zone);
    dadns_status status{};
    return result(plugin_.backend.reconcile(handle_, abi.get(), &status), status);
}

BackendResult BackendInstance::servedRecords(const std::string& zone, std::optional<std::vector<sdk::Record>>& served) {
    served.reset();
    if (!reportsServedRecords()) return missing("served_records");
    dadns_status status{};
    auto sink = [](void* ctx, const dadns_zone* z) { *static_cast<std::optional<std::vector<sdk::Record>>*>(ctx) = sdk::toZone(*z).records; };
    return result(plugin_.backend.served_records(handle_, sdk::str(zone), &served, sink, &status), status);
}

BackendResult BackendInstance::health() {
    if (!plugin_.backend.health) return {};
    dadns_status status{};
    return result(plugin_.backend.health(handle_, &status), status);
}

uint32_t BackendInstance::parallelism() {
    if (!plugin_.backend.parallelism) return 1;
    uint32_t n = plugin_.backend.parallelism(handle_);
    return n == 0 ? 1 : std::min<uint32_t>(n, 256);
}

} // namespace dadns
