#include <algorithm>
#include <map>

#include <ptmon/base/text.h>
#include <ptmon/tables/layout.h>

namespace ptmon {

namespace {

constexpr std::string_view kFooterWords[] = {"填报人",     "审核人", "联系电话", "填报日期",
                                             "单位负责人", "制表人", "负责人",   "经办人"};
constexpr std::string_view kNoteWords[] = {"注", "说明", "备注", "填表说明"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::vector<std::string_view> NonBlank(const std::vector<std::string_view>& cells) {
  std::vector<std::string_view> out;
  for (std::string_view cell : cells) {
    if (!Trim(cell).empty()) out.push_back(Trim(cell));
  }
  return out;
}

// The first cell with something in it, trimmed; empty when there is none.
std::string_view FirstFilled(const std::vector<std::string_view>& cells) {
  for (std::string_view cell : cells) {
    if (!Trim(cell).empty()) return Trim(cell);
  }
  return {};
}

// Whether a row whose first filled cell is `first` may be a footer or a note. Every footer and
// note word begins with a Chinese character, which folding full-width forms leaves as it is, so
// a cell beginning with an ASCII letter or digit (a project id: most rows of a large file) is
// neither, told without building its label.
bool MayBeLabel(std::string_view first) {
  if (first.empty()) return false;
  const char c = first.front();
  return !(IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static_assert(std::ranges::all_of(kFooterWords,
                                  [](std::string_view word) {
                                    return static_cast<unsigned char>(word.front()) >= 0x80;
                                  }) &&
                  std::ranges::all_of(kNoteWords,
                                      [](std::string_view word) {
                                        return static_cast<unsigned char>(word.front()) >= 0x80;
                                      }),
              "MayBeLabel takes a cell beginning with an ASCII letter or digit for no label");

// The text after "label:" when the label is one of `labels`; the rest of the line up to the next
// label-like run of spaces. Nothing when the text does not start with such a label.
std::optional<std::string> AfterLabel(std::string_view text,
                                      std::initializer_list<std::string_view> labels) {
  const std::string folded = FoldFullWidth(Trim(text));
  for (std::string_view label : labels) {
    std::string_view rest = folded;
    if (!rest.starts_with(label)) continue;
    rest = Trim(rest.substr(label.size()));
    if (!rest.starts_with(":")) continue;
    rest = Trim(rest.substr(1));
    // "单位名称：某局    金额单位：万元": the value ends where the next label begins.
    if (const size_t gap = rest.find("  "); gap != std::string_view::npos)
      rest = rest.substr(0, gap);
    return std::string(Trim(rest));
  }
  return std::nullopt;
}

// 2025年度, (2023年度), 2026年7月, 2026年: a year from 2000 to 2099 followed by 年.
std::optional<int> YearIn(std::string_view text) {
  const std::string folded = FoldFullWidth(text);
  for (size_t at = folded.find("年"); at != std::string::npos; at = folded.find("年", at + 1)) {
    if (at < 4) continue;
    const std::string_view digits = std::string_view(folded).substr(at - 4, 4);
    if (!std::all_of(digits.begin(), digits.end(), IsDigit)) continue;
    if (at > 4 && IsDigit(folded[at - 5])) continue;
    const int year = std::stoi(std::string(digits));
    if (year >= 2000 && year <= 2099) return year;
  }
  return std::nullopt;
}

std::string UnitOfAmounts(std::string_view text) {
  const std::string label = TableLabel(text);
  if (label.find("万元") != std::string::npos) return "万元";
  if (label.find("元") != std::string::npos) return "元";
  return "";
}

}  // namespace

std::string TableLabel(std::string_view cell) {
  std::string out;
  for (char c : FoldFullWidth(Trim(cell))) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') out += c;
  }
  while (!out.empty() && out.back() == ':') out.pop_back();
  return out;
}

std::optional<std::pair<std::string, std::string>> SplitCodedName(std::string_view cell) {
  std::string text = FoldFullWidth(Trim(cell));
  std::string_view rest = text;
  const bool bracketed = rest.starts_with("[");
  if (bracketed) rest.remove_prefix(1);
  size_t digits = 0;
  while (digits < rest.size() && IsDigit(rest[digits])) ++digits;
  if (digits < 2 || digits > 12) return std::nullopt;
  std::string code(rest.substr(0, digits));
  rest.remove_prefix(digits);
  if (bracketed) {
    if (!rest.starts_with("]")) return std::nullopt;
    rest.remove_prefix(1);
  } else if (rest.starts_with("-") || rest.starts_with(" ")) {
    rest.remove_prefix(1);
  } else if (rest.starts_with("—")) {
    rest.remove_prefix(std::string_view("—").size());
  } else {
    return std::nullopt;
  }
  rest = Trim(rest);
  // A name, not a number or a date (2023-01-05): it begins with something other than a digit.
  if (rest.empty() || IsDigit(rest[0])) return std::nullopt;
  return std::pair(std::move(code), std::string(rest));
}

bool IsFooterRow(const std::vector<std::string_view>& cells) {
  const std::string_view first = FirstFilled(cells);
  if (!MayBeLabel(first)) return false;
  // The word alone or before a colon: a project may be named 负责人培训 or 填报人员培训.
  const std::string label = TableLabel(first);
  return std::any_of(std::begin(kFooterWords), std::end(kFooterWords), [&](std::string_view word) {
    return label == word || label.starts_with(std::string(word) + ":");
  });
}

bool IsNoteRow(const std::vector<std::string_view>& cells) {
  if (!MayBeLabel(FirstFilled(cells))) return false;
  const auto filled = NonBlank(cells);
  if (filled.size() != 1) return false;
  const std::string label = TableLabel(filled.front());
  return std::any_of(std::begin(kNoteWords), std::end(kNoteWords), [&](std::string_view word) {
    return label.starts_with(std::string(word) + ":");
  });
}

TableLayout::TableLayout(HeaderTest is_header, size_t search_rows)
    : is_header_(std::move(is_header)), search_rows_(search_rows) {}

const std::string& TableLayout::column_unit(size_t column) const {
  static const std::string kNone;
  return column < column_units_.size() ? column_units_[column] : kNone;
}

void TableLayout::ReadPreambleLine(const std::vector<std::string_view>& cells) {
  for (std::string_view cell : NonBlank(cells)) {
    if (!preamble_.year) preamble_.year = YearIn(cell);
    const std::string folded = FoldFullWidth(cell);
    // One cell may hold several labelled parts: "单位名称：某局  金额单位：万元".
    for (size_t at = 0; at < folded.size();) {
      const std::string_view part = std::string_view(folded).substr(at);
      if (auto unit = AfterLabel(part, {"金额单位", "单位"});
          unit && !UnitOfAmounts(*unit).empty() && TableLabel(*unit).size() <= 6) {
        preamble_.amount_unit = UnitOfAmounts(*unit);
      } else if (auto measure = AfterLabel(part, {"计量单位"})) {
        preamble_.measure_unit = *measure;
      } else if (auto name = AfterLabel(part, {"单位名称", "预算单位", "填报单位", "编报单位"})) {
        if (auto coded = SplitCodedName(*name)) {
          std::tie(preamble_.unit_code, preamble_.unit_name) = *coded;
        } else if (!name->empty()) {
          preamble_.unit_name = *name;
        }
      } else if (auto department = AfterLabel(part, {"主管部门"})) {
        if (auto coded = SplitCodedName(*department)) {
          std::tie(preamble_.department_code, preamble_.department) = *coded;
        } else if (!department->empty()) {
          preamble_.department = *department;
        }
      }
      const size_t next = folded.find("  ", at);
      if (next == std::string::npos) break;
      at = folded.find_first_not_of(' ', next);
    }
  }
  // A line that is only a coded name above the header is the 主管部门 (820-马踏镇部门).
  if (const auto filled = NonBlank(cells); filled.size() == 1) {
    if (auto coded = SplitCodedName(filled.front()); coded && preamble_.department.empty()) {
      std::tie(preamble_.department_code, preamble_.department) = *coded;
    }
  }
}

TableLayout::RowKind TableLayout::Row(const std::vector<std::string_view>& cells, int line) {
  const auto filled = NonBlank(cells);
  if (!found()) {
    ++rows_seen_;
    if (!filled.empty() && rows_seen_ <= search_rows_ && is_header_(cells)) {
      header_line_ = line;
      header_.assign(cells.begin(), cells.end());
      column_units_.resize(header_.size());
      for (size_t i = 0; i < header_.size(); ++i) {
        const std::string label = TableLabel(header_[i]);
        // Only a unit in brackets names the column's unit: 单价元 is a header, not a unit.
        for (std::string_view bracket : {"(万元)", "(元)"}) {
          if (label.find(bracket) != std::string::npos)
            column_units_[i] = std::string(bracket.substr(1, bracket.size() - 2));
        }
      }
      return RowKind::kHeader;
    }
    ReadPreambleLine(cells);
    return RowKind::kPreamble;
  }
  if (filled.empty()) return RowKind::kBlank;
  if (in_footer_ || IsFooterRow(cells)) {
    in_footer_ = true;
    return RowKind::kFooter;
  }
  if (IsNoteRow(cells)) return RowKind::kNote;
  if (filled.size() == 1) {
    // 820-马踏镇部门 alone on its row, its units' rows below (820001-…).
    if (auto coded = SplitCodedName(filled.front())) {
      std::tie(preamble_.department_code, preamble_.department) = *coded;
      return RowKind::kGroup;
    }
  }
  return RowKind::kData;
}

void FillMergedCells(XlsxSheet& sheet, size_t max_added) {
  if (sheet.merges.empty() || sheet.cells.empty()) return;
  int last_row = 0, last_column = 0;
  std::map<std::pair<int, int>, size_t> at;
  for (size_t i = 0; i < sheet.cells.size(); ++i) {
    const XlsxCell& cell = sheet.cells[i];
    last_row = std::max(last_row, cell.row);
    last_column = std::max(last_column, cell.column);
    at[{cell.row, cell.column}] = i;
  }
  const size_t saved = sheet.cells.size();
  for (const XlsxMerge& merge : sheet.merges) {
    auto first = at.find({merge.first_row, merge.first_column});
    if (first == at.end()) continue;
    for (int row = merge.first_row; row <= std::min(merge.last_row, last_row); ++row) {
      for (int column = merge.first_column; column <= std::min(merge.last_column, last_column);
           ++column) {
        if (at.contains({row, column})) continue;
        if (sheet.cells.size() - saved >= max_added) return;
        XlsxCell copy = sheet.cells[first->second];
        copy.row = row;
        copy.column = column;
        sheet.cells.push_back(std::move(copy));
      }
    }
  }
  std::stable_sort(sheet.cells.begin(), sheet.cells.end(),
                   [](const XlsxCell& a, const XlsxCell& b) {
                     return std::tie(a.row, a.column) < std::tie(b.row, b.column);
                   });
}

}  // namespace ptmon
