#include "core/log/Logging.hpp"

#include <dadns/sdk/json_writer.hpp>
#include <dadns/sdk/utf8.hpp>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

namespace dadns {
namespace {

// Characters a terminal or a line-based reader acts on besides the C0 controls: C1 controls
// (U+0080-U+009F, e.g. U+009B is CSI) and the Unicode line and paragraph separators.
bool unsafeCodePoint(uint32_t cp) { return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029; }

void appendHex(std::string& out, const char* format, unsigned value) {
    char buf[12];
    std::snprintf(buf, sizeof buf, format, value);
    out += buf;
}

// The text log's escaping of s into out: \n, \r, \t, the other controls and bytes that are not
// well-formed UTF-8 as \xHH, C1 controls and line separators as \uXXXX. (JSON lines are the
// SDK's JSON writer's, which has the same rules in JSON's notation.)
void escapeInto(std::string& out, std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        if (c == '\n' || c == '\r' || c == '\t') {
            out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
            ++i;
            continue;
        }
        uint32_t cp = 0;
        size_t len = c < 0x80 ? 0 : sdk::utf8SequenceAt(s, i, cp); // the other C0 controls and DEL: \xHH
        if (len == 0) {
            appendHex(out, "\\x%02x", c);
            ++i;
        } else if (unsafeCodePoint(cp)) {
            appendHex(out, "\\u%04x", cp);
            i += len;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
}

void append(spdlog::memory_buf_t& dest, std::string_view s) { dest.append(s.data(), s.data() + s.size()); }

// The message of a text log line, escaped: a client-supplied name cannot start a line of its own
// or send a terminal escape.
class EscapedPayload final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        std::string_view payload(msg.payload.data(), msg.payload.size());
        if (std::all_of(payload.begin(), payload.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
            append(dest, payload); // the usual message: printable ASCII, nothing to escape
            return;
        }
        std::string escaped;
        escapeInto(escaped, payload);
        append(dest, escaped);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<EscapedPayload>(); }
};

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
    static void quote(spdlog::memory_buf_t& dest, std::string_view s) {
        std::string out;
        sdk::appendJsonString(out, s, sdk::NonUtf8::Escape); // a log line is always valid UTF-8
        append(dest, out);
    }
    spdlog::pattern_formatter time_{"{\"time\":\"%Y-%m-%dT%H:%M:%S.%e%z\"", spdlog::pattern_time_type::local, ""};
};

std::unique_ptr<spdlog::formatter> makeFormatter(const std::string& format) {
    if (format == "json") return std::make_unique<JsonFormatter>();
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<EscapedPayload>('*').set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %*");
    return f;
}

std::mutex g_mutex;
spdlog::sink_ptr g_sink;
spdlog::level::level_enum g_level = spdlog::level::info;

spdlog::sink_ptr sink() {
    if (!g_sink) {
        g_sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        g_sink->set_formatter(makeFormatter("text"));
    }
    return g_sink;
}

} // namespace

std::string escapeLogText(std::string_view text) {
    std::string out;
    escapeInto(out, text);
    return out;
}

void setupLogging(const std::string& level, const std::string& format) {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_level = spdlog::level::from_str(level);
    sink()->set_formatter(makeFormatter(format));
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
