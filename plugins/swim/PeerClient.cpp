#include "PeerClient.hpp"

#include <dadns/sdk/clock.hpp>
#include <dadns/sdk/types.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

namespace dadns::swim {

PeerReply PeerClient::call(const std::string& apiUrl, const std::string& method, const std::string& path, const std::string& body) const {
    try {
        Poco::URI uri(apiUrl);
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        session.setTimeout(Poco::Timespan(static_cast<long>(timeout_.count()) * 1000));
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        std::string proof = auth_.httpProof(selfId_, method, path, body, sdk::wallClockMs());
        request.set(kProofHeader, proof);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        PeerReply reply;
        reply.status = static_cast<int>(response.getStatus());
        Poco::StreamCopier::copyToString(in, reply.body);
        if (reply.status != 401) {
            Verdict v = auth_.checkHttpProof(response.get(kProofHeader, ""), answerScope(reply.status, proof), path, reply.body,
                                             sdk::wallClockMs(), nullptr);
            if (v != Verdict::Ok) throw sdk::RetryableError("peer " + apiUrl + ": answer refused, its cluster proof is " + verdictName(v));
        }
        return reply;
    } catch (const Poco::Exception& e) {
        throw sdk::RetryableError("peer " + apiUrl + ": " + e.displayText());
    }
}

} // namespace dadns::swim
