#include "core/config/ConfigKeys.hpp"

#include "core/config/DaemonConfig.hpp"
#include "core/log/Logging.hpp"
#include "core/util/Errors.hpp"

#include <dadns/sdk/utf8.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <stdexcept>

namespace dadns {

// Every key the core reads. Add a key here (and read it in DaemonConfig::fromTree); the checks
// below, the environment overrides and the suggestions for typos follow from this list.
const std::vector<KeySpec>& coreKeys() {
    static const std::vector<KeySpec> keys = {
        {"log_level", KeyType::String},
        {"log_format", KeyType::String},
        {"timezone", KeyType::String},
        {"queue_location", KeyType::String},
        {"node_id", KeyType::String},
        {"shutdown_grace_seconds", KeyType::Integer},

        {"app.auth_username", KeyType::String},
        {"app.auth_password", KeyType::String},
        {"app.listen_address", KeyType::String},
        {"app.listen_port", KeyType::Integer},
        {"app.tls_port", KeyType::Integer},
        {"app.tls_cert", KeyType::String},
        {"app.tls_key", KeyType::String},

        {"dns.default_backend", KeyType::String},

        {"plugins.dir", KeyType::String},
        {"plugins.extra_paths", KeyType::StringList},

        {"store.type", KeyType::String},
        {"store.engine", KeyType::String},
        {"store.dsn", KeyType::String},
        {"store.pool_size", KeyType::Integer},
        {"store.history_per_zone", KeyType::Integer},

        {"http.threads", KeyType::Integer},
        {"http.mutation_threads", KeyType::Integer},
        {"http.queue", KeyType::Integer},
        {"http.max_body_bytes", KeyType::Integer},
        {"http.public_status", KeyType::Boolean},
        {"http.max_event_streams", KeyType::Integer},
        {"http.timeout_seconds", KeyType::Integer},
        {"http.header_timeout_seconds", KeyType::Integer},
        {"http.keepalive_timeout_seconds", KeyType::Integer},
        {"http.keepalive_requests", KeyType::Integer},
        {"http.max_connections", KeyType::Integer},
        {"http.max_connections_per_client", KeyType::Integer},

        {"dispatch.retry_backoff", KeyType::Duration},
        {"dispatch.retry_backoff_max", KeyType::Duration},
        {"dispatch.max_attempts", KeyType::Integer},
        {"dispatch.breaker_failures", KeyType::Integer},
        {"dispatch.drift_interval", KeyType::Duration},
        {"dispatch.verify_settle", KeyType::Duration},
        {"dispatch.remove_unknown_zones", KeyType::Boolean},
        {"dispatch.max_delete_fraction", KeyType::Number},
        {"dispatch.poll_interval", KeyType::Duration},
        {"dispatch.lease", KeyType::Duration},

        {"zones.ownership", KeyType::String},
        {"zones.safety.max_remove_share", KeyType::Number},
        {"zones.safety.min_records", KeyType::Integer},
        {"zones.safety.max_deletes", KeyType::Integer},
        {"zones.safety.delete_window", KeyType::Duration},
        {"zones.soa_serial", KeyType::String},
    };
    return keys;
}

const std::vector<std::string>& instanceSections() {
    static const std::vector<std::string> sections = {"dns.backends", "ingestion", "discovery"};
    return sections;
}

const std::vector<KeySpec>& instanceKeys() {
    static const std::vector<KeySpec> keys = {
        {"type", KeyType::String},
        {"enabled", KeyType::Boolean},
        {"optional", KeyType::Boolean},
        {"parallel", KeyType::Integer},
    };
    return keys;
}

namespace {

std::vector<std::string> split(const std::string& key) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        size_t dot = key.find('.', start);
        out.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return out;
}

// Whether the dotted name path matches pattern segment by segment ("*" matches any name).
bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
    if (path.size() != pattern.size()) return false;
    for (size_t i = 0; i < path.size(); ++i)
        if (pattern[i] != "*" && pattern[i] != path[i]) return false;
    return true;
}

const KeySpec* findSpec(const std::string& key) {
    auto path = split(key);
    for (const auto& spec : coreKeys())
        if (matches(split(spec.key), path)) return &spec;
    return nullptr;
}

