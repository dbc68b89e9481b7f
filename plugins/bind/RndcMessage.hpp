// The messages of named's control channel (BIND's isccc format, lib/isccc/cc.c), apart from any
// socket so that they can be tested and fuzzed alone.
//
// A message on the wire: a 4-byte big-endian length of what follows, a 4-byte version (1), then
// a table: entries of [key length u8][key][type u8][value length u32][value], a value being
// binary data (1), a table (2) or a list of values (3). Numbers travel as decimal text. A signed
// message starts with the `_auth` table, whose `hsha` (`hmd5` for hmac-md5) holds the base64
// HMAC of every byte after the `_auth` entry.
#pragma once

#include "RndcConfig.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dadns::bind::rndc {

// named refuses a message longer than this (the length field's value).
constexpr size_t kMaxRequestBytes = 32768;
// rndc's own limit on an answer; named's answers are a few KiB.
constexpr size_t kMaxAnswerBytes = 1024 * 1024;
// Tables and lists within tables: rndc's messages need two levels.
constexpr int kMaxDepth = 8;
// Values in one message: rndc's messages have about ten.
constexpr size_t kMaxValues = 10000;

struct Value {
    enum class Type : uint8_t { Binary = 1, Table = 2, List = 3 };
    struct Entry;

    Type type = Type::Binary;
    std::string data;           // Binary
    std::vector<Entry> entries; // Table: in wire order; List: with empty keys

    static Value binary(std::string bytes);
    static Value table(std::vector<Entry> entries);
    // A table's first entry named key; nullptr when there is none (or this is no table).
    const Value* find(std::string_view key) const;
    // The bytes of a table's binary entry named key.
    std::optional<std::string> text(std::string_view key) const;
};

struct Value::Entry {
    std::string key;
    Value value;
};

// DST's number for a key algorithm named as in rndc.conf ("hmac-sha256": 163); 0 when the
// algorithm is not one named's control channel knows.
int algorithmNumber(std::string_view name);

// The whole message to send (length field included): version, `_auth` signed with key, then
// table's entries (an `_auth` among them is left out). nullopt when key's algorithm is unknown
// or a key is longer than 255 bytes.
std::optional<std::string> encodeMessage(const Value& table, const RndcKey& key);
// Version, `_auth` and entries, entries being already encoded table entries (the fuzzer signs
// arbitrary bytes with it). nullopt when key's algorithm is unknown.
std::optional<std::string> signEntries(std::string_view entries, const RndcKey& key);

struct Decoded {
    std::string error; // "" when the message was read and its signature holds
    Value table;
};
// Reads a message (what follows the length field) and checks its signature with key.
Decoded decodeMessage(std::string_view body, const RndcKey& key);

// A command as rndc sends it: `_ctrl` {_ser, _tim, _exp, _nonce once known}, `_data` {type}.
struct Request {
    uint32_t serial = 0;
    uint32_t now = 0;   // seconds since the epoch
    uint32_t nonce = 0; // 0: none yet (the first message on a connection)
    std::string command;
};
std::optional<std::string> encodeRequest(const Request& request, const RndcKey& key);

// named's answer: `_ctrl` {_rpl, _ser, _nonce}, `_data` {result, err, text}.
struct Reply {
    std::string error; // "" when the answer was read and verified
    uint32_t serial = 0;
    uint32_t nonce = 0;
    uint32_t result = 0;
    bool failed = false; // result != 0, or an err
    std::string err, text;
};
Reply decodeReply(std::string_view body, const RndcKey& key);

} // namespace dadns::bind::rndc
