#include <algorithm>
#include <tuple>

#include <ptmon/base/location.h>
#include <ptmon/base/text.h>

namespace ptmon {

std::string Diagnostic::ToString() const {
  std::string out = EscapeControl(file);  // file names come from strangers' folders
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (severity == Severity::kWarning) out += "warning: ";
  out += message;
  return out;
}

void Diagnostics::Error(std::string file, int line, int column, std::string message) {
  items_.push_back({Severity::kError, std::move(file), line, column, std::move(message)});
  ++error_count_;
}

void Diagnostics::Warning(std::string file, int line, int column, std::string message) {
  items_.push_back({Severity::kWarning, std::move(file), line, column, std::move(message)});
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const auto& item : items_) out += item.ToString() + "\n";
  return out;
}

void Diagnostics::SortByPlace() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
}

}  // namespace ptmon
