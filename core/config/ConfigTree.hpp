// The configuration as a flat, ordered map of dotted keys ("dns.backends.bind.zones_dir"),
// read from YAML and overridden from the environment. Poco's LayeredConfiguration is fed from
// it; plugin sections are handed to plugins as JSON built from it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dadns {

struct ConfigValue {
    enum class Kind { String, Scalar, Null, EmptyMap, EmptyList };
    std::string text;
    Kind kind = Kind::Scalar; // Scalar: an unquoted YAML scalar (number, bool or bare word)
    int line = 0;             // 1-based line in the file; 0 when from the environment
    std::string envVar;       // the DADNS_* variable it came from, "" when from the file
};

// A flattened key's path: "a.b[0].c" -> {"a", "b", "[0", "c"}; a step starting with '[' is a
// list index.
std::vector<std::string> configKeySteps(const std::string& key);

class ConfigTree {
public:
    // Throws ConfigError naming the file, line and what is wrong.
    static ConfigTree fromYamlFile(const std::string& path);
    static ConfigTree fromYamlText(const std::string& text, const std::string& sourceName = "<text>");

    // DADNS_APP_AUTH_PASSWORD overrides app.auth_password: a variable matches the key whose
    // upper-cased form, with '.' and '[' as '_', equals the rest of its name. Known keys are the
    // keys present plus knownKeys (keys that may be absent from the file); in an open section
    // (a plugin instance: "dns.backends.bind") any child may be set
    // (DADNS_DNS_BACKENDS_BIND_RNDC_COMMAND sets dns.backends.bind.rndc_command). A variable
    // replaces the key's whole value (a list or mapping too). Returns the variables that
    // matched nothing.
    std::vector<std::string> applyEnvironment(const std::map<std::string, std::string>& env,
                                              const std::vector<std::string>& knownKeys,
                                              const std::vector<std::string>& openSections = {});
    // The variable that overrides key ("app.auth_password" -> "DADNS_APP_AUTH_PASSWORD").
    static std::string environmentName(const std::string& key);
    static std::map<std::string, std::string> processEnvironment();

    const std::map<std::string, ConfigValue>& values() const { return values_; }
    std::optional<ConfigValue> find(const std::string& key) const;
    bool hasPrefix(const std::string& prefix) const;
    void set(const std::string& key, const std::string& text, ConfigValue::Kind kind = ConfigValue::Kind::Scalar);

    // Names of the direct children of a section ("dns.backends" -> {"bind", "coredns_dc1"}).
    std::vector<std::string> children(const std::string& section) const;
    // A section as a JSON object; unquoted YAML scalars that look like numbers or booleans
    // become JSON numbers/booleans, everything else strings; "a[0]" keys become arrays.
    std::string sectionJson(const std::string& section) const;

    const std::string& source() const { return source_; }

private:
    std::map<std::string, ConfigValue> values_;
    std::string source_;
};

// Whether a key holds a secret that must never be logged or shown by the API.
bool isSecretKey(const std::string& key);

} // namespace dadns
