#include "core/plugin/ServiceInstance.hpp"

#include <dadns/sdk/plugin_tables.hpp>
#include <dadns/sdk/types.hpp>

#include <stdexcept>

namespace dadns {
namespace {

std::string message(const dadns_status& status) {
    return std::string(status.message, std::min<size_t>(status.message_len, DADNS_STATUS_MESSAGE_MAX));
}

} // namespace

ServiceInstance::ServiceInstance(const LoadedPlugin& plugin, void* hostCtx, std::string name, const std::string& configJson)
    : plugin_(plugin), name_(std::move(name)) {
    dadns_status status{};
    handle_ = plugin_.service.create(hostCtx, sdk::str(name_), sdk::str(configJson), &status);
    if (!handle_) throw std::runtime_error(message(status).empty() ? "plugin returned no instance" : message(status));
}

ServiceInstance::~ServiceInstance() {
    stop();
    if (handle_) plugin_.service.destroy(handle_);
}

void ServiceInstance::start() {
    if (!plugin_.service.start) {
        started_ = true;
        return;
    }
    dadns_status status{};
    if (plugin_.service.start(handle_, &status) != DADNS_OK) throw std::runtime_error(message(status));
    started_ = true;
}

void ServiceInstance::stop() {
    if (started_ && plugin_.service.stop) plugin_.service.stop(handle_);
    started_ = false;
}

void ServiceInstance::zoneChanged(const std::string& zone, uint64_t version, const std::string& stamp) {
    if (started_ && plugin_.service.zone_changed) plugin_.service.zone_changed(handle_, sdk::str(zone), version, sdk::str(stamp));
}

std::string ServiceInstance::describe() { return sdk::tables::describeInstance(plugin_.service.describe, handle_); }

} // namespace dadns
