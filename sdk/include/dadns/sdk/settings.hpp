// Declared settings: a plugin declares each key of its configuration once (kind, default,
// limits, help), and the SDK reads, checks and refuses by that one declaration.
//
//   static sdk::SettingsSpec settings() {            // found by the export macros (ABI 1.2)
//       sdk::SettingsSpec s;
//       s.text("zones_dir", "directory the zone files are written to").required();
//       s.mode("file_mode", "permission bits of the zone files").byDefault(0644);
//       s.duration("timeout", "how long one call may take").byDefault(std::chrono::seconds(5))
//           .range(std::chrono::milliseconds(100), std::chrono::minutes(10));
//       return s;
//   }
//   explicit MyBackend(const InstanceContext& ctx) : Backend(ctx) {
//       sdk::Settings s = settings().read(ctx);       // throws PermanentError naming instance and key
//       zonesDir_ = s.text("zones_dir");
//   }
//
// A key the plugin did not declare is refused ("unknown setting"), except the keys the host
// itself reads from every instance (type, enabled, optional, parallel), which a plugin may
// also declare to read. The host runs check() through the plugin's check_settings hook for
// `dadns --check-config` and before create, so a mistake stops the start, not the backend.
#pragma once

#include <dadns/sdk/host.hpp>
#include <dadns/sdk/json.hpp>
#include <dadns/sdk/setting_values.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dadns::sdk {

// One problem: key is the setting's path inside the instance ("zones_dir", "servers[1].api_url"),
// empty for a problem with the instance as a whole.
struct SettingProblem {
    std::string key;
    std::string problem;
};

// "<instance>: <key>: <problem>; <key>: <problem>" (at most 8, then how many more).
inline std::string describeProblems(const std::string& instance, const std::vector<SettingProblem>& problems) {
    std::string message = instance + ": ";
    for (size_t i = 0; i < problems.size() && i < 8; ++i)
        message += (i ? "; " : "") + (problems[i].key.empty() ? "" : problems[i].key + ": ") + problems[i].problem;
    if (problems.size() > 8) message += "; and " + std::to_string(problems.size() - 8) + " more";
    return message;
}

// The largest `parallel` the host takes (docs/configuration.md).
inline constexpr long long kMaxParallel = 1024;

class Settings;
class SettingsSpec;

// The declaration of one key, refined by chaining: .required(), .byDefault(v), .range(a, b),
// .oneOf({...}), .check(fn).
class Setting {
public:
    enum class Kind { Text, Integer, Flag, Duration, Size, Mode, List, Command, Objects, Mapping };

    // A further rule on a text value or on each item of a list: "" when fine, else the problem.
    using TextCheck = std::function<std::string(const std::string&)>;

    // A default or range of another kind than the setting's is a plugin bug: std::logic_error,
    // thrown when the declaration is made (flag(k).byDefault(1) would otherwise default to false).
    Setting& required() { required_ = true; return *this; }
    Setting& byDefault(std::string v) { expect({Kind::Text}, "a text default"); text_ = std::move(v); return *this; }
    Setting& byDefault(const char* v) { return byDefault(std::string(v)); }
    Setting& byDefault(long long v) { expect({Kind::Integer, Kind::Size, Kind::Mode}, "a number default"); integer_ = v; return *this; }
    Setting& byDefault(int v) { return byDefault(static_cast<long long>(v)); }
    Setting& byDefault(bool v) { expect({Kind::Flag}, "a true/false default"); flag_ = v; return *this; }
    Setting& byDefault(std::chrono::milliseconds v) { expect({Kind::Duration}, "a duration default"); duration_ = v; return *this; }
    Setting& byDefault(std::vector<std::string> v) { expect({Kind::List, Kind::Command}, "a list default"); list_ = std::move(v); return *this; }
    // Integer, size and mode: the value; list and command: the number of items.
    Setting& range(long long min, long long max) {
        expect({Kind::Integer, Kind::Size, Kind::Mode, Kind::List, Kind::Command}, "a number range");
        min_ = min;
        max_ = max;
        return *this;
    }
    Setting& range(std::chrono::milliseconds min, std::chrono::milliseconds max) {
        expect({Kind::Duration}, "a duration range");
        minDuration_ = min;
        maxDuration_ = max;
        return *this;
    }
    // Allowed values of a text setting, compared without regard to case; text() returns the
    // value as declared here ("native" configured, "Native" declared: "Native").
    Setting& oneOf(std::vector<std::string> values) { choices_ = std::move(values); return *this; }
    Setting& check(TextCheck fn) { check_ = std::move(fn); return *this; }

