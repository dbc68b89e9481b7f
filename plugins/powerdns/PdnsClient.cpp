#include "PdnsClient.hpp"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <optional>
#include <thread>

namespace dadns::powerdns {
namespace {

bool transient(int status) { return status == 429 || status >= 500; }

} // namespace

std::string pdnsErrorText(const PdnsResponse& r) {
    try {
        sdk::Json j = sdk::Json::parse(r.body);
        if (j.isObject() && j.has("error")) return j.getString("error");
    } catch (const std::exception&) {
        // not JSON: fall through to the raw body
    }
    std::string text = r.body.substr(0, 200);
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text.empty() ? "no details" : text;
}

PdnsClient::PdnsClient(const PdnsSettings& settings, CallObserver onCall) : settings_(settings), onCall_(std::move(onCall)) {}

std::string PdnsClient::describe() const { return "server '" + settings_.server.name + "' (" + settings_.server.apiUrl + ")"; }

std::unique_ptr<Poco::Net::HTTPClientSession> PdnsClient::acquire() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_.empty()) {
            auto s = std::move(idle_.back());
            idle_.pop_back();
            return s;
        }
    }
    return newSession();
}

std::unique_ptr<Poco::Net::HTTPClientSession> PdnsClient::newSession() const {
    auto s = std::make_unique<Poco::Net::HTTPClientSession>(settings_.server.host, settings_.server.port);
    s->setKeepAlive(true);
    s->setTimeout(Poco::Timespan(settings_.timeout.count() * 1000)); // connect, send and receive
    return s;
}

void PdnsClient::release(std::unique_ptr<Poco::Net::HTTPClientSession> session) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < settings_.parallel) idle_.push_back(std::move(session));
}

PdnsResponse PdnsClient::exchange(Poco::Net::HTTPClientSession& session, const std::string& method, const std::string& uri,
                                  const std::string& body) {
    Poco::Net::HTTPRequest request(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    request.set("X-API-Key", settings_.server.apiKey);
    request.set("Accept", "application/json");
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    std::ostream& out = session.sendRequest(request);
    out << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    PdnsResponse r;
    r.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, r.body); // read to the end: the connection can be reused
    return r;
}

std::optional<PdnsResponse> PdnsClient::attempt(const std::string& method, const std::string& uri, const std::string& body,
                                                std::string& error) {
    auto session = acquire();
    // A kept connection the server closed meanwhile fails at once: one fresh try is free.
    bool reused = session->connected();
    while (true) {
        try {
            PdnsResponse r = exchange(*session, method, uri, body);
            onCall_(method, std::to_string(r.status));
            release(std::move(session));
            return r;
        } catch (const Poco::TimeoutException&) {
            error = "no answer within " + std::to_string(settings_.timeout.count()) + " ms";
        } catch (const Poco::Net::ConnectionRefusedException&) {
            error = "connection refused";
        } catch (const Poco::Exception& e) {
            error = e.displayText();
        }
        onCall_(method, "error");
        if (!reused) return std::nullopt;
        reused = false;
        session = newSession();
    }
}

PdnsResponse PdnsClient::call(const std::string& method, const std::string& path, const std::string& body) {
    std::string uri = settings_.server.basePath + "/api/v1/servers/" + settings_.server.serverId + path;
    std::string lastError;
    for (int attempt = 0; attempt <= settings_.retryAttempts; ++attempt) {
        if (attempt > 0 && settings_.retryDelay.count() > 0) std::this_thread::sleep_for(settings_.retryDelay);
        std::optional<PdnsResponse> r = this->attempt(method, uri, body, lastError);
        if (!r) continue;
        if (r->status == 401 || r->status == 403)
            throw sdk::PermanentError(describe() + " refused the API key (HTTP " + std::to_string(r->status) + ": " + pdnsErrorText(*r) + ")");
        if (!transient(r->status)) return *r;
        lastError = "HTTP " + std::to_string(r->status) + ": " + pdnsErrorText(*r);
    }
    throw sdk::RetryableError(describe() + ": " + method + " " + path + " failed after " + std::to_string(settings_.retryAttempts + 1) +
                              " tries: " + lastError);
}

void PdnsClient::fail(const PdnsResponse& r, const std::string& what) const {
    std::string message = describe() + ": " + what + " failed (HTTP " + std::to_string(r.status) + ": " + pdnsErrorText(r) + ")";
    if (r.status >= 400 && r.status < 500 && r.status != 429) throw sdk::PermanentError(message);
    throw sdk::RetryableError(message);
}

} // namespace dadns::powerdns
