// The official tables as an Excel workbook, laid out as finance offices file them: one sheet per
// project, the unit and title in merged cells, every cell bordered, A4 landscape fitted to the
// page width, lights as cell colours. The cells are those of the other formats (tables.h), so
// every format prints the same figures; here figures are numbers with number formats, and each
// row is as tall as its wrapped text, so nothing overlaps in print.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <xlsxwriter.h>

#include <ptmon/base/file_system.h>
#include <ptmon/base/text.h>
#include <ptmon/reports/reports.h>

#include "tables.h"

namespace ptmon {

namespace {

using reports_internal::Cell;
using reports_internal::Grid;
using reports_internal::Table;

// A printed line of 10-point text, in points, with room for a CJK fallback font's taller
// lines (LibreOffice prints SimSun with whatever CJK font the machine has).
constexpr double kLineHeight = 15;
constexpr double kNarrowest = 8, kWidest = 30;

// Column units a text takes: a column unit is a digit of the default font, and LibreOffice
// prints a CJK character a little wider than two of them.
double UnitsOf(std::string_view text) { return static_cast<double>(DisplayWidth(text)) * 1.15; }

// How many lines `text` wraps to in `width` column units.
int LinesIn(std::string_view text, double width) {
  const double usable = std::max(1.0, width - 1.5);
  int lines = 0;
  size_t start = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    const std::string_view line =
        text.substr(start, end == std::string_view::npos ? end : end - start);
    lines += std::max(1, static_cast<int>(std::ceil(UnitsOf(line) / usable)));
    if (end == std::string_view::npos) return lines;
    start = end + 1;
  }
}

class Workbook {
 public:
  explicit Workbook(const std::string& path) : workbook_(workbook_new(path.c_str())) {
    heading_ = Format(Style().Bold().Size(14).Center());
    title_ = Format(Style().Bold().Size(12).Center());
    grid_heading_ = Format(Style().Bold());
    header_ = Format(Style().Bold().Bordered().Wrapped().Center().Fill(0xEEEEEE));
    label_ = Format(Style().Bold().Bordered().Wrapped());
    cell_ = Format(Style().Bordered().Wrapped());
    signature_ = Format(Style());
  }
  ~Workbook() {
    if (workbook_ != nullptr) workbook_close(workbook_);
  }
  bool ok() const { return workbook_ != nullptr; }

  void AddTable(const Table& table, const std::string& unit_name, std::set<std::string>& taken) {
    sheet_ = workbook_add_worksheet(workbook_, SheetName(ProjectName(table), taken).c_str());
    size_t columns = 4;
    for (const auto& grid : table.grids) columns = std::max(columns, grid.columns.size());
    last_ = static_cast<lxw_col_t>(columns - 1);
    SetWidths(table);
    lxw_row_t row = 0;
    Span(row, 0, last_, unit_name, heading_);
    worksheet_set_row(sheet_, row++, 24, nullptr);
    Span(row++, 0, last_, table.title, title_);
    ++row;
    // The head: the label over two columns, the value over the rest.
    for (const auto& [name, value] : table.facts) {
      Span(row, 0, 1, name, label_);
      Span(row, 2, last_, value, cell_);
      Fit(row++, {{2, last_, value}});
    }
    // 项目基本情况: the heading over two rows, the planned and the actual side by side.
    const auto middle = static_cast<lxw_col_t>(2 + (last_ - 2) / 2);
    const auto after_middle = static_cast<lxw_col_t>(middle + 1);
    worksheet_merge_range(sheet_, row, 0, row + 1, 1, table.goal.heading.c_str(), label_);
    Span(row, 2, middle, table.goal.planned_heading, header_);
    Span(row++, after_middle, last_, table.goal.actual_heading, header_);
    Span(row, 2, middle, table.goal.planned, cell_);
    Span(row, after_middle, last_, table.goal.actual, cell_);
    Fit(row++, {{2, middle, table.goal.planned}, {after_middle, last_, table.goal.actual}});
    for (const auto& grid : table.grids) {
      ++row;
      worksheet_write_string(sheet_, row++, 0, grid.heading.c_str(), grid_heading_);
      row = AddGrid(grid, row);
    }
    if (!table.texts.empty()) ++row;
    for (const auto& [name, value] : table.texts) {
      Span(row, 0, 1, name, label_);
      Span(row, 2, last_, value, cell_);
      Fit(row++, {{0, 1, name}, {2, last_, value}});
    }
    if (!table.signatures.empty()) {
      ++row;
      const lxw_col_t per = (last_ + 1) / static_cast<lxw_col_t>(table.signatures.size());
      for (size_t i = 0; i < table.signatures.size(); ++i) {
        const auto first = static_cast<lxw_col_t>(i * per);
        const lxw_col_t end = i + 1 == table.signatures.size() ? last_ : first + per - 1;
        Span(row, first, end, table.signatures[i], signature_);
      }
      worksheet_set_row(sheet_, row, 2 * kLineHeight, nullptr);
    }
    worksheet_set_landscape(sheet_);
    worksheet_set_paper(sheet_, 9);  // A4
    worksheet_set_margins(sheet_, 0.4, 0.4, 0.5, 0.5);
    worksheet_fit_to_pages(sheet_, 1, 0);  // the width of one page, as many pages down as needed
    worksheet_set_footer(sheet_, "&C第 &P 页，共 &N 页");
  }

