// Base classes of ingestion and discovery plugins: long-lived services inside the daemon.
#pragma once

#include <dadns/sdk/host.hpp>

#include <string>

namespace dadns::sdk {

class Service {
public:
    explicit Service(const InstanceContext& ctx) : host_(ctx.host), name_(ctx.name), routes_(ctx.host) {}
    virtual ~Service() = default;
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    // Called once all plugins are loaded and the HTTP API listens.
    virtual void start() {}
    // Stop threads and sockets; the destructor follows.
    virtual void stop() {}
    // A zone's desired state changed, from any source. Must return quickly.
    virtual void zoneChanged(const std::string& /*zone*/, uint64_t /*version*/, const std::string& /*stamp*/) {}
    // A JSON object shown in the daemon's status.
    virtual std::string describe() const { return "{}"; }

protected:
    const Host& host() const { return host_; }
    const std::string& instanceName() const { return name_; }
    RouteTable& routes() { return routes_; }

private:
    Host host_;
    std::string name_;
    RouteTable routes_;
};

// Turns outside input (DirectAdmin pushes, host registrations, ...) into zone changes.
class Ingestion : public Service {
public:
    using Service::Service;
};

// Finds peers and keeps the cluster's zones in step.
class Discovery : public Service {
public:
    using Service::Service;
};

} // namespace dadns::sdk
