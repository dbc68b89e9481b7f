#include "core/config/ConfigTree.hpp"

#include "core/util/Errors.hpp"

#include <dadns/sdk/json_writer.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

extern char** environ;

namespace dadns {
namespace {

// YAML aliases can make a node contain itself ("&a {x: *a}") or multiply (aliases of lists of
// aliases): bounded, so such a file is an error instead of a stack overflow or an endless expansion.
constexpr int kMaxDepth = 64;
constexpr size_t kMaxKeys = 100000;

void flatten(const YAML::Node& node, const std::string& key, std::map<std::string, ConfigValue>& out, int depth = 0) {
    if (depth > kMaxDepth) throw ConfigError(key, "nested deeper than " + std::to_string(kMaxDepth) + " levels (an alias inside itself?)");
    if (out.size() > kMaxKeys) throw ConfigError("", "more than " + std::to_string(kMaxKeys) + " keys (aliases repeated into each other?)");
    int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
    switch (node.Type()) {
    case YAML::NodeType::Map:
        if (node.size() == 0 && !key.empty()) out[key] = {"", ConfigValue::Kind::EmptyMap, line, {}};
        {
            // yaml-cpp keeps both entries of a repeated key; a second block must not merge
            // silently into the first (or replace it).
            std::map<std::string, int> seen;
            for (const auto& item : node) {
                int keyLine = item.first.Mark().line >= 0 ? item.first.Mark().line + 1 : 0;
                if (!item.first.IsScalar())
                    throw ConfigError(key, "line " + std::to_string(keyLine) + ": keys must be single names, not lists or mappings");
                std::string name = item.first.Scalar();
                std::string path = key.empty() ? name : key + "." + name;
                if (name.empty() || name.find_first_of(".[]") != std::string::npos)
                    throw ConfigError(path, "line " + std::to_string(keyLine) + ": keys must be non-empty and contain no '.', '[' or ']'");
                auto [it, fresh] = seen.emplace(name, keyLine);
                if (!fresh)
                    throw ConfigError(path, "duplicated key (lines " + std::to_string(it->second) + " and " + std::to_string(keyLine) +
                                                "): give it once");
                flatten(item.second, path, out, depth + 1);
            }
        }
        break;
    case YAML::NodeType::Sequence:
        if (node.size() == 0) out[key] = {"", ConfigValue::Kind::EmptyList, line, {}};
        for (size_t i = 0; i < node.size(); ++i) flatten(node[i], key + "[" + std::to_string(i) + "]", out, depth + 1);
        break;
    case YAML::NodeType::Scalar:
        out[key] = {node.Scalar(), node.Tag() == "!" ? ConfigValue::Kind::String : ConfigValue::Kind::Scalar, line, {}};
        break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        out[key] = {"", ConfigValue::Kind::Null, line, {}};
        break;
    }
}

std::string envName(const std::string& key) {
    std::string name = "DADNS_";
    for (char c : key) {
        if (c == '.' || c == '[' || c == ']') {
            if (c != ']') name += '_';
        } else {
            name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    return name;
}

bool looksNumeric(const std::string& s) {
    // strtod skips leading white space ("\f300"), which JSON does not allow before a number.
    if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    // The whole value, not up to a NUL inside it ("33\0" "06" is no number).
    return end == s.c_str() + s.size() && s.find_first_of("xXnN") == std::string::npos;
}

std::string scalarJson(const ConfigValue& v) {
    switch (v.kind) {
    case ConfigValue::Kind::Null: return "null";
    case ConfigValue::Kind::EmptyMap: return "{}";
    case ConfigValue::Kind::EmptyList: return "[]";
    case ConfigValue::Kind::String: return sdk::jsonQuote(v.text);
    case ConfigValue::Kind::Scalar: break;
    }
    std::string lower = v.text;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "true" || lower == "yes" || lower == "on") return "true";
    if (lower == "false" || lower == "no" || lower == "off") return "false";
    if (looksNumeric(v.text)) return v.text;
    return sdk::jsonQuote(v.text);
}

// A tree built from the flat keys of one section, rendered as JSON.
struct JsonNode {
    std::map<std::string, JsonNode> members; // object members or array items ("0", "1", ...)
    std::vector<std::string> order;
    bool isArray = false;
    std::optional<std::string> leaf;

    JsonNode& child(const std::string& name) {
        auto [it, inserted] = members.try_emplace(name);
        if (inserted) order.push_back(name);
        return it->second;
    }
    std::string render() const {
        if (leaf) return *leaf;
        std::string out = isArray ? "[" : "{";
        bool first = true;
        std::vector<std::string> keys = order;
        if (isArray)
            std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) { return std::stoul(a) < std::stoul(b); });
        for (const auto& k : keys) {
            if (!first) out += ",";
            first = false;
            if (!isArray) out += sdk::jsonQuote(k) + ":";
            out += members.at(k).render();
        }
        return out + (isArray ? "]" : "}");
    }
};

} // namespace

