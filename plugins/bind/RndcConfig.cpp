#include "RndcConfig.hpp"

#include "RndcMessage.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace dadns::bind {

namespace {

// rndc.conf and rndc.key are a few hundred bytes; a bigger file is a wrong path.
constexpr size_t kMaxFileBytes = 1024 * 1024;
constexpr int kMaxIncludeDepth = 8;
constexpr int kMaxFiles = 64;
constexpr int kMaxBlockDepth = 8;

[[noreturn]] void fail(const std::string& file, int line, const std::string& what) {
    throw std::runtime_error(file + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what);
}

std::string readLimited(const std::string& path, const std::string& includedFrom, int line) {
    std::ifstream in(path, std::ios::binary);
    if (!in && includedFrom.empty()) fail(path, 0, std::string("cannot read the file: ") + std::strerror(errno));
    if (!in) fail(includedFrom, line, "cannot read the included " + path + ": " + std::strerror(errno));
    std::string text(kMaxFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) fail(path, 0, "cannot read the file");
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) fail(path, 0, "longer than " + std::to_string(kMaxFileBytes) + " bytes: not an rndc configuration");
    return text;
}

struct Token {
    enum Kind { Word, String, Open, Close, Semi, End } kind = End;
    std::string text;
    int line = 0;
};

// named.conf's tokens: words, quoted strings, braces and semicolons; comments in the C, C++
// and shell styles.
class Lexer {
public:
    Lexer(std::string file, const std::string& text) : file_(std::move(file)), text_(text) {}

    Token next() {
        skipSpaceAndComments();
        Token t;
        t.line = line_;
        if (pos_ >= text_.size()) return t;
        char c = text_[pos_];
        if (c == '{' || c == '}' || c == ';') {
            ++pos_;
            t.kind = c == '{' ? Token::Open : c == '}' ? Token::Close : Token::Semi;
            return t;
        }
        if (c == '"') return quoted(t);
        t.kind = Token::Word;
        while (pos_ < text_.size() && !isSpace(text_[pos_]) && std::string_view("{};\"#").find(text_[pos_]) == std::string_view::npos &&
               !startsComment())
            t.text.push_back(text_[pos_++]);
        return t;
    }
    const std::string& file() const { return file_; }

private:
    static bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
    bool startsComment() const { return text_.compare(pos_, 2, "//") == 0 || text_.compare(pos_, 2, "/*") == 0; }

    void skipSpaceAndComments() {
        while (pos_ < text_.size()) {
            if (isSpace(text_[pos_])) {
                if (text_[pos_++] == '\n') ++line_;
            } else if (text_[pos_] == '#' || text_.compare(pos_, 2, "//") == 0) {
                while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
            } else if (text_.compare(pos_, 2, "/*") == 0) {
                int start = line_;
                size_t end = text_.find("*/", pos_ + 2);
                if (end == std::string::npos) fail(file_, start, "a /* comment is not closed");
                for (size_t i = pos_; i < end; ++i) line_ += text_[i] == '\n';
                pos_ = end + 2;
            } else {
                return;
            }
        }
    }

    Token quoted(Token t) {
        t.kind = Token::String;
        for (++pos_; pos_ < text_.size() && text_[pos_] != '"'; ++pos_) {
            if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
            if (text_[pos_] == '\n') ++line_;
            t.text.push_back(text_[pos_]);
        }
        if (pos_ >= text_.size()) fail(file_, t.line, "a quoted string is not closed");
        ++pos_;
        return t;
    }

    std::string file_;
    const std::string& text_;
    size_t pos_ = 0;
    int line_ = 1;
};

// `name args... [{ statements }];`
struct Statement {
    std::vector<Token> args; // args[0]: the statement's name
    bool hasBlock = false;
    std::vector<Statement> block;
    int line = 0;
};

std::vector<Statement> parseBlock(Lexer& lex, int depth, bool inBraces);

Statement parseStatement(Lexer& lex, Token first, int depth) {
    Statement s;
    s.line = first.line;
    s.args.push_back(std::move(first));
    for (;;) {
        Token t = lex.next();
        if (t.kind == Token::Word || t.kind == Token::String) {
            s.args.push_back(std::move(t));
        } else if (t.kind == Token::Semi) {
            return s;
        } else if (t.kind == Token::Open && !s.hasBlock) {
            if (depth >= kMaxBlockDepth) fail(lex.file(), t.line, "blocks nested too deeply");
            s.hasBlock = true;
            s.block = parseBlock(lex, depth + 1, true);
        } else {
            fail(lex.file(), t.line, "expected ';' to end the statement that starts on line " + std::to_string(s.line));
        }
    }
}

std::vector<Statement> parseBlock(Lexer& lex, int depth, bool inBraces) {
    std::vector<Statement> out;
    for (;;) {
        Token t = lex.next();
        if (t.kind == Token::End) {
            if (inBraces) fail(lex.file(), t.line, "a '{' is not closed");
            return out;
        }
        if (t.kind == Token::Close) {
            if (!inBraces) fail(lex.file(), t.line, "a '}' without its '{'");
            return out;
        }
        if (t.kind == Token::Semi) continue;
        if (t.kind == Token::Open) fail(lex.file(), t.line, "a '{' where a statement should start");
        out.push_back(parseStatement(lex, std::move(t), depth));
    }
}