bool isInstanceSection(const std::string& key) {
    const auto& s = instanceSections();
    return std::find(s.begin(), s.end(), key) != s.end();
}

// A mapping the core knows: a proper prefix of a core key or an instance section ("dns", "http").
bool isSection(const std::string& key) {
    auto path = split(key);
    for (const auto& spec : coreKeys()) {
        auto pattern = split(spec.key);
        if (pattern.size() <= path.size()) continue;
        bool prefix = true;
        for (size_t i = 0; i < path.size(); ++i) prefix = prefix && (pattern[i] == "*" || pattern[i] == path[i]);
        if (prefix) return true;
    }
    for (const auto& section : instanceSections())
        if (section == key || section.rfind(key + ".", 0) == 0) return true;
    return false;
}

// The names the core knows directly under a section ("" is the top level).
std::vector<std::string> knownChildren(const std::string& section) {
    std::set<std::string> names;
    std::string prefix = section.empty() ? "" : section + ".";
    auto add = [&](const std::string& key) {
        if (key.rfind(prefix, 0) != 0) return;
        std::string rest = key.substr(prefix.size());
        std::string name = rest.substr(0, rest.find('.'));
        if (name != "*") names.insert(name);
    };
    for (const auto& spec : coreKeys()) add(spec.key);
    for (const auto& s : instanceSections()) add(s);
    return {names.begin(), names.end()};
}

std::string kindWord(ConfigValue::Kind kind) {
    return kind == ConfigValue::Kind::EmptyList ? "a list" : "a mapping";
}

const char* typeWant(KeyType type) {
    switch (type) {
    case KeyType::Integer: return "must be a whole number";
    case KeyType::Number: return "must be a number";
    case KeyType::Boolean: return "must be true or false";
    case KeyType::Duration: return "must be a duration like 500ms, 30s, 5m or 1h";
    case KeyType::StringList: return "must be a list of single values";
    case KeyType::String: break;
    }
    return "must be a single value";
}

// One value against its key's type. rest: the steps of the tree key below the spec's key.
void checkValue(const std::string& key, KeyType type, const std::vector<std::string>& rest, const ConfigValue& v) {
    bool fromFile = v.envVar.empty();
    if (type == KeyType::StringList) {
        if (rest.empty()) {
            if (v.kind == ConfigValue::Kind::EmptyMap) throw ConfigError(key, "must be a list, not a mapping");
            return; // one value, an empty list or nothing
        }
        if (rest[0][0] != '[') throw ConfigError(key, "must be a list, not a mapping");
        if (rest.size() > 1 || v.kind == ConfigValue::Kind::EmptyList || v.kind == ConfigValue::Kind::EmptyMap ||
            v.kind == ConfigValue::Kind::Null)
            throw ConfigError(key, "must be a list of single values");
        return;
    }
    if (!rest.empty()) throw ConfigError(key, std::string(typeWant(type)) + ", not " + (rest[0][0] == '[' ? "a list" : "a mapping"));
    if (v.kind == ConfigValue::Kind::EmptyList || v.kind == ConfigValue::Kind::EmptyMap)
        throw ConfigError(key, std::string(typeWant(type)) + ", not " + kindWord(v.kind));
    if (v.kind == ConfigValue::Kind::Null) return; // the default
    bool quoted = fromFile && v.kind == ConfigValue::Kind::String;
    switch (type) {
    case KeyType::Integer: {
        if (quoted) throw ConfigError(key, "must be a whole number, not a quoted string ('" + v.text + "')");
        size_t used = 0;
        try {
            std::stoll(v.text, &used);
        } catch (const std::logic_error&) {
            used = 0;
        }
        if (used == 0 || used != v.text.size()) throw ConfigError(key, "must be a whole number, got '" + v.text + "'");
        break;
    }
    case KeyType::Number: {
        if (quoted) throw ConfigError(key, "must be a number, not a quoted string ('" + v.text + "')");
        size_t used = 0;
        double d = 0;
        try {
            d = std::stod(v.text, &used);
        } catch (const std::logic_error&) {
            used = 0;
        }
        if (used == 0 || used != v.text.size() || !std::isfinite(d)) throw ConfigError(key, "must be a number, got '" + v.text + "'");
        break;
    }
    case KeyType::Boolean: {
        if (quoted) throw ConfigError(key, "must be true or false, not a quoted string ('" + v.text + "')");
        std::string t = v.text;
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
        if (t != "true" && t != "false" && t != "yes" && t != "no" && t != "on" && t != "off")
            throw ConfigError(key, "must be true or false, got '" + v.text + "'");
        break;
    }
    case KeyType::Duration:
        try {
            parseDuration(v.text);
        } catch (const std::invalid_argument& e) {
            throw ConfigError(key, e.what());
        }
        break;
    case KeyType::String:
    case KeyType::StringList: break;
    }
}