    const std::string& key() const { return key_; }
    Kind kind() const { return kind_; }
    const std::string& help() const { return help_; }
    bool isRequired() const { return required_; }

private:
    friend class SettingsSpec;
    friend class Settings;
    Setting(std::string key, Kind kind, std::string help) : key_(std::move(key)), kind_(kind), help_(std::move(help)) {}

    std::string problemOf(const Json& v) const;
    void expect(std::initializer_list<Kind> kinds, const char* what) const {
        if (std::find(kinds.begin(), kinds.end(), kind_) == kinds.end())
            throw std::logic_error("plugin bug: setting '" + key_ + "' is given " + what + " its kind cannot take");
    }
    std::string rangeProblem(long long v) const {
        if (v < min_ || v > max_) return "must be between " + std::to_string(min_) + " and " + std::to_string(max_) + ", got " + std::to_string(v);
        return "";
    }
    // The declared choice v names (case aside); nullopt when none ("" may be a choice).
    std::optional<std::string> choice(const std::string& v) const {
        for (const auto& c : choices_)
            if (c.size() == v.size() && std::equal(c.begin(), c.end(), v.begin(), [](unsigned char a, unsigned char b) { return std::tolower(a) == std::tolower(b); }))
                return c;
        return std::nullopt;
    }

    std::string key_;
    Kind kind_;
    std::string help_;
    bool required_ = false;
    bool core_ = false; // a key the host reads; accepted unless the plugin declares it itself
    std::string text_;
    long long integer_ = 0;
    bool flag_ = false;
    std::chrono::milliseconds duration_{0};
    std::vector<std::string> list_;
    long long min_ = std::numeric_limits<long long>::min(), max_ = std::numeric_limits<long long>::max();
    std::chrono::milliseconds minDuration_{0}, maxDuration_{std::chrono::hours(24 * 365)};
    std::vector<std::string> choices_;
    TextCheck check_;
    std::shared_ptr<const SettingsSpec> items_; // Objects: the declaration of each item
};

// The settings of one instance (or of one item of an objects setting), checked against their
// declaration. Reading a key that was not declared, or as another kind, throws PermanentError:
// that is a bug in the plugin, and the message says so.
class Settings {
public:
    std::string text(const std::string& key) const;
    long long integer(const std::string& key) const;
    bool flag(const std::string& key) const;
    std::chrono::milliseconds duration(const std::string& key) const;
    uint64_t size(const std::string& key) const;
    unsigned mode(const std::string& key) const;
    std::vector<std::string> list(const std::string& key) const;    // List and Command
    std::vector<Settings> objects(const std::string& key) const;
    // The host's `parallel` setting (how many zones the instance applies at once; the host
    // overrides parallelism() with it): 0 or absent gives pluginDefault. For a backend that sizes
    // something (a connection pool) by it.
    uint32_t parallel(uint32_t pluginDefault) const {
        long long n = integer("parallel");
        return n > 0 ? static_cast<uint32_t>(n) : pluginDefault;
    }
    // Whether the configuration sets the key (to anything but null).
    bool has(const std::string& key) const { return !json_[key].isNull(); }
    // The configuration as handed over, e.g. to pass a part of it on (Backend::targets).
    const Json& json() const { return json_; }
    const std::string& instanceName() const { return instance_; }

private:
    friend class SettingsSpec;
    Settings(std::shared_ptr<const SettingsSpec> spec, Json json, std::string instance)
        : spec_(std::move(spec)), json_(std::move(json)), instance_(std::move(instance)) {}
    const Setting& declared(const std::string& key, Setting::Kind kind) const;
    const Json* value(const std::string& key, Setting::Kind kind, const Setting*& decl) const;

    std::shared_ptr<const SettingsSpec> spec_;
    Json json_;
    std::string instance_;
};

class SettingsSpec {
public:
    SettingsSpec() = default;