std::vector<std::string> configKeySteps(const std::string& key) {
    std::vector<std::string> steps;
    std::string cur;
    for (size_t i = 0; i < key.size(); ++i) {
        char c = key[i];
        if (c == '.') {
            if (!cur.empty()) steps.push_back(cur);
            cur.clear();
        } else if (c == '[') {
            if (!cur.empty()) steps.push_back(cur);
            cur.clear();
            size_t close = key.find(']', i);
            if (close == std::string::npos) close = key.size();
            steps.push_back("[" + key.substr(i + 1, close - i - 1));
            i = close;
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) steps.push_back(cur);
    return steps;
}

ConfigTree ConfigTree::fromYamlText(const std::string& text, const std::string& sourceName) {
    ConfigTree tree;
    tree.source_ = sourceName;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError("", "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    if (root.IsNull()) return tree;
    if (!root.IsMap()) throw ConfigError("", "the top level must be a mapping of keys");
    try {
        flatten(root, "", tree.values_);
    } catch (const YAML::Exception& e) {
        throw ConfigError("", "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    return tree;
}

ConfigTree ConfigTree::fromYamlFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError("", "cannot read configuration file: " + std::string(std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    return fromYamlText(text.str(), path);
}

std::map<std::string, std::string> ConfigTree::processEnvironment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos && entry.rfind("DADNS_", 0) == 0) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    return env;
}

std::vector<std::string> ConfigTree::applyEnvironment(const std::map<std::string, std::string>& env,
                                                      const std::vector<std::string>& knownKeys,
                                                      const std::vector<std::string>& openSections) {
    // Keys already present win over known keys spelled alike (a.b_c and a_b.c).
    std::map<std::string, std::string> byEnvName;
    for (const auto& [key, value] : values_) byEnvName.emplace(envName(key), key);
    for (const auto& key : knownKeys) byEnvName.emplace(envName(key), key);
    std::vector<std::string> unmatched;
    for (const auto& [name, value] : env) {
        if (name.rfind("DADNS_", 0) != 0) continue;
        std::string key;
        if (auto it = byEnvName.find(name); it != byEnvName.end()) {
            key = it->second;
        } else {
            // A key inside an open section (a plugin instance's settings): the longest section
            // whose variable prefix matches, the rest of the name lower-cased as the key.
            size_t best = 0;
            for (const auto& section : openSections) {
                std::string prefix = envName(section) + "_";
                if (prefix.size() <= best || name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
                std::string rest = name.substr(prefix.size());
                std::string child;
                for (char c : rest) child += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                if (!std::all_of(child.begin(), child.end(), [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_'; }) ||
                    child.front() == '_' || child.back() == '_')
                    continue;
                best = prefix.size();
                key = section + "." + child;
            }
        }
        if (key.empty()) {
            unmatched.push_back(name);
            continue;
        }
        auto existing = values_.find(key);
        ConfigValue::Kind kind = existing != values_.end() && existing->second.kind == ConfigValue::Kind::String
                                     ? ConfigValue::Kind::String
                                     : ConfigValue::Kind::Scalar;
        // The variable replaces the whole value: a list or mapping in the file goes.
        for (auto it = values_.lower_bound(key); it != values_.end() && it->first.compare(0, key.size(), key) == 0;) {
            char after = it->first.size() > key.size() ? it->first[key.size()] : '\0';
            if (after == '.' || after == '[') it = values_.erase(it);
            else ++it;
        }
        values_[key] = {value, kind, 0, name};
    }
    return unmatched;
}

std::string ConfigTree::environmentName(const std::string& key) { return envName(key); }

std::optional<ConfigValue> ConfigTree::find(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

bool ConfigTree::hasPrefix(const std::string& prefix) const {
    auto it = values_.lower_bound(prefix);
    return it != values_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

void ConfigTree::set(const std::string& key, const std::string& text, ConfigValue::Kind kind) {
    values_[key] = {text, kind, 0, {}};
}

std::vector<std::string> ConfigTree::children(const std::string& section) const {
    std::vector<std::string> names;
    std::set<std::string> seen;
    std::string prefix = section + ".";
    for (auto it = values_.lower_bound(prefix); it != values_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        std::string rest = it->first.substr(prefix.size());
        std::string name = rest.substr(0, rest.find_first_of(".["));
        if (seen.insert(name).second) names.push_back(name);
    }
    return names;
}

std::string ConfigTree::sectionJson(const std::string& section) const {
    JsonNode root;
    std::string prefix = section + ".";
    for (auto it = values_.lower_bound(prefix); it != values_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        JsonNode* node = &root;
        for (const auto& step : configKeySteps(it->first.substr(prefix.size()))) {
            if (step[0] == '[') {
                node->isArray = true;
                node = &node->child(step.substr(1));
            } else {
                node = &node->child(step);
            }
        }
        node->leaf = scalarJson(it->second);
    }
    return root.render();
}

bool isSecretKey(const std::string& key) {
    std::string last = key.substr(key.find_last_of('.') == std::string::npos ? 0 : key.find_last_of('.') + 1);
    std::transform(last.begin(), last.end(), last.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* word : {"password", "api_key", "apikey", "secret", "key", "token"}) {
        std::string w(word);
        if (last == w) return true;
        if (last.size() > w.size() && last.compare(last.size() - w.size(), w.size(), w) == 0 &&
            last[last.size() - w.size() - 1] == '_')
            return true;
    }
    return false;
}

} // namespace dadns
