#include "soak/LoadClient.hpp"

#include "support/DirectAdminClient.hpp"
#include "support/TestSupport.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace dadns::soak {
namespace {

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

} // namespace

LoadClient::LoadClient(int port, Recorder& recorder) : port_(port), recorder_(recorder) {}

Reply LoadClient::exchange(const std::string& method, const std::string& path, const std::string& body, const std::string& contentType) {
    if (!session_) {
        session_ = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", static_cast<Poco::UInt16>(port_));
        session_->setKeepAlive(true);
        session_->setTimeout(Poco::Timespan(60, 0));
        reused_ = false;
    }
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    req.set("Authorization", "Basic " + test::base64(std::string(test::Daemon::user) + ":" + test::Daemon::password));
    if (method == "POST" || method == "PUT" || !body.empty()) {
        req.setContentLength(static_cast<std::streamsize>(body.size()));
        if (!contentType.empty()) req.setContentType(contentType);
    }
    session_->sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session_->receiveResponse(resp);
    Reply r;
    r.status = static_cast<int>(resp.getStatus());
    Poco::StreamCopier::copyToString(in, r.body);
    if (resp.has("Retry-After")) r.retryAfterSec = std::atof(resp.get("Retry-After").c_str());
    if (!resp.getKeepAlive()) session_.reset();
    else reused_ = true;
    return r;
}

Reply LoadClient::call(const std::string& method, const std::string& path, const std::string& route, bool write,
                       const std::string& body, const std::string& contentType) {
    auto t0 = Clock::now();
    bool fresh = !session_ || !reused_;
    try {
        Reply r = exchange(method, path, body, contentType);
        recorder_.record(route, write, r.status, msSince(t0), r.body, r.retryAfterSec >= 0);
        return r;
    } catch (const Poco::Exception& e) {
        session_.reset();
        recorder_.transportError(route, write, e.displayText(), fresh, msSince(t0));
    } catch (const std::exception& e) {
        session_.reset();
        recorder_.transportError(route, write, e.what(), fresh, msSince(t0));
    }
    return {};
}

Reply LoadClient::directAdmin(const std::string& method, const std::string& target, const std::string& route, bool write,
                              const std::string& body) {
    auto t0 = Clock::now();
    try {
        auto resp = test::directAdminRequest(port_, method, target, body);
        Reply r;
        r.status = resp.status;
        r.body = resp.body;
        if (r.status <= 0) throw std::runtime_error("no status line in the answer");
        recorder_.record(route, write, r.status, msSince(t0), r.body, resp.headers.count("retry-after") > 0);
        return r;
    } catch (const std::exception& e) {
        recorder_.transportError(route, write, e.what(), true, msSince(t0));
    }
    return {};
}

} // namespace dadns::soak
