#include "core/log/Logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

namespace dadns {
namespace {

// One JSON object per line, the message escaped, so log shippers need no parsing rules.
class JsonFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        time_.format(msg, dest);
        auto levelName = spdlog::level::to_string_view(msg.level);
        std::string_view level(levelName.data(), levelName.size());
        append(dest, ",\"level\":\"");
        append(dest, level);
        append(dest, "\",\"logger\":");
        quote(dest, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
        append(dest, ",\"msg\":");
        quote(dest, std::string_view(msg.payload.data(), msg.payload.size()));
        append(dest, "}\n");
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }

private:
    static void append(spdlog::memory_buf_t& dest, std::string_view s) { dest.append(s.data(), s.data() + s.size()); }
    static void quote(spdlog::memory_buf_t& dest, std::string_view s) {
        dest.push_back('"');
        for (unsigned char c : s) {
            if (c == '"' || c == '\\') {
                dest.push_back('\\');
                dest.push_back(static_cast<char>(c));
            } else if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                append(dest, buf);
            } else {
                dest.push_back(static_cast<char>(c));
            }
        }
        dest.push_back('"');
    }
    spdlog::pattern_formatter time_{"{\"time\":\"%Y-%m-%dT%H:%M:%S.%e%z\"", spdlog::pattern_time_type::local, ""};
};

std::mutex g_mutex;
spdlog::sink_ptr g_sink;
spdlog::level::level_enum g_level = spdlog::level::info;

spdlog::sink_ptr sink() {
    if (!g_sink) {
        g_sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        g_sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
    }
    return g_sink;
}

} // namespace

void setupLogging(const std::string& level, const std::string& format) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_level = spdlog::level::from_str(level);
    auto s = sink();
    if (format == "json") s->set_formatter(std::make_unique<JsonFormatter>());
    else s->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %v");
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->set_level(g_level); });
}

std::shared_ptr<spdlog::logger> logger(const std::string& component) {
    if (auto existing = spdlog::get(component)) return existing;
    std::lock_guard<std::mutex> lock(g_mutex);
    if (auto existing = spdlog::get(component)) return existing;
    auto l = std::make_shared<spdlog::logger>(component, sink());
    l->set_level(g_level);
    l->flush_on(spdlog::level::warn);
    spdlog::register_logger(l);
    return l;
}

} // namespace dadns
