// Every configuration key the core reads, with its type: the one list that decides which keys
// a file (or a DADNS_* environment variable) may name. A new core key is one line in
// ConfigKeys.cpp (and its reading in DaemonConfig::fromTree).
#pragma once

#include "core/config/ConfigTree.hpp"

#include <string>
#include <vector>

namespace dadns {

enum class KeyType {
    String,     // a single value (an unquoted number or word is read as its text)
    Integer,    // an unquoted whole number
    Number,     // an unquoted number
    Boolean,    // an unquoted true/false (yes/no, on/off)
    Duration,   // "500ms", "30s", "5m", "1h" or a number of seconds
    StringList, // a list of single values (or one value)
};

struct KeySpec {
    std::string key; // dotted; "*" stands for any one name (a map of names to values)
    KeyType type;
};

// The core's keys outside plugin instance blocks.
const std::vector<KeySpec>& coreKeys();

// The sections whose children are plugin instances: "dns.backends", "ingestion", "discovery".
const std::vector<std::string>& instanceSections();

// The keys the core reads inside every plugin instance block ("type", "enabled", ...), relative
// to the block. Every other key of a block is the plugin's and is handed to it unchecked.
const std::vector<KeySpec>& instanceKeys();

// Refuses (ConfigError naming the key) any key no one reads, and any value whose shape or type
// does not fit its key: a list or mapping where a single value belongs, a quoted string or a
// word where a number or boolean belongs, a single value where a mapping belongs.
void checkConfigKeys(const ConfigTree& tree);

// What DADNS_* variables may set besides the keys already present: every core key, and, inside
// each configured plugin instance block and each "*" map, any child name.
std::vector<std::string> environmentKeys();
std::vector<std::string> environmentSections(const ConfigTree& tree);

// The known name nearest to name (a likely typo), or "" when none is near.
std::string nearestName(const std::string& name, const std::vector<std::string>& candidates);

} // namespace dadns
