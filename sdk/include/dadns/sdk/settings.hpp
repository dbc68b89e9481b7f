// Reading typed settings from a plugin's configuration, with errors that name the key.
#pragma once

#include <dadns/sdk/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>

namespace dadns::sdk {

// A duration: a number of seconds, or a string such as "5", "5s", "1.5s" or "1500ms".
// Throws PermanentError naming the plugin and key when it is not one, or outside [min, max].
inline std::chrono::milliseconds durationSetting(const Json& config, const std::string& key, std::chrono::milliseconds def,
                                                 const std::string& plugin, std::chrono::milliseconds min = std::chrono::milliseconds(1),
                                                 std::chrono::milliseconds max = std::chrono::hours(1)) {
    if (!config.has(key)) return def;
    std::string text = config.getString(key);
    double factor = 1000;
    if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0) {
        factor = 1;
        text.resize(text.size() - 2);
    } else if (!text.empty() && text.back() == 's') {
        text.pop_back();
    }
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    auto ms = std::chrono::milliseconds(static_cast<long long>(std::llround(v * factor)));
    if (text.empty() || !end || *end != '\0' || !std::isfinite(v) || ms < min || ms > max)
        throw PermanentError(plugin + ": " + key + " must be a duration between " + std::to_string(min.count()) + "ms and " +
                             std::to_string(max.count()) + "ms (e.g. 5, \"5s\", \"1500ms\"), got '" + config.getString(key) + "'");
    return ms;
}

} // namespace dadns::sdk
