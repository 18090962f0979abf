// Logging through spdlog: human-readable lines on a terminal, one JSON object per line for
// journald or ELK. Messages are logged as given; callers quote untrusted text (file names)
// with Quote() so control characters cannot forge lines.
#pragma once

#include <string>

#include <ptmon/base/location.h>

namespace ptmon {

// Configures the default logger; false when `level` or `format` is unknown.
bool SetUpLogging(const std::string& level, const std::string& format);

// Logs each diagnostic at error or warning, as its severity says, and the count of those left
// out. Thread-safe.
void LogDiagnostics(const Diagnostics& diagnostics);

}  // namespace ptmon
