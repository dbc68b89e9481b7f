#include "RndcMessage.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <limits>

namespace dadns::bind::rndc {

namespace {

constexpr int kHmacMd5 = 157;
// The base64 signature: hmac-md5's 16 bytes without padding; the SHA ones zero-padded to the
// length of hmac-sha512's, after one byte naming the algorithm.
constexpr size_t kMd5SignatureBytes = 22;
constexpr size_t kShaSignatureBytes = 88;

struct Algorithm {
    const char* name;
    int number;
    const EVP_MD* (*md)();
};

constexpr Algorithm kAlgorithms[] = {
    {"hmac-md5", kHmacMd5, EVP_md5},       {"hmac-sha1", 161, EVP_sha1},     {"hmac-sha224", 162, EVP_sha224},
    {"hmac-sha256", 163, EVP_sha256},      {"hmac-sha384", 164, EVP_sha384}, {"hmac-sha512", 165, EVP_sha512},
};

const Algorithm* algorithmOf(std::string_view name) {
    for (const auto& a : kAlgorithms) {
        std::string_view n(a.name);
        if (n.size() != name.size()) continue;
        bool same = true;
        for (size_t i = 0; i < n.size() && same; ++i) same = n[i] == (name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
        if (same) return &a;
    }
    return nullptr;
}

void putU32(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

uint32_t getU32(std::string_view in, size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
    return v;
}

bool putValue(std::string& out, const Value& value);

bool putEntries(std::string& out, const Value& v) {
    for (const auto& e : v.entries) {
        if (v.type == Value::Type::Table) {
            if (e.key.size() > 255) return false;
            if (e.key == "_auth") continue; // encodeMessage writes its own
            out.push_back(static_cast<char>(e.key.size()));
            out += e.key;
        }
        if (!putValue(out, e.value)) return false;
    }
    return true;
}

bool putValue(std::string& out, const Value& value) {
    out.push_back(static_cast<char>(value.type));
    size_t lengthAt = out.size();
    putU32(out, 0);
    if (value.type == Value::Type::Binary) out += value.data;
    else if (!putEntries(out, value)) return false;
    size_t length = out.size() - lengthAt - 4;
    if (length > std::numeric_limits<uint32_t>::max()) return false;
    for (size_t i = 0; i < 4; ++i) out[lengthAt + i] = static_cast<char>((length >> (24 - 8 * i)) & 0xff);
    return true;
}

// What `_auth` holds: hmd5 or hsha's bytes for data signed with key.
std::string signature(std::string_view data, const RndcKey& key, const Algorithm& algorithm) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    HMAC(algorithm.md(), key.secret.data(), static_cast<int>(key.secret.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), digest, &digestLength);
    unsigned char text[4 * EVP_MAX_MD_SIZE / 3 + 4];
    int textLength = EVP_EncodeBlock(text, digest, static_cast<int>(digestLength));
    std::string b64(reinterpret_cast<const char*>(text), static_cast<size_t>(textLength));
    OPENSSL_cleanse(digest, sizeof digest);
    if (algorithm.number == kHmacMd5) return b64.substr(0, kMd5SignatureBytes);
    b64.resize(kShaSignatureBytes, '\0');
    return std::string(1, static_cast<char>(algorithm.number)) + b64;
}

// Reads values from the wire within the limits above; the first problem is kept in error.
struct Parser {
    std::string error;
    size_t values = 0;

    bool fail(std::string why) {
        if (error.empty()) error = std::move(why);
        return false;
    }

    // One value from the front of in (consumed).
    bool value(std::string_view& in, int depth, Value& out) {
        if (in.size() < 5) return fail("truncated: a value's header is cut short");
        auto type = static_cast<unsigned char>(in[0]);
        uint32_t length = getU32(in, 1);
        if (length > in.size() - 5) return fail("truncated: a value's length (" + std::to_string(length) + ") goes beyond the message");
        std::string_view payload = in.substr(5, length);
        in.remove_prefix(5 + static_cast<size_t>(length));
        if (++values > kMaxValues) return fail("more than " + std::to_string(kMaxValues) + " values");
        if (type == static_cast<unsigned char>(Value::Type::Binary)) {
            out = Value::binary(std::string(payload));
            return true;
        }
        if (type != static_cast<unsigned char>(Value::Type::Table) && type != static_cast<unsigned char>(Value::Type::List))
            return fail("unknown value type " + std::to_string(type));
        if (depth >= kMaxDepth) return fail("nested more than " + std::to_string(kMaxDepth) + " levels deep");
        out.type = static_cast<Value::Type>(type);
        return out.type == Value::Type::Table ? table(payload, depth + 1, out, nullptr) : list(payload, depth + 1, out);
    }

    // A table's entries filling in; *signedPart: what follows a first entry named _auth.
    bool table(std::string_view in, int depth, Value& out, std::optional<std::string_view>* signedPart) {
        while (!in.empty()) {
            auto keyLength = static_cast<unsigned char>(in[0]);
            if (in.size() - 1 < keyLength) return fail("truncated: a key is cut short");
            Value::Entry entry{std::string(in.substr(1, keyLength)), {}};
            in.remove_prefix(1 + static_cast<size_t>(keyLength));
            if (!value(in, depth, entry.value)) return false;
            if (signedPart && out.entries.empty() && entry.key == "_auth") *signedPart = in;
            out.entries.push_back(std::move(entry));
        }
        return true;
    }

    bool list(std::string_view in, int depth, Value& out) {
        while (!in.empty()) {
            Value::Entry entry;
            if (!value(in, depth, entry.value)) return false;
            out.entries.push_back(std::move(entry));
        }
        return true;
    }
};

std::string verify(const Value& table, std::optional<std::string_view> signedPart, const RndcKey& key) {
    const Algorithm* algorithm = algorithmOf(key.algorithm);
    if (!algorithm) return "the key's algorithm is not supported";
    const Value* auth = table.find("_auth");
    auto presented = auth ? auth->text(algorithm->number == kHmacMd5 ? "hmd5" : "hsha") : std::nullopt;
    if (!signedPart || !presented) return "the message is not signed for " + key.algorithm;
    std::string expected = signature(*signedPart, key, *algorithm);
    if (presented->size() != expected.size() || CRYPTO_memcmp(presented->data(), expected.data(), expected.size()) != 0)
        return "the signature does not match the key (another key?)";
    return "";
}

std::optional<uint32_t> number(const std::optional<std::string>& text) {
    if (!text || text->empty() || text->size() > 10 || text->find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    uint64_t v = std::stoull(*text);
    if (v > std::numeric_limits<uint32_t>::max()) return std::nullopt;
    return static_cast<uint32_t>(v);
}

} // namespace

Value Value::binary(std::string bytes) {
    Value v;
    v.data = std::move(bytes);
    return v;
}

Value Value::table(std::vector<Entry> entries) {
    Value v;
    v.type = Type::Table;
    v.entries = std::move(entries);
    return v;
}

const Value* Value::find(std::string_view key) const {
    if (type != Type::Table) return nullptr;
    for (const auto& e : entries)
        if (e.key == key) return &e.value;
    return nullptr;
}

std::optional<std::string> Value::text(std::string_view key) const {
    const Value* v = find(key);
    if (!v || v->type != Type::Binary) return std::nullopt;
    return v->data;
}

int algorithmNumber(std::string_view name) {
    const Algorithm* a = algorithmOf(name);
    return a ? a->number : 0;
}

std::optional<std::string> signEntries(std::string_view entries, const RndcKey& key) {
    const Algorithm* algorithm = algorithmOf(key.algorithm);
    if (!algorithm) return std::nullopt;
    std::string field = algorithm->number == kHmacMd5 ? "hmd5" : "hsha";
    Value auth = Value::table({{field, Value::binary(signature(entries, key, *algorithm))}});
    std::string out;
    putU32(out, 1);
    out += "\x05_auth";
    putValue(out, auth);
    out += entries;
    return out;
}

std::optional<std::string> encodeMessage(const Value& table, const RndcKey& key) {
    std::string entries;
    if (table.type != Value::Type::Table || !putEntries(entries, table)) return std::nullopt;
    auto body = signEntries(entries, key);
    if (!body || body->size() > std::numeric_limits<uint32_t>::max()) return std::nullopt;
    std::string out;
    putU32(out, static_cast<uint32_t>(body->size()));
    return out + *body;
}

Decoded decodeMessage(std::string_view body, const RndcKey& key) {
    Decoded d;
    d.table.type = Value::Type::Table;
    if (body.size() < 4) {
        d.error = "truncated: no version";
        return d;
    }
    if (uint32_t version = getU32(body, 0); version != 1) {
        d.error = "unknown protocol version " + std::to_string(version);
        return d;
    }
    Parser parser;
    std::optional<std::string_view> signedPart;
    if (!parser.table(body.substr(4), 0, d.table, &signedPart)) {
        d.error = parser.error;
        return d;
    }
    d.error = verify(d.table, signedPart, key);
    return d;
}

std::optional<std::string> encodeRequest(const Request& request, const RndcKey& key) {
    Value ctrl = Value::table({{"_ser", Value::binary(std::to_string(request.serial))},
                               {"_tim", Value::binary(std::to_string(request.now))},
                               {"_exp", Value::binary(std::to_string(static_cast<uint64_t>(request.now) + 60))}});
    if (request.nonce != 0) ctrl.entries.push_back({"_nonce", Value::binary(std::to_string(request.nonce))});
    Value data = Value::table({{"type", Value::binary(request.command)}});
    return encodeMessage(Value::table({{"_ctrl", std::move(ctrl)}, {"_data", std::move(data)}}), key);
}

Reply decodeReply(std::string_view body, const RndcKey& key) {
    Reply r;
    Decoded d = decodeMessage(body, key);
    const Value* ctrl = d.table.find("_ctrl");
    const Value* data = d.table.find("_data");
    auto serial = ctrl ? number(ctrl->text("_ser")) : std::nullopt;
    auto result = data ? data->text("result") : std::nullopt;
    if (!d.error.empty()) r.error = d.error;
    else if (!ctrl || ctrl->type != Value::Type::Table || !data || data->type != Value::Type::Table) r.error = "no _ctrl or _data table";
    else if (!ctrl->text("_rpl")) r.error = "not an answer (no _rpl)";
    else if (!serial) r.error = "no serial number (_ser)";
    else if (result && !number(result)) r.error = "the result is not a number";
    if (!r.error.empty()) return r;
    r.serial = *serial;
    r.nonce = number(ctrl->text("_nonce")).value_or(0);
    r.result = result ? *number(result) : 0;
    r.err = data->text("err").value_or("");
    r.text = data->text("text").value_or("");
    r.failed = r.result != 0 || data->text("err").has_value();
    return r;
}

} // namespace dadns::bind::rndc
