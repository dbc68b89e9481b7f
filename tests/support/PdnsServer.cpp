#include "support/PdnsServer.hpp"

#include "support/Dig.hpp"

#include <stdexcept>

namespace dadns::test {

PdnsServer::PdnsServer(std::string apiKey) : dir_("dadns-pdns"), dnsPort_(freePort()), apiPort_(freePort()), apiKey_(std::move(apiKey)) {}

PdnsServer::~PdnsServer() { stop(); }

void PdnsServer::start() {
    auto r = runCommand({sourceDir() + "/tests/servers/pdns.sh", "start", dir_.path(), std::to_string(dnsPort_), std::to_string(apiPort_), apiKey_,
                         std::to_string(cacheTtl_)});
    if (r.status != 0) throw std::runtime_error("pdns_server did not start: " + r.output);
    running_ = true;
}

void PdnsServer::stop() {
    if (!running_) return;
    runCommand({sourceDir() + "/tests/servers/pdns.sh", "stop", dir_.path()});
    running_ = false;
}

int PdnsServer::pid() const { return std::stoi(readFile(dir_.file("pdns_server.pid"))); }

std::vector<std::string> PdnsServer::query(const std::string& name, const std::string& type) const { return digShort(dnsPort_, name, type); }

std::set<std::string> PdnsServer::transfer(const std::string& zone) const { return digTransfer(dnsPort_, zone); }

HttpResponse PdnsServer::api(const std::string& method, const std::string& path, const std::string& body) const {
    HttpRequest request;
    request.method = method;
    request.path = "/api/v1/servers/localhost" + path;
    request.body = body;
    if (!body.empty()) request.contentType = "application/json";
    request.headers["X-API-Key"] = apiKey_;
    return httpCall("127.0.0.1", apiPort_, request);
}

} // namespace dadns::test