    Setting& text(const std::string& key, const std::string& help) { return declare(key, Setting::Kind::Text, help); }
    Setting& integer(const std::string& key, const std::string& help) { return declare(key, Setting::Kind::Integer, help); }
    Setting& flag(const std::string& key, const std::string& help) { return declare(key, Setting::Kind::Flag, help); }
    Setting& duration(const std::string& key, const std::string& help) { return declare(key, Setting::Kind::Duration, help); }
    Setting& size(const std::string& key, const std::string& help) { return declare(key, Setting::Kind::Size, help); }
    Setting& mode(const std::string& key, const std::string& help) { return declare(key, Setting::Kind::Mode, help); }
    Setting& list(const std::string& key, const std::string& help) { return declare(key, Setting::Kind::List, help); }
    Setting& command(const std::string& key, const std::string& help) { return declare(key, Setting::Kind::Command, help); }
    // A list of mappings, each checked against items (its problems are keyed "key[N].item_key").
    Setting& objects(const std::string& key, const SettingsSpec& items, const std::string& help) {
        Setting& s = declare(key, Setting::Kind::Objects, help);
        s.items_ = std::make_shared<const SettingsSpec>(items);
        return s;
    }
    // A mapping the plugin reads itself from json() (e.g. per-target overrides); checked only
    // to be a mapping.
    Setting& mapping(const std::string& key, const std::string& help) { return declare(key, Setting::Kind::Mapping, help); }
    // A rule across keys, run once every key is valid: "" when fine, else the problem, reported
    // at the given key.
    void rule(const std::string& key, std::function<std::string(const Settings&)> fn) { rules_.push_back({key, std::move(fn)}); }

    const std::deque<Setting>& declared() const { return settings_; }
    const Setting* find(const std::string& key) const {
        for (const auto& s : settings_)
            if (s.key_ == key) return &s;
        return nullptr;
    }

    // Every problem of an instance's configuration (JSON text; empty means {}).
    std::vector<SettingProblem> check(const std::string& configJson) const {
        std::vector<SettingProblem> problems;
        Json json;
        try {
            json = Json::parse(configJson.empty() ? "{}" : configJson);
        } catch (const Error& e) {
            return {{"", e.what()}};
        }
        withCoreKeys().checkObject(json, "", problems);
        return problems;
    }

    // The instance's settings; PermanentError "<instance>: <key>: <problem>" (every problem,
    // joined by "; ") when they are not valid.
    Settings read(const std::string& instanceName, const std::string& configJson) const {
        auto problems = check(configJson);
        if (!problems.empty()) throw PermanentError(describeProblems(instanceName, problems));
        return Settings(std::make_shared<const SettingsSpec>(withCoreKeys()), Json::parse(configJson.empty() ? "{}" : configJson),
                        instanceName);
    }
    Settings read(const InstanceContext& ctx) const { return read(ctx.name, ctx.configJson); }

private:
    friend class Settings;
    friend class Setting;

    struct Rule {
        std::string key;
        std::function<std::string(const Settings&)> fn;
    };

    Setting& declare(const std::string& key, Setting::Kind kind, const std::string& help) {
        for (auto& s : settings_)
            if (s.key_ == key) {
                s = Setting(key, kind, help); // the plugin's own declaration of a core key wins
                return s;
            }
        settings_.push_back(Setting(key, kind, help));
        return settings_.back();
    }

    // The keys the host reads from every instance block (docs/configuration.md), accepted at
    // the top level of an instance unless the plugin declares them itself.
    SettingsSpec withCoreKeys() const {
        SettingsSpec spec = *this;
        for (auto [key, kind] : {std::pair{"type", Setting::Kind::Text}, {"enabled", Setting::Kind::Flag},
                                 {"optional", Setting::Kind::Flag}, {"parallel", Setting::Kind::Integer}}) {
            if (spec.find(key)) continue;
            Setting& s = spec.declare(key, kind, "read by the host");
            s.core_ = true;
            if (std::string(key) == "parallel") s.range(0, kMaxParallel);
        }
        return spec;
    }

    void checkObject(const Json& json, const std::string& prefix, std::vector<SettingProblem>& problems) const;
    std::string unknownKeyProblem(const std::string& key) const;

    std::deque<Setting> settings_; // a deque: a Setting& a declaration returned stays valid after the next
    std::vector<Rule> rules_;
};

// ---- implementation ----------------------------------------------------------------------

