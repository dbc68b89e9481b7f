// spdlog set-up: one named logger per component, one level and format for all of them.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace dadns {

// Configures the sinks (stderr) and level; format "text" or "json" (one object per line).
// Safe to call again (e.g. after the config is read); existing loggers are updated.
void setupLogging(const std::string& level, const std::string& format);

// The logger of a component ("app", "http", "store", "dispatch", "plugin.bind", ...),
// created on first use with the configured sinks and level.
std::shared_ptr<spdlog::logger> logger(const std::string& component);

} // namespace dadns