void checkKey(const std::string& key, const ConfigValue& v) {
    auto path = configKeySteps(key);
    std::string cur;
    for (size_t i = 0; i < path.size(); ++i) {
        const std::string& step = path[i];
        if (step[0] == '[') throw ConfigError(cur, "must be a mapping, not a list");
        std::string next = cur.empty() ? step : cur + "." + step;
        std::vector<std::string> rest(path.begin() + static_cast<long>(i) + 1, path.end());
        if (isInstanceSection(cur)) {
            // A plugin instance block: the core checks only the keys it reads itself.
            if (rest.empty()) return; // the block itself: DaemonConfig checks it is a mapping
            if (rest[0][0] == '[') throw ConfigError(next, "must be a mapping of settings, not a list");
            for (const auto& spec : instanceKeys())
                if (spec.key == rest[0])
                    return checkValue(next + "." + rest[0], spec.type, std::vector<std::string>(rest.begin() + 1, rest.end()), v);
            return; // the plugin's own setting
        }
        if (const KeySpec* spec = findSpec(next)) return checkValue(next, spec->type, rest, v);
        if (isSection(next)) {
            cur = next;
            continue;
        }
        std::vector<std::string> known = knownChildren(cur);
        std::string near = nearestName(step, known);
        throw ConfigError(next, "unknown key" + (near.empty() ? std::string() : " (did you mean " + (cur.empty() ? near : cur + "." + near) + "?)"));
    }
    // A section the core knows, given as a single value or a list.
    if (!cur.empty() && v.kind != ConfigValue::Kind::EmptyMap && v.kind != ConfigValue::Kind::Null)
        throw ConfigError(cur, "must be a mapping of settings, not " + std::string(v.kind == ConfigValue::Kind::EmptyList ? "a list" : "a single value"));
}

size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t sub = prev[j - 1] + (std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1])) ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

} // namespace

std::string nearestName(const std::string& name, const std::vector<std::string>& candidates) {
    std::string best;
    size_t bestDistance = std::max<size_t>(2, name.size() / 4) + 1;
    for (const auto& c : candidates) {
        size_t d = editDistance(name, c);
        if (d < bestDistance) {
            bestDistance = d;
            best = c;
        }
    }
    return best;
}

void checkConfigKeys(const ConfigTree& tree) {
    for (const auto& [key, value] : tree.values()) {
        // Values travel as JSON text to plugins and the API, which can carry only UTF-8: any
        // other byte would arrive changed (a Latin-1 password as "\xE9"), so it is refused.
        if (!sdk::isUtf8(key)) throw ConfigError(escapeLogText(key), "is a key that is not valid UTF-8 text");
        if (!sdk::isUtf8(value.text)) throw ConfigError(key, "is not valid UTF-8 text");
        checkKey(key, value);
    }
}

std::vector<std::string> environmentKeys() {
    std::vector<std::string> keys;
    for (const auto& spec : coreKeys())
        if (spec.key.find('*') == std::string::npos) keys.push_back(spec.key);
    return keys;
}

std::vector<std::string> environmentSections(const ConfigTree& tree) {
    std::vector<std::string> sections;
    for (const auto& section : instanceSections())
        for (const auto& name : tree.children(section)) sections.push_back(section + "." + name);
    for (const auto& spec : coreKeys())
        if (spec.key.size() > 2 && spec.key.compare(spec.key.size() - 2, 2, ".*") == 0 &&
            spec.key.find('*') == spec.key.size() - 1)
            sections.push_back(spec.key.substr(0, spec.key.size() - 2));
    return sections;
}

} // namespace dadns