// A statement's name when it is safe to repeat in a message: letters and hyphens only, so that
// a misplaced secret is never echoed.
std::string nameForMessage(const Statement& s) {
    const std::string& n = s.args[0].text;
    bool plain = s.args[0].kind == Token::Word && !n.empty() && n.size() <= 32 &&
                 n.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string::npos;
    return plain ? "'" + n + "'" : "(unreadable name)";
}

struct Place {
    std::string file;
    int line = 0;
};

struct KeyDef {
    std::string name, algorithm, secretText;
    Place place;
};

struct ServerDef {
    std::string name, key;
    std::optional<std::string> port;
    Place portPlace;
    // The first of `addresses { ADDRESS [port N]; ... };`, where rndc connects in place of name.
    std::optional<std::string> address, addressPort;
    Place addressPlace;
};

struct Gathered {
    std::vector<KeyDef> keys;
    std::vector<ServerDef> servers;
    std::optional<std::string> server, port, defaultKey;
    Place portPlace, defaultKeyPlace;
    std::vector<std::string> including; // the include stack (canonical paths), for loops
    int files = 0;
};

// The one value of `name value;`.
const std::string& single(const Statement& s, const std::string& file, const std::string& what) {
    if (s.args.size() != 2 || s.hasBlock) fail(file, s.line, what + " takes one value");
    return s.args[1].text;
}

bool sameName(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

void gatherKey(const Statement& s, const std::string& file, Gathered& g) {
    if (s.args.size() != 2 || !s.hasBlock) fail(file, s.line, "expected key \"name\" { algorithm ...; secret \"...\"; };");
    KeyDef k{s.args[1].text, "", "", {file, s.line}};
    bool hasAlgorithm = false, hasSecret = false;
    for (const auto& f : s.block) {
        const std::string& name = f.args[0].text;
        if (name == "algorithm") {
            k.algorithm = single(f, file, "key \"" + k.name + "\": algorithm");
            hasAlgorithm = true;
        } else if (name == "secret") {
            k.secretText = single(f, file, "key \"" + k.name + "\": secret");
            hasSecret = true;
        } else {
            fail(file, f.line, "key \"" + k.name + "\": unknown clause " + nameForMessage(f) + " (expected algorithm and secret)");
        }
    }
    if (!hasAlgorithm || !hasSecret) fail(file, s.line, "key \"" + k.name + "\" needs both an algorithm and a secret");
    for (const auto& other : g.keys)
        if (sameName(other.name, k.name))
            fail(file, s.line,
                 "key \"" + k.name + "\" is defined twice (also " + other.place.file + ":" + std::to_string(other.place.line) + ")");
    g.keys.push_back(std::move(k));
}

void gatherOptions(const Statement& s, const std::string& file, Gathered& g) {
    if (!s.hasBlock) fail(file, s.line, "expected options { ... };");
    for (const auto& o : s.block) {
        const std::string& name = o.args[0].text;
        // Others (default-source-address, ...) do not change where dadns connects.
        if (name == "default-server") {
            g.server = single(o, file, "default-server");
        } else if (name == "default-port") {
            g.port = single(o, file, "default-port");
            g.portPlace = {file, o.line};
        } else if (name == "default-key") {
            g.defaultKey = single(o, file, "default-key");
            g.defaultKeyPlace = {file, o.line};
        }
    }
}

// rndc tries the addresses in turn; dadns keeps one connection, to the first.
void gatherAddresses(const Statement& s, const std::string& file, ServerDef& server) {
    if (s.args.size() != 1 || !s.hasBlock) fail(file, s.line, "expected addresses { ADDRESS [port N]; ... };");
    if (s.block.empty()) fail(file, s.line, "addresses { } lists no address");
    const Statement& first = s.block.front();
    bool withPort = first.args.size() == 3 && first.args[1].text == "port";
    if (first.args.size() != 1 && !withPort) fail(file, first.line, "expected ADDRESS [port N]; in addresses { }");
    server.address = first.args[0].text;
    if (withPort) server.addressPort = first.args[2].text;
    server.addressPlace = {file, first.line};
}

void gatherServer(const Statement& s, const std::string& file, Gathered& g) {
    if (s.args.size() != 2 || !s.hasBlock) fail(file, s.line, "expected server NAME { ... };");
    ServerDef server;
    server.name = s.args[1].text;
    for (const auto& o : s.block) {
        if (o.args[0].text == "key") {
            server.key = single(o, file, "server key");
        } else if (o.args[0].text == "port") {
            server.port = single(o, file, "server port");
            server.portPlace = {file, o.line};
        } else if (o.args[0].text == "addresses") {
            gatherAddresses(o, file, server);
        }
    }
    g.servers.push_back(std::move(server));
}

void gatherFile(const std::string& path, const Place& includedAt, Gathered& g);

void gatherInclude(const Statement& s, const std::string& file, Gathered& g) {
    std::string target = single(s, file, "include");
    std::filesystem::path p(target);
    if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
    if (static_cast<int>(g.including.size()) >= kMaxIncludeDepth)
        fail(file, s.line, "includes nested more than " + std::to_string(kMaxIncludeDepth) + " deep");
    gatherFile(p.string(), {file, s.line}, g);
}

void gatherFile(const std::string& path, const Place& includedAt, Gathered& g) {
    std::error_code ec;
    std::string canonical = std::filesystem::weakly_canonical(path, ec).string();
    if (ec) canonical = path;
    for (const auto& open : g.including)
        if (open == canonical) fail(includedAt.file, includedAt.line, "include loop: " + path + " includes itself");
    if (++g.files > kMaxFiles) fail(includedAt.file, includedAt.line, "more than " + std::to_string(kMaxFiles) + " files included");
    std::string text = readLimited(path, includedAt.file, includedAt.line);
    Lexer lex(path, text);
    std::vector<Statement> statements = parseBlock(lex, 0, false);
    g.including.push_back(canonical);
    for (const auto& s : statements) {
        const std::string& name = s.args[0].text;
        if (name == "key") gatherKey(s, path, g);
        else if (name == "options") gatherOptions(s, path, g);
        else if (name == "server") gatherServer(s, path, g);
        else if (name == "include") gatherInclude(s, path, g);
        else fail(path, s.line, "unknown statement " + nameForMessage(s) + " (expected key, options, server or include)");
    }
    g.including.pop_back();
}

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Standard base64, white space ignored; nullopt when it is not.
std::optional<std::string> decodeBase64(const std::string& text) {
    std::string out;
    uint32_t bits = 0;
    int count = 0, padding = 0;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        size_t at = kAlphabet.find(c);
        int v = at == std::string_view::npos ? -1 : static_cast<int>(at);
        if (c == '=') {
            ++padding;
            ++count;
            bits <<= 6;
        } else if (v < 0 || padding > 0) {
            return std::nullopt;
        } else {
            bits = bits << 6 | static_cast<uint32_t>(v);
            ++count;
        }
        if (count == 4) {
            if (padding > 2) return std::nullopt;
            for (int i = 0; i < 3 - padding; ++i) out.push_back(static_cast<char>((bits >> (16 - 8 * i)) & 0xff));
            bits = 0;
            count = 0;
        }
    }
    if (count != 0) return std::nullopt;
    return out;
}