  // Writes the file; the error names what libxlsxwriter reports.
  Status Close() {
    const lxw_error error = workbook_close(workbook_);
    workbook_ = nullptr;
    if (error != LXW_NO_ERROR)
      return Status::IoError(std::string("cannot write the workbook: ") + lxw_strerror(error));
    return Status::Ok();
  }

 private:
  struct Style {
    bool bold = false;
    double size = 10;
    bool border = false;
    bool wrap = false;
    bool center = false;
    bool right = false;
    lxw_color_t fill = 0;
    std::string number_format;
    Style& Bold() { return bold = true, *this; }
    Style& Size(double points) { return size = points, *this; }
    Style& Bordered() { return border = true, *this; }
    Style& Wrapped() { return wrap = true, *this; }
    Style& Center() { return center = true, *this; }
    Style& Right() { return right = true, *this; }
    Style& Fill(lxw_color_t color) { return fill = color, *this; }
    Style& Numbers(std::string format) { return number_format = std::move(format), *this; }
  };

  // A run of cells on one row, for estimating its height.
  struct Run {
    lxw_col_t first, last;
    std::string_view text;
  };

  // The rows of a grid from `row` on: the header, then the cells. A grid narrower than the
  // sheet spans its last column to the sheet's edge. Returns the row after it.
  lxw_row_t AddGrid(const Grid& grid, lxw_row_t row) {
    const auto last = static_cast<lxw_col_t>(grid.columns.size() - 1);
    std::vector<Run> runs;
    for (lxw_col_t c = 0; c <= last; ++c) {
      const lxw_col_t end = c == last ? last_ : c;
      Span(row, c, end, grid.columns[c], header_);
      runs.push_back({c, end, grid.columns[c]});
    }
    Fit(row++, runs);
    for (size_t r = 0; r < grid.rows.size(); ++r, ++row) {
      runs.clear();
      for (lxw_col_t c = 0; c <= last && c < grid.rows[r].size(); ++c) {
        const Cell& cell = grid.rows[r][c];
        const lxw_col_t end = c == last ? last_ : c;
        lxw_format* format = cell_;
        if (grid.light_column == c && r < grid.row_lights.size() && grid.row_lights[r]) {
          format = LightFormat(*grid.row_lights[r]);
        } else if (cell.number) {
          format = NumberFormat(cell.number_format);
        }
        Span(row, c, end, cell.text, format);
        if (cell.number) worksheet_write_number(sheet_, row, c, *cell.number, format);
        runs.push_back({c, end, cell.text});
      }
      Fit(row, runs);
    }
    return row;
  }

  // Sets `row` as tall as the most lines any of `runs` wraps to.
  void Fit(lxw_row_t row, const std::vector<Run>& runs) {
    int lines = 1;
    for (const auto& run : runs) {
      double width = 0;
      for (lxw_col_t c = run.first; c <= run.last; ++c) width += widths_[c];
      lines = std::max(lines, LinesIn(run.text, width));
    }
    worksheet_set_row(sheet_, row, lines * kLineHeight + 3, nullptr);
  }

