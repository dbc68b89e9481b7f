// The API's incremental HTTP/1.1 request parser. The input is a byte stream from a client
// (requests may be pipelined); it is parsed twice: in one piece, and in pieces of random sizes
// (as a socket delivers it), driven as the connection layer drives the parser. Properties: the
// parser never throws anything but HttpParseError, a finished body is exactly what the head
// declared, and both runs see the same requests and end the same way.
//
// Input layout: 4 bytes seed the piece sizes, 1 byte picks small or default limits, the rest is
// the stream.
#include "FuzzCheck.hpp"

#include "core/http/HttpRequestParser.hpp"

#include <random>

using namespace dadns;

namespace {

struct Outcome {
    std::vector<std::string> requests; // each complete request, flattened
    int status = 0;                    // HttpParseError status, 0 when none
    bool operator==(const Outcome& o) const { return requests == o.requests && status == o.status; }
};

std::string flatten(const HttpRequestParser& p, const std::string& body) {
    const HttpRequestHead& h = p.head();
    std::string out = h.method + ' ' + h.target + ' ' + h.version + '\n';
    for (const auto& [k, v] : h.headers) out += k + ": " + v + '\n';
    out += "keep-alive=" + std::to_string(h.keepAlive) + " continue=" + std::to_string(h.expectContinue) +
           " chunked=" + std::to_string(h.chunked) + " length=" + std::to_string(h.contentLength) + '\n';
    return out + body;
}

// Feeds the stream in pieces (sizes from rng; one piece when rng is null).
Outcome run(const std::string& stream, const HttpParserLimits& limits, std::minstd_rand* rng) {
    Outcome out;
    HttpRequestParser parser(limits);
    std::string buffer;
    size_t fed = 0;
    try {
        while (true) {
            auto progress = parser.parse(buffer);
            if (progress == HttpRequestParser::Progress::Complete) {
                const HttpRequestHead& h = parser.head();
                fuzz::check(h.version == "HTTP/1.1" || h.version == "HTTP/1.0", "only HTTP/1.x is accepted");
                fuzz::check(!h.target.empty() && h.target.find(' ') == std::string::npos, "a target has no spaces");
                if (h.chunked) fuzz::check(h.contentLength == -1, "a chunked body has no length");
                else fuzz::check(parser.body().size() == static_cast<size_t>(h.contentLength), "a body is as long as declared");
                fuzz::check(parser.body().size() <= limits.maxBodyBytes, "a body is within the limit");
                out.requests.push_back(flatten(parser, parser.body()));
                parser.reset();
                continue; // what is left in buffer belongs to the next request
            }
            if (progress == HttpRequestParser::Progress::HeadReady) continue;
            if (fed == stream.size()) break; // NeedMore and nothing more to come
            size_t piece = rng ? 1 + (*rng)() % 512 : stream.size();
            piece = std::min(piece, stream.size() - fed);
            buffer.append(stream, fed, piece);
            fed += piece;
        }
    } catch (const HttpParseError& e) {
        fuzz::check(e.status == 400 || e.status == 413 || e.status == 431 || e.status == 501 || e.status == 505,
                    "a parse error has a documented status");
        out.status = e.status;
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 5) return 0;
    uint32_t seed = static_cast<uint32_t>(data[0]) | static_cast<uint32_t>(data[1]) << 8 | static_cast<uint32_t>(data[2]) << 16 |
                    static_cast<uint32_t>(data[3]) << 24;
    HttpParserLimits limits;
    if (data[4] & 1) { // small limits, so that inputs can reach them
        limits.maxHeadBytes = 256;
        limits.maxHeaders = 4;
        limits.maxBodyBytes = 64;
    }
    std::string stream(fuzz::text(data + 5, size - 5));

    Outcome whole = run(stream, limits, nullptr);
    std::minstd_rand rng(seed);
    Outcome pieces = run(stream, limits, &rng);
    if (!(whole == pieces)) {
        std::string why = "one piece and random pieces differ: " + std::to_string(whole.requests.size()) + " vs " +
                          std::to_string(pieces.requests.size()) + " requests, status " + std::to_string(whole.status) + " vs " +
                          std::to_string(pieces.status);
        fuzz::violated(why);
    }
    return 0;
}
