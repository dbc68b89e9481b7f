// spdlog set-up: one named logger per component, one level and format for all of them.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace dadns {

// Configures the sinks (stderr) and level; format "text" or "json" (one object per line).
// Either way a message is escaped: control characters (\n as "\\n", ESC as "\\x1b", ...),
// bytes that are not UTF-8, C1 controls and line separators never reach the log raw, so a
// client-supplied name cannot forge a log line or drive the reader's terminal.
// Safe to call again (e.g. after the config is read); existing loggers are updated.
void setupLogging(const std::string& level, const std::string& format);

// The logger of a component ("app", "http", "store", "dispatch", "plugin.bind", ...),
// created on first use with the configured sinks and level.
std::shared_ptr<spdlog::logger> logger(const std::string& component);

// The text log's escaping of a message (what the "%*" flag of the text format writes).
std::string escapeLogText(std::string_view text);

} // namespace dadns
