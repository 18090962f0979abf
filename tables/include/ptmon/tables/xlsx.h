// Reading the cells of an .xlsx workbook (Office Open XML as Excel, WPS and LibreOffice save
// it) from memory. Only what a table needs: each sheet's cell values and merged ranges, formulas by
// the value the office suite saved with them, shared and inline strings, and whether a cell's
// number format shows a percentage or a date. Workbooks come from strangers, so everything is
// bounded: entries, uncompressed bytes (counted as they are inflated, not as the zip claims), cells
// and XML depth; DTDs are refused. Failures name the cause in Chinese and English in words a
// project manager can act on ("save it again as .xlsx").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/clock.h>
#include <ptmon/base/status.h>

namespace ptmon {

struct XlsxLimits {
  size_t max_entries = 10'000;
  size_t max_part_bytes = size_t{64} << 20;    // one XML part, inflated
  size_t max_total_bytes = size_t{256} << 20;  // all parts read, inflated
  size_t max_cells = 5'000'000;
  int max_xml_depth = 64;
};

struct XlsxCell {
  enum class Kind {
    kText,
    kNumber,
    kBoolean,
    kError,               // a formula whose result is an error: text holds it (#DIV/0!)
    kFormulaWithoutValue  // saved by a program that does not calculate (openpyxl)
  };
  enum class Shown { kGeneral, kPercent, kDate };  // by the cell's number format
  int row = 0;                                     // 1-based
  int column = 0;                                  // 1-based
  Kind kind = Kind::kText;
  Shown shown = Shown::kGeneral;
  double number = 0;  // kNumber, kBoolean (0 or 1)
  std::string text;   // kText, kError
};

// A merged range: its value is saved in its first (top-left) cell only.
struct XlsxMerge {
  int first_row = 0, first_column = 0, last_row = 0, last_column = 0;  // 1-based, inclusive
};

struct XlsxSheet {
  std::string name;
  bool hidden = false;
  std::vector<XlsxCell> cells;  // in the order saved: by row, then column
  std::vector<XlsxMerge> merges;
};

struct XlsxWorkbook {
  std::vector<XlsxSheet> sheets;  // in the workbook's tab order
  bool date1904 = false;          // dates count from 1904 (old Mac Excel)
};

Result<XlsxWorkbook> ReadXlsx(std::string_view bytes, const XlsxLimits& limits = {});

// The date a cell showing a date holds (Excel's serial day number, 1900 or 1904 based, the
// fraction being the time of day); nothing outside 1900..9999.
std::optional<Date> DateFromSerial(double serial, bool date1904);

// A number as a person reads it in the cell: at most 15 significant digits (Excel's precision,
// which hides the binary noise of formulas such as 0.1+0.2), no exponent for ordinary sizes.
std::string ExcelNumberText(double number);

}  // namespace ptmon