  lxw_format* Format(const Style& style) {
    lxw_format* format = workbook_add_format(workbook_);
    format_set_font_name(format, "SimSun");
    format_set_font_size(format, style.size);
    format_set_align(format, LXW_ALIGN_VERTICAL_CENTER);
    if (style.bold) format_set_bold(format);
    if (style.border) format_set_border(format, LXW_BORDER_THIN);
    if (style.wrap) format_set_text_wrap(format);
    if (style.center) format_set_align(format, LXW_ALIGN_CENTER);
    if (style.right) format_set_align(format, LXW_ALIGN_RIGHT);
    if (style.fill != 0) format_set_bg_color(format, style.fill);
    if (!style.number_format.empty()) format_set_num_format(format, style.number_format.c_str());
    return format;
  }

  lxw_format* LightFormat(Light light) {
    auto [it, added] = lights_.try_emplace(light, nullptr);
    if (added)
      it->second = Format(Style().Bordered().Center().Fill(reports_internal::LightRgb(light)));
    return it->second;
  }

  lxw_format* NumberFormat(const std::string& number_format) {
    auto [it, added] = numbers_.try_emplace(number_format, nullptr);
    if (added) it->second = Format(Style().Bordered().Right().Numbers(number_format));
    return it->second;
  }

  static std::string ProjectName(const Table& table) {
    for (const auto& [name, value] : table.facts) {
      if (name == "项目名称") return value;
    }
    return table.title;
  }

  void Span(lxw_row_t row, lxw_col_t first, lxw_col_t last, const std::string& text,
            lxw_format* format) {
    if (first == last) {
      worksheet_write_string(sheet_, row, first, text.c_str(), format);
    } else {
      worksheet_merge_range(sheet_, row, first, row, last, text.c_str(), format);
    }
  }

  // Each column as wide as its widest cell in any grid (CJK characters count two), within
  // kNarrowest and kWidest; a grid's last column, which spans to the edge, does not count.
  void SetWidths(const Table& table) {
    widths_.assign(last_ + 1, kNarrowest);
    for (const auto& grid : table.grids) {
      for (size_t c = 0; c < grid.columns.size(); ++c) {
        if (c + 1 == grid.columns.size() && c < last_) continue;
        const bool wide = std::find(grid.wide_columns.begin(), grid.wide_columns.end(), c) !=
                          grid.wide_columns.end();
        double widest = UnitsOf(grid.columns[c]) / 2 + 2;
        for (const auto& row : grid.rows) {
          if (c < row.size()) widest = std::max(widest, UnitsOf(row[c].text) + 2);
        }
        widths_[c] = std::max(widths_[c], std::clamp(widest, kNarrowest, wide ? kWidest : 20.0));
      }
    }
    for (lxw_col_t c = 0; c <= last_; ++c) worksheet_set_column(sheet_, c, c, widths_[c], nullptr);
  }

  lxw_workbook* workbook_;
  lxw_worksheet* sheet_ = nullptr;
  lxw_col_t last_ = 0;
  std::vector<double> widths_;
  lxw_format *heading_, *title_, *grid_heading_, *header_, *label_, *cell_, *signature_;
  std::map<Light, lxw_format*> lights_;
  std::map<std::string, lxw_format*> numbers_;
};

}  // namespace

Result<std::string> RenderReportXlsx(const Evaluation& evaluation, ReportKind kind,
                                     std::string_view unit_name, std::string_view project_id,
                                     const ConclusionTexts& texts) {
  // libxlsxwriter writes files only.
  return ThroughTemporaryFile(".xlsx", [&](const std::string& path) {
    Workbook workbook(path);
    if (!workbook.ok()) return Status::IoError("cannot start a workbook in " + path);
    std::set<std::string> taken;
    for (const auto& table : reports_internal::BuildTables(evaluation, kind, project_id, texts)) {
      workbook.AddTable(table, std::string(unit_name), taken);
    }
    return workbook.Close();
  });
}

}  // namespace ptmon