inline std::string Setting::problemOf(const Json& v) const {
    using namespace setting_values;
    switch (kind_) {
    case Kind::Text: {
        auto r = readText(v);
        if (!r.problem.empty()) return r.problem;
        if (!choices_.empty() && !choice(r.value)) {
            std::string all;
            for (const auto& c : choices_) all += (all.empty() ? "" : ", ") + c;
            return "must be one of " + all + ", got '" + r.value + "'";
        }
        return check_ ? check_(r.value) : "";
    }
    case Kind::Integer: {
        auto r = readInteger(v);
        return r.problem.empty() ? rangeProblem(r.value) : r.problem;
    }
    case Kind::Flag: return readFlag(v).problem;
    case Kind::Duration: {
        auto r = readDuration(v);
        if (!r.problem.empty()) return r.problem;
        if (r.value < minDuration_ || r.value > maxDuration_)
            return "must be between " + std::to_string(minDuration_.count()) + "ms and " + std::to_string(maxDuration_.count()) + "ms, got '" +
                   v.asString() + "'";
        return "";
    }
    case Kind::Size: {
        auto r = readSize(v);
        if (!r.problem.empty()) return r.problem;
        return r.value > static_cast<uint64_t>(std::numeric_limits<long long>::max()) ? "is too large" : rangeProblem(static_cast<long long>(r.value));
    }
    case Kind::Mode: {
        auto r = readMode(v);
        if (!r.problem.empty()) return r.problem;
        if (static_cast<long long>(r.value) > max_) {
            char octal[16];
            std::snprintf(octal, sizeof octal, "%04llo", static_cast<unsigned long long>(max_));
            return std::string("must be no larger than ") + octal + ", got '" + v.asString() + "'";
        }
        return "";
    }
    case Kind::List:
    case Kind::Command: {
        auto r = kind_ == Kind::List ? readList(v) : readCommand(v);
        if (!r.problem.empty()) return r.problem;
        if (static_cast<long long>(r.value.size()) < min_ || static_cast<long long>(r.value.size()) > max_)
            return "must have between " + std::to_string(min_) + " and " + std::to_string(max_) + " items";
        for (size_t i = 0; check_ && i < r.value.size(); ++i)
            if (std::string p = check_(r.value[i]); !p.empty()) return "item " + std::to_string(i + 1) + ": " + p;
        return "";
    }
    case Kind::Objects: return v.isArray() ? "" : "must be a list of mappings";
    case Kind::Mapping: return v.isObject() ? "" : "must be a mapping";
    }
    return "";
}

inline std::string SettingsSpec::unknownKeyProblem(const std::string& key) const {
    // The closest declared key within two edits, or a prefix of it: most unknown keys are typos.
    auto distance = [](const std::string& a, const std::string& b) {
        std::vector<size_t> row(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            size_t diag = row[0];
            row[0] = i;
            for (size_t j = 1; j <= b.size(); ++j) {
                size_t up = row[j];
                row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
                diag = up;
            }
        }
        return row[b.size()];
    };
    std::string best;
    size_t bestDistance = 3;
    for (const auto& s : settings_) {
        if (s.core_ || key.size() > 256) continue;
        size_t d = distance(key, s.key_);
        // A key cut short or with a unit too many ("delay" for "delay_ms") is a near miss too.
        bool prefix = std::min(key.size(), s.key_.size()) >= 4 && (s.key_.rfind(key, 0) == 0 || key.rfind(s.key_, 0) == 0);
        if (prefix) d = std::min<size_t>(d, 2);
        if (d < bestDistance) bestDistance = d, best = s.key_;
    }
    return best.empty() ? "unknown setting" : "unknown setting (did you mean '" + best + "'?)";
}

inline void SettingsSpec::checkObject(const Json& json, const std::string& prefix, std::vector<SettingProblem>& problems) const {
    if (!json.isObject()) {
        problems.push_back({prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1), "must be a mapping"});
        return;
    }
    size_t before = problems.size();
    for (const auto& [key, value] : json.members())
        if (!find(key)) problems.push_back({prefix + key, unknownKeyProblem(key)});
    for (const auto& s : settings_) {
        const Json& v = json[s.key_];
        if (v.isNull()) {
            if (s.required_) problems.push_back({prefix + s.key_, "is required (" + s.help_ + ")"});
            continue;
        }
        if (std::string p = s.problemOf(v); !p.empty()) {
            problems.push_back({prefix + s.key_, p});
            continue;
        }
        if (s.kind_ == Setting::Kind::Objects)
            for (size_t i = 0; i < v.items().size(); ++i)
                s.items_->checkObject(v.items()[i], prefix + s.key_ + "[" + std::to_string(i) + "].", problems);
    }
    if (problems.size() != before || rules_.empty()) return;
    Settings values(std::make_shared<const SettingsSpec>(*this), json, "");
    for (const auto& r : rules_)
        if (std::string p = r.fn(values); !p.empty()) problems.push_back({prefix + r.key, p});
}

