// Finding the table in a sheet as people save it: the header row anywhere among the first rows,
// below a title, a 金额单位 line or a 单位名称 line; data rows until a signature footer
// (填报人, 审核人, 联系电话, 填报日期, 单位负责人), with blank lines, notes and a 主管部门 row
// above a unit's rows passed over. What the lines around the table say is kept: the year of the
// title, the unit's name and code, the 主管部门, and the unit amounts are in.
//
// TableLayout reads a row at a time (a file's rows are never all held) and is not thread-safe.
// Reports (ingest) and target-table imports (import) both read through it; each says by its
// header test which row is its header.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ptmon/tables/xlsx.h>

namespace ptmon {

// What the lines above and among a table's rows say about it; empty where nothing does.
struct TablePreamble {
  std::optional<int> year;           // 2025年度, (2023年度), 2026年7月 in a title
  std::string unit_name, unit_code;  // 单位名称：…, or a unit row's 312004-… cell
  std::string department;            // 主管部门：…, or the 820-… row above the unit's rows
  std::string department_code;       // 820 of 820-马踏镇部门
  std::string amount_unit;           // 万元 or 元 from 金额单位：万元 (单位：万元)
  std::string measure_unit;          // 计量单位：… (a table all of one unit)
};

class TableLayout {
 public:
  enum class RowKind {
    kPreamble,  // above the header: a title, a unit line, a blank line
    kHeader,
    kData,
    kBlank,
    kNote,    // 注：…, 说明：… on its own
    kGroup,   // a 主管部门 row (820-马踏镇部门) above its units' rows
    kFooter,  // the signature block and everything after it
  };
  using HeaderTest = std::function<bool(const std::vector<std::string_view>& cells)>;

  // The header is the first of the first `search_rows` rows for which `is_header` holds.
  explicit TableLayout(HeaderTest is_header, size_t search_rows = 30);

  // What the row is; `line` is its source line (or sheet row).
  RowKind Row(const std::vector<std::string_view>& cells, int line);

  // True once the header is found; false after search_rows rows without one.
  bool found() const { return header_line_ > 0; }
  bool gave_up() const { return !found() && rows_seen_ >= search_rows_; }
  int header_line() const { return header_line_; }
  const std::vector<std::string>& header() const { return header_; }
  // 万元 or 元 when the column's header says so (项目金额（万元）), else "".
  const std::string& column_unit(size_t column) const;
  const TablePreamble& preamble() const { return preamble_; }

 private:
  void ReadPreambleLine(const std::vector<std::string_view>& cells);

  HeaderTest is_header_;
  size_t search_rows_;
  size_t rows_seen_ = 0;
  int header_line_ = 0;
  bool in_footer_ = false;
  std::vector<std::string> header_, column_units_;
  TablePreamble preamble_;
};

// A cell's text without spaces, full-width forms folded and a trailing colon dropped:
// the form header words and labels are compared in.
std::string TableLabel(std::string_view cell);

// "820001-井研县马踏镇人民政府" → {"820001", "井研县马踏镇人民政府"} (also with －, —, a space or
// [820001] before the name); nothing when the cell does not start with a code of 2 to 12 digits.
std::optional<std::pair<std::string, std::string>> SplitCodedName(std::string_view cell);

// Whether a row's first filled cell opens a signature footer: one of the footer words alone or
// before a colon (填报人：王五, 审核人), not a name that begins with one (填报人员培训).
bool IsFooterRow(const std::vector<std::string_view>& cells);

// Whether a row is a note on its own: one cell, 注：…, 说明：…, 备注：….
bool IsNoteRow(const std::vector<std::string_view>& cells);

// Copies the value of each merged range's first cell into the range's other cells that hold
// nothing, so a project name merged down its rows is on every row. Ranges beyond the sheet's
// used rows and columns are cut to them; at most `max_added` cells are added.
void FillMergedCells(XlsxSheet& sheet, size_t max_added = 1'000'000);

}  // namespace ptmon
