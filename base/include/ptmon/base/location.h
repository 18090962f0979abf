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
  // Set for a workbook's cell: the place reads "file:Sheet!C7" (line is the row, column the
  // column); sheet_order keeps the workbook's tab order when sorting.
  std::string sheet;
  int sheet_order = 0;

  // "file:line:col: message", "file:Sheet!C7: message" (or "file: message"), warnings marked
  // "warning: ".
  std::string ToString() const;
};

// A cell's name as a spreadsheet shows it: "C7"; with a row of 0, the column letters alone.
std::string CellName(int row, int column);

// Collects diagnostics while a whole input is checked, so users see every problem at once. It
// counts every problem but holds at most `listed` of them (errors before warnings, then the first
// by place), so a file with millions of problems costs no more memory or output than one with
// `listed`, and the counts it reports stay exact. Not thread-safe, not even for reading (what is
// held is trimmed when it is read).
class Diagnostics {
 public:
  static constexpr size_t kListed = 200;

  explicit Diagnostics(size_t listed = kListed) : listed_(listed) {}

  void Error(std::string file, int line, int column, std::string message);
  void Warning(std::string file, int line, int column, std::string message);
  // A problem in a workbook's cell (column 0: the whole row).
  void ErrorInSheet(std::string file, std::string sheet, int sheet_order, int row, int column,
                    std::string message);

  // Adds `other`'s counts and the diagnostics it holds (still at most `listed` held).
  void Append(const Diagnostics& other);

  // Orders what is held by file, line and column (stable): checks that run in several passes
  // still read top to bottom.
  void SortByPlace();

  bool has_errors() const { return error_count_ > 0; }
  // Every error and warning counted, held or not.
  int error_count() const { return error_count_; }
  int warning_count() const { return warning_count_; }
  // The diagnostics held, in the order found (or by place after SortByPlace).
  const std::vector<Diagnostic>& all() const;
  // How many were counted but not held.
  int omitted() const;
  // Every diagnostic held on its own line, then one line saying how many more there are.
  std::string ToString() const;
  // That last line ("… 另有 N 处问题未列出 / and N more not listed"); empty when none were left
  // out.
  std::string OmittedLine() const;

 private:
  void Hold(Diagnostic item);
  // Keeps the `listed_` most worth showing, in the order they were found.
  void Shrink() const;

  size_t listed_;
  // Grows to twice `listed_` before it is trimmed, so trimming costs a constant per problem.
  mutable std::vector<Diagnostic> items_;
  int error_count_ = 0;
  int warning_count_ = 0;
};

}  // namespace ptmon