const KeyDef& chooseKey(const Gathered& g, const std::string& path, const ServerDef* server) {
    std::optional<std::string> wanted = server && !server->key.empty() ? std::optional(server->key) : g.defaultKey;
    if (wanted) {
        for (const auto& k : g.keys)
            if (sameName(k.name, *wanted)) return k;
        const Place& at = g.defaultKeyPlace.file.empty() ? Place{path, 0} : g.defaultKeyPlace;
        fail(at.file, at.line, "no key \"" + *wanted + "\" is defined");
    }
    if (g.keys.empty()) fail(path, 0, "no key { algorithm ...; secret ...; } is defined");
    if (g.keys.size() > 1)
        fail(g.keys[1].place.file, g.keys[1].place.line,
             "several keys and no default-key in options { }: say which one to use");
    return g.keys.front();
}

uint16_t portNumber(const std::string& text, const Place& at) {
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos || std::stoul(text) < 1 ||
        std::stoul(text) > 65535)
        fail(at.file, at.line, "the port is not a number from 1 to 65535");
    return static_cast<uint16_t>(std::stoul(text));
}

} // namespace

std::string RndcEndpoint::text() const {
    std::string address = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return address + ":" + std::to_string(port) + " (key " + key.name + ")";
}

RndcEndpoint readRndcConfig(const std::string& path, const std::string& serverName, uint16_t port) {
    Gathered g;
    gatherFile(path, Place{}, g);
    RndcEndpoint e;
    if (!serverName.empty()) e.host = serverName;
    else if (g.server) e.host = *g.server;
    const ServerDef* server = nullptr;
    for (const auto& s : g.servers)
        if (sameName(s.name, e.host)) server = &s;
    const KeyDef& k = chooseKey(g, path, server);
    if (port != 0) e.port = port;
    else if (server && server->port) e.port = portNumber(*server->port, server->portPlace);
    else if (g.port) e.port = portNumber(*g.port, g.portPlace);
    if (server && server->address) {
        e.host = *server->address;
        if (server->addressPort) e.port = portNumber(*server->addressPort, server->addressPlace);
    }
    if (rndc::algorithmNumber(k.algorithm) == 0)
        fail(k.place.file, k.place.line,
             "key \"" + k.name + "\": unsupported algorithm (hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384 or hmac-sha512)");
    auto secret = decodeBase64(k.secretText);
    if (!secret) fail(k.place.file, k.place.line, "key \"" + k.name + "\": the secret is not base64");
    if (secret->empty()) fail(k.place.file, k.place.line, "key \"" + k.name + "\": the secret is empty");
    e.key = RndcKey{k.name, k.algorithm, std::move(*secret)};
    for (auto& c : e.key.algorithm) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
}

} // namespace dadns::bind
