#include "logging.h"

#include <chrono>
#include <cstdio>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace ptmon {

namespace {

// {"time":"2026-11-27T05:31:41.123Z","level":"info","msg":"…"} with the message escaped.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) override {
    const auto time = std::chrono::system_clock::to_time_t(message.time);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(message.time.time_since_epoch())
            .count() %
        1000;
    std::tm utc{};
    gmtime_r(&time, &utc);
    char stamp[96];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis));
    Append(out, "{\"time\":\"");
    Append(out, stamp);
    Append(out, "\",\"level\":\"");
    const auto level = spdlog::level::to_string_view(message.level);
    out.append(level.data(), level.data() + level.size());
    Append(out, "\",\"msg\":\"");
    for (char c : std::string_view(message.payload.data(), message.payload.size())) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(c);
      } else if (byte < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
        Append(out, escaped);
      } else {
        out.push_back(c);
      }
    }
    Append(out, "\"}\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }

 private:
  static void Append(spdlog::memory_buf_t& out, std::string_view text) {
    out.append(text.data(), text.data() + text.size());
  }
};

}  // namespace

bool SetUpLogging(const std::string& level, const std::string& format) {
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") return false;
  if (format != "text" && format != "json") return false;
  auto logger = spdlog::stderr_color_mt("ptmon");
  if (format == "json")
    logger->set_formatter(std::make_unique<JsonFormatter>());
  else
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return true;
}

void LogDiagnostics(const Diagnostics& diagnostics) {
  for (const auto& diagnostic : diagnostics.all()) {
    if (diagnostic.severity == Severity::kError)
      spdlog::error("{}", diagnostic.ToString());
    else
      spdlog::warn("{}", diagnostic.ToString());
  }
  if (const std::string more = diagnostics.OmittedLine(); !more.empty()) spdlog::warn("{}", more);
}

}  // namespace ptmon
