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

// Collects diagnostics while a whole input is checked, so users see every problem at once.
class Diagnostics {
 public:
  void Error(std::string file, int line, int column, std::string message);
  void Warning(std::string file, int line, int column, std::string message);
  // A problem in a workbook's cell (column 0: the whole row).
  void ErrorInSheet(std::string file, std::string sheet, int sheet_order, int row, int column,
                    std::string message);

  // Appends `other`'s diagnostics; its errors only while fewer than `max_errors` are held.
  void Append(const Diagnostics& other, int max_errors);

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
