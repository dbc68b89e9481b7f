// An incremental HTTP/1.1 request parser: bytes go in as they arrive, a request comes out once
// its head and its whole body (Content-Length or chunked) are there.
//
// Why our own: the API's connections are served from one event loop that never blocks on a
// client, so a request is only handed to a worker when it is complete. A body that is cut
// short or stalls is therefore never seen by a handler (it cannot be stored as a whole zone),
// and a client that sends its head a byte a second holds a file descriptor, not a thread.
//
// Error contract: parse() throws HttpParseError with the status to answer (400 malformed,
// 413 body too large, 431 head too large, 501 unknown transfer coding, 505 version); the
// connection is closed after that answer. Requests that could be smuggled (Content-Length
// together with Transfer-Encoding, differing Content-Lengths) are malformed.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dadns {

struct HttpParseError : std::runtime_error {
    HttpParseError(int status, const std::string& what) : std::runtime_error(what), status(status) {}
    int status;
};

struct HttpRequestHead {
    std::string method;
    std::string target;   // as sent: path and query
    std::string version;  // "HTTP/1.0" or "HTTP/1.1"
    std::vector<std::pair<std::string, std::string>> headers;
    bool keepAlive = true;       // what the client asked for (HTTP/1.0 needs "Connection: keep-alive")
    bool expectContinue = false; // "Expect: 100-continue"
    bool chunked = false;
    long long contentLength = 0; // -1 with chunked

    // First value of a header, case-insensitive; empty when absent.
    std::string header(const std::string& name) const;
    bool has(const std::string& name) const;
};

// GET, HEAD and OPTIONS: methods that change nothing (served by the read workers, never
// refused as cross-site).
bool isSafeMethod(const std::string& method);

struct HttpParserLimits {
    size_t maxHeadBytes = 64 * 1024;
    size_t maxHeaders = 100;
    size_t maxBodyBytes = 8 * 1024 * 1024;
};

class HttpRequestParser {
public:
    enum class Progress {
        NeedMore,    // nothing complete yet
        HeadReady,   // head() is complete; the body follows (call parse again)
        Complete     // head() and body() are complete
    };

    explicit HttpRequestParser(HttpParserLimits limits) : limits_(limits) {}

    // Consumes what it can of in (erasing it) and says how far the request is. After HeadReady
    // it returns Complete or NeedMore on later calls; after Complete, reset() starts the next
    // request, and what is left in `in` belongs to it (pipelining).
    Progress parse(std::string& in);
    void reset();

    // True once any byte of the current request arrived (a keep-alive connection between
    // requests is idle, one mid-head is not).
    bool started() const { return started_; }
    const HttpRequestHead& head() const { return head_; }
    std::string& body() { return body_; }

private:
    enum class Stage { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Done };

    Progress parseHead(std::string& in);
    void parseRequestLine(const std::string& line);
    void parseHeaderLine(const std::string& line);
    void finishHead();
    bool parseBody(std::string& in);
    bool parseChunked(std::string& in);
    // Takes one line (without its CRLF or LF) from in at offset pos; false when none complete.
    bool takeLine(std::string& in, size_t& pos, std::string& line, size_t limit);

    HttpParserLimits limits_;
    Stage stage_ = Stage::Head;
    HttpRequestHead head_;
    std::string body_;
    size_t headBytes_ = 0;
    unsigned long long chunkLeft_ = 0;
    bool sawRequestLine_ = false;
    bool started_ = false;
};

} // namespace dadns
