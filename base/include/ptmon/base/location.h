// A problem found in an input file, with its place, so every message a user sees says where to
// look: "catalog.yaml:41:7: indicator 'repair-time': cannot read target ...".
#pragma once

#include <string>
#include <vector>

namespace ptmon {

// Where something was written, for messages about it later.
struct SourcePlace {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;    // 1-based; 0 when the problem concerns the whole file
  int column = 0;  // 1-based; 0 when unknown
  std::string message;

  // "file:line:col: message" (or "file: message"), warnings marked "warning: ".
  std::string ToString() const;
};

// Collects diagnostics while a whole input is checked, so users see every problem at once.
class Diagnostics {
 public:
  void Error(std::string file, int line, int column, std::string message);
  void Warning(std::string file, int line, int column, std::string message);

  // Orders by file, line and column (stable): checks that run in several passes still read
  // top to bottom.
  void SortByPlace();

  bool has_errors() const { return error_count_ > 0; }
  int error_count() const { return error_count_; }
  const std::vector<Diagnostic>& all() const { return items_; }
  // Every diagnostic on its own line.
  std::string ToString() const;

 private:
  std::vector<Diagnostic> items_;
  int error_count_ = 0;
};

}  // namespace ptmon
