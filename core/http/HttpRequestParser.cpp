#include "core/http/HttpRequestParser.hpp"

#include <algorithm>
#include <cctype>

namespace dadns {

bool isSafeMethod(const std::string& method) { return method == "GET" || method == "HEAD" || method == "OPTIONS"; }

namespace {

bool iequals(const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

// RFC 9110 token characters (methods and header names).
bool isTokenChar(unsigned char c) {
    static const std::string extra = "!#$%&'*+-.^_`|~";
    return std::isalnum(c) || extra.find(static_cast<char>(c)) != std::string::npos;
}

bool isToken(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return isTokenChar(c); });
}

std::string trimmed(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

// Comma-separated list members, lowercased and trimmed ("Connection: keep-alive, Upgrade").
std::vector<std::string> listMembers(const std::string& value) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string item = trimmed(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        std::transform(item.begin(), item.end(), item.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (!item.empty()) out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

bool contains(const std::vector<std::string>& items, const char* wanted) {
    return std::find(items.begin(), items.end(), wanted) != items.end();
}

} // namespace

std::string HttpRequestHead::header(const std::string& name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return "";
}

bool HttpRequestHead::has(const std::string& name) const {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
}

void HttpRequestParser::reset() {
    stage_ = Stage::Head;
    head_ = HttpRequestHead{};
    body_.clear();
    headBytes_ = 0;
    chunkLeft_ = 0;
    sawRequestLine_ = false;
    started_ = false;
}

bool HttpRequestParser::takeLine(std::string& in, size_t& pos, std::string& line, size_t limit) {
    size_t lf = in.find('\n', pos);
    if (lf == std::string::npos) {
        if (in.size() - pos > limit) throw HttpParseError(431, "request head larger than " + std::to_string(limits_.maxHeadBytes) + " bytes");
        return false;
    }
    size_t end = lf > pos && in[lf - 1] == '\r' ? lf - 1 : lf;
    line.assign(in, pos, end - pos);
    pos = lf + 1;
    return true;
}

HttpRequestParser::Progress HttpRequestParser::parse(std::string& in) {
    if (!in.empty()) started_ = true;
    if (stage_ == Stage::Head) {
        Progress p = parseHead(in);
        if (p != Progress::HeadReady) return p;
        if (stage_ == Stage::Done) return Progress::Complete;
        return Progress::HeadReady;
    }
    if (stage_ == Stage::Done) return Progress::Complete;
    bool done = head_.chunked ? parseChunked(in) : parseBody(in);
    if (!done) return Progress::NeedMore;
    stage_ = Stage::Done;
    return Progress::Complete;
}

HttpRequestParser::Progress HttpRequestParser::parseHead(std::string& in) {
    size_t pos = 0;
    std::string line;
    struct Consume { // erase what was parsed however this returns
        std::string& in;
        size_t& pos;
        ~Consume() { in.erase(0, pos); }
    } consume{in, pos};
    while (true) {
        size_t left = limits_.maxHeadBytes > headBytes_ ? limits_.maxHeadBytes - headBytes_ : 0;
        size_t before = pos;
        if (!takeLine(in, pos, line, left)) return Progress::NeedMore;
        headBytes_ += pos - before;
        if (headBytes_ > limits_.maxHeadBytes)
            throw HttpParseError(431, "request head larger than " + std::to_string(limits_.maxHeadBytes) + " bytes");
        if (line.find('\0') != std::string::npos) throw HttpParseError(400, "NUL byte in the request head");
        if (!sawRequestLine_) {
            if (line.empty()) continue; // RFC 9112 2.2: ignore empty lines before the request line
            parseRequestLine(line);
            sawRequestLine_ = true;
            continue;
        }
        if (line.empty()) {
            finishHead();
            return Progress::HeadReady;
        }
        parseHeaderLine(line);
    }
}

void HttpRequestParser::parseRequestLine(const std::string& line) {
    size_t sp1 = line.find(' ');
    size_t sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
    if (sp2 == std::string::npos || line.find(' ', sp2 + 1) != std::string::npos)
        throw HttpParseError(400, "malformed request line");
    head_.method = line.substr(0, sp1);
    head_.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    head_.version = line.substr(sp2 + 1);
    if (!isToken(head_.method)) throw HttpParseError(400, "malformed request method");
    if (head_.target.empty()) throw HttpParseError(400, "empty request target");
    for (unsigned char c : head_.target)
        if (c <= 0x20 || c == 0x7f) throw HttpParseError(400, "control character in the request target");
    if (head_.version.rfind("HTTP/", 0) != 0) throw HttpParseError(400, "malformed HTTP version");
    if (head_.version != "HTTP/1.1" && head_.version != "HTTP/1.0")
        throw HttpParseError(505, "HTTP version " + head_.version + " is not supported");
}

void HttpRequestParser::parseHeaderLine(const std::string& line) {
    if (line[0] == ' ' || line[0] == '\t') throw HttpParseError(400, "obsolete header line folding");
    size_t colon = line.find(':');
    if (colon == std::string::npos) throw HttpParseError(400, "header line without a colon");
    std::string name = line.substr(0, colon);
    if (!isToken(name)) throw HttpParseError(400, "malformed header name");
    for (unsigned char c : line.substr(colon + 1)) // a bare CR would end the line for some proxies and not for us
        if ((c < 0x20 && c != '\t') || c == 0x7f) throw HttpParseError(400, "control character in a header value");
    if (head_.headers.size() >= limits_.maxHeaders)
        throw HttpParseError(431, "more than " + std::to_string(limits_.maxHeaders) + " header fields");
    head_.headers.emplace_back(std::move(name), trimmed(line.substr(colon + 1)));
}

void HttpRequestParser::finishHead() {
    bool http11 = head_.version == "HTTP/1.1";
    auto connection = listMembers(head_.header("Connection"));
    head_.keepAlive = http11 ? !contains(connection, "close") : contains(connection, "keep-alive");
    if (http11 && iequals(head_.header("Expect"), "100-continue")) head_.expectContinue = true;

    std::string length;
    bool hasLength = false; // present counts, even empty: "Content-Length:" is malformed, not absent
    std::vector<std::string> codings;
    for (const auto& [k, v] : head_.headers) {
        if (iequals(k, "Content-Length")) {
            if (hasLength && length != v) throw HttpParseError(400, "conflicting Content-Length headers");
            length = v;
            hasLength = true;
        } else if (iequals(k, "Transfer-Encoding")) {
            for (auto& c : listMembers(v)) codings.push_back(c);
        }
    }
    if (!codings.empty()) {
        if (hasLength) throw HttpParseError(400, "both Content-Length and Transfer-Encoding");
        if (codings != std::vector<std::string>{"chunked"}) throw HttpParseError(501, "only the chunked transfer coding is supported");
        if (!http11) throw HttpParseError(400, "Transfer-Encoding in an HTTP/1.0 request");
        head_.chunked = true;
        head_.contentLength = -1;
        stage_ = Stage::ChunkSize;
        return;
    }
    if (hasLength) {
        if (length.empty() || length.size() > 18 || !std::all_of(length.begin(), length.end(), [](unsigned char c) { return std::isdigit(c); }))
            throw HttpParseError(400, "malformed Content-Length");
        head_.contentLength = std::stoll(length);
        if (static_cast<unsigned long long>(head_.contentLength) > limits_.maxBodyBytes)
            throw HttpParseError(413, "request body larger than http.max_body_bytes (" + std::to_string(limits_.maxBodyBytes) + " bytes)");
        body_.reserve(std::min<size_t>(static_cast<size_t>(head_.contentLength), 1 << 20)); // before auth: not all of it
    }
    stage_ = head_.contentLength > 0 ? Stage::Body : Stage::Done;
}

bool HttpRequestParser::parseBody(std::string& in) {
    size_t want = static_cast<size_t>(head_.contentLength) - body_.size();
    size_t take = std::min(want, in.size());
    body_.append(in, 0, take);
    in.erase(0, take);
    return body_.size() == static_cast<size_t>(head_.contentLength);
}

bool HttpRequestParser::parseChunked(std::string& in) {
    constexpr size_t kMaxLine = 4096; // a chunk-size line with extensions, or one trailer field
    size_t pos = 0;
    std::string line;
    struct Consume {
        std::string& in;
        size_t& pos;
        ~Consume() { in.erase(0, pos); }
    } consume{in, pos};
    while (true) {
        switch (stage_) {
        case Stage::ChunkSize: {
            if (!takeLine(in, pos, line, kMaxLine)) return false;
            std::string size = trimmed(line.substr(0, line.find(';')));
            if (size.empty() || size.size() > 15 || !std::all_of(size.begin(), size.end(), [](unsigned char c) { return std::isxdigit(c); }))
                throw HttpParseError(400, "malformed chunk size");
            chunkLeft_ = std::stoull(size, nullptr, 16);
            if (body_.size() + chunkLeft_ > limits_.maxBodyBytes)
                throw HttpParseError(413, "request body larger than http.max_body_bytes (" + std::to_string(limits_.maxBodyBytes) + " bytes)");
            stage_ = chunkLeft_ == 0 ? Stage::Trailers : Stage::ChunkData;
            break;
        }
        case Stage::ChunkData: {
            size_t take = static_cast<size_t>(std::min<unsigned long long>(chunkLeft_, in.size() - pos));
            body_.append(in, pos, take);
            pos += take;
            chunkLeft_ -= take;
            if (chunkLeft_ > 0) return false;
            stage_ = Stage::ChunkDataEnd;
            break;
        }
        case Stage::ChunkDataEnd:
            if (!takeLine(in, pos, line, kMaxLine)) return false;
            if (!line.empty()) throw HttpParseError(400, "chunk data longer than its size");
            stage_ = Stage::ChunkSize;
            break;
        case Stage::Trailers:
            if (!takeLine(in, pos, line, kMaxLine)) return false;
            if (line.empty()) return true; // trailer fields are read and dropped
            break;
        default:
            return true;
        }
    }
}

} // namespace dadns