inline const Setting& Settings::declared(const std::string& key, Setting::Kind kind) const {
    const Setting* s = spec_->find(key);
    if (!s) throw PermanentError("plugin bug: setting '" + key + "' is read but not declared");
    bool listLike = (kind == Setting::Kind::List && s->kind_ == Setting::Kind::Command);
    if (s->kind_ != kind && !listLike) throw PermanentError("plugin bug: setting '" + key + "' is read as another kind than declared");
    return *s;
}

inline const Json* Settings::value(const std::string& key, Setting::Kind kind, const Setting*& decl) const {
    decl = &declared(key, kind);
    const Json& v = json_[key];
    return v.isNull() ? nullptr : &v;
}

inline std::string Settings::text(const std::string& key) const {
    const Setting* d = nullptr;
    const Json* v = value(key, Setting::Kind::Text, d);
    if (!v) return d->text_;
    std::string t = v->asString();
    return d->choices_.empty() ? t : d->choice(t).value_or(t);
}

inline long long Settings::integer(const std::string& key) const {
    const Setting* d = nullptr;
    const Json* v = value(key, Setting::Kind::Integer, d);
    return v ? setting_values::readInteger(*v).value : d->integer_;
}

inline bool Settings::flag(const std::string& key) const {
    const Setting* d = nullptr;
    const Json* v = value(key, Setting::Kind::Flag, d);
    return v ? setting_values::readFlag(*v).value : d->flag_;
}

inline std::chrono::milliseconds Settings::duration(const std::string& key) const {
    const Setting* d = nullptr;
    const Json* v = value(key, Setting::Kind::Duration, d);
    return v ? setting_values::readDuration(*v).value : d->duration_;
}

inline uint64_t Settings::size(const std::string& key) const {
    const Setting* d = nullptr;
    const Json* v = value(key, Setting::Kind::Size, d);
    return v ? setting_values::readSize(*v).value : static_cast<uint64_t>(d->integer_);
}

inline unsigned Settings::mode(const std::string& key) const {
    const Setting* d = nullptr;
    const Json* v = value(key, Setting::Kind::Mode, d);
    return v ? setting_values::readMode(*v).value : static_cast<unsigned>(d->integer_);
}

inline std::vector<std::string> Settings::list(const std::string& key) const {
    const Setting* d = nullptr;
    const Json* v = value(key, Setting::Kind::List, d);
    if (!v) return d->list_;
    return d->kind_ == Setting::Kind::Command ? setting_values::readCommand(*v).value : setting_values::readList(*v).value;
}

inline std::vector<Settings> Settings::objects(const std::string& key) const {
    const Setting* d = nullptr;
    const Json* v = value(key, Setting::Kind::Objects, d);
    std::vector<Settings> out;
    if (!v) return out;
    for (size_t i = 0; i < v->items().size(); ++i)
        out.push_back(Settings(d->items_, v->items()[i], instance_ + "." + key + "[" + std::to_string(i) + "]"));
    return out;
}

// Kept for plugins written against SDK 1.1: one duration read outside a declaration.
inline std::chrono::milliseconds durationSetting(const Json& config, const std::string& key, std::chrono::milliseconds def,
                                                 const std::string& plugin, std::chrono::milliseconds min = std::chrono::milliseconds(1),
                                                 std::chrono::milliseconds max = std::chrono::hours(1)) {
    if (!config.has(key)) return def;
    auto r = setting_values::readDuration(config[key]);
    if (r.problem.empty() && (r.value < min || r.value > max))
        r.problem = "must be between " + std::to_string(min.count()) + "ms and " + std::to_string(max.count()) + "ms";
    if (!r.problem.empty()) throw PermanentError(plugin + ": " + key + ": " + r.problem);
    return r.value;
}

} // namespace dadns::sdk
