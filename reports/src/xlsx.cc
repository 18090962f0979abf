// The official tables as an Excel workbook, laid out as finance offices file them: one sheet per
// project, the unit and title in merged cells, every cell bordered, the header row repeated on
// each printed page, A4 landscape fitted to the page width, lights as cell colours. The cells
// are those of the other formats (tables.h), so every format prints the same figures.
#include <map>
#include <set>

#include <xlsxwriter.h>

#include <ptmon/base/file_system.h>
#include <ptmon/base/text.h>
#include <ptmon/reports/reports.h>

#include "tables.h"

namespace ptmon {

namespace {

using reports_internal::Table;

class Workbook {
 public:
  explicit Workbook(const std::string& path) : workbook_(workbook_new(path.c_str())) {
    heading_ = Format(Style().Bold().Size(14).Center());
    title_ = Format(Style().Bold().Size(12).Center());
    header_ = Format(Style().Bold().Bordered().Wrapped().Center().Fill(0xEEEEEE));
    label_ = Format(Style().Bold().Bordered().Wrapped());
    cell_ = Format(Style().Bordered().Wrapped());
  }
  ~Workbook() {
    if (workbook_ != nullptr) workbook_close(workbook_);
  }
  bool ok() const { return workbook_ != nullptr; }

  void AddTable(const Table& table, const std::string& unit_name, std::set<std::string>& taken) {
    lxw_worksheet* sheet =
        workbook_add_worksheet(workbook_, SheetName(ProjectName(table), taken).c_str());
    const auto last = static_cast<lxw_col_t>(table.columns.size() - 1);
    SetWidths(sheet, table);
    lxw_row_t row = 0;
    Merge(sheet, row, 0, last, unit_name, heading_);
    worksheet_set_row(sheet, row++, 24, nullptr);
    Merge(sheet, row++, 0, last, table.title, title_);
    ++row;
    // Facts: the label over two columns, the value over the rest.
    for (const auto& [name, value] : table.facts) {
      lxw_format* value_format = cell_;
      if (name == "预警" && table.project_light) value_format = LightFormat(*table.project_light);
      Merge(sheet, row, 0, 1, name, label_);
      Merge(sheet, row++, 2, last, value, value_format);
    }
    // 年度总体目标: the heading over two rows, the planned and the actual side by side.
    const lxw_col_t middle = 2 + (last - 2) / 2;
    worksheet_merge_range(sheet, row, 0, row + 1, 1, "年度总体目标", label_);
    Merge(sheet, row, 2, middle, table.goal.planned_heading, header_);
    Merge(sheet, row++, middle + 1, last, table.goal.actual_heading, header_);
    Merge(sheet, row, 2, middle, table.goal.planned, cell_);
    Merge(sheet, row, middle + 1, last, table.goal.actual, cell_);
    worksheet_set_row(sheet, row++, 48, nullptr);
    ++row;
    const lxw_row_t header_row = row;
    for (lxw_col_t c = 0; c <= last; ++c) {
      worksheet_write_string(sheet, row, c, table.columns[c].c_str(), header_);
    }
    ++row;
    for (size_t r = 0; r < table.rows.size(); ++r, ++row) {
      for (lxw_col_t c = 0; c <= last && c < table.rows[r].size(); ++c) {
        lxw_format* format = cell_;
        if (table.light_column == c && r < table.row_lights.size()) {
          format = LightFormat(table.row_lights[r]);
        }
        worksheet_write_string(sheet, row, c, table.rows[r][c].c_str(), format);
      }
    }
    ++row;
    for (const auto& [name, value] : table.totals) {
      Merge(sheet, row, 0, 1, name, label_);
      Merge(sheet, row++, 2, std::min<lxw_col_t>(3, last), value, cell_);
    }
    worksheet_set_landscape(sheet);
    worksheet_set_paper(sheet, 9);  // A4
    worksheet_set_margins(sheet, 0.4, 0.4, 0.5, 0.5);
    worksheet_fit_to_pages(sheet, 1, 0);  // the width of one page, as many pages down as needed
    worksheet_repeat_rows(sheet, header_row, header_row);
    worksheet_set_footer(sheet, "&C第 &P 页，共 &N 页");
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
    lxw_color_t fill = 0;
    Style& Bold() { return bold = true, *this; }
    Style& Size(double points) { return size = points, *this; }
    Style& Bordered() { return border = true, *this; }
    Style& Wrapped() { return wrap = true, *this; }
    Style& Center() { return center = true, *this; }
    Style& Fill(lxw_color_t color) { return fill = color, *this; }
  };

  lxw_format* Format(const Style& style) {
    lxw_format* format = workbook_add_format(workbook_);
    format_set_font_name(format, "SimSun");
    format_set_font_size(format, style.size);
    format_set_align(format, LXW_ALIGN_VERTICAL_CENTER);
    if (style.bold) format_set_bold(format);
    if (style.border) format_set_border(format, LXW_BORDER_THIN);
    if (style.wrap) format_set_text_wrap(format);
    if (style.center) format_set_align(format, LXW_ALIGN_CENTER);
    if (style.fill != 0) format_set_bg_color(format, style.fill);
    return format;
  }

  lxw_format* LightFormat(Light light) {
    auto [it, added] = lights_.try_emplace(light, nullptr);
    if (added)
      it->second = Format(Style().Bordered().Center().Fill(reports_internal::LightRgb(light)));
    return it->second;
  }

  static std::string ProjectName(const Table& table) {
    for (const auto& [name, value] : table.facts) {
      if (name == "项目名称") return value;
    }
    return table.title;
  }

  static void Merge(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t first, lxw_col_t last,
                    const std::string& text, lxw_format* format) {
    if (first == last) {
      worksheet_write_string(sheet, row, first, text.c_str(), format);
    } else {
      worksheet_merge_range(sheet, row, first, row, last, text.c_str(), format);
    }
  }

  // Each column as wide as its widest cell (CJK characters count two), within 8 and 30; longer
  // text wraps.
  static void SetWidths(lxw_worksheet* sheet, const Table& table) {
    for (lxw_col_t c = 0; c < table.columns.size(); ++c) {
      size_t widest = DisplayWidth(table.columns[c]) / 2 + 2;  // the header may wrap once
      for (const auto& row : table.rows) {
        if (c < row.size()) widest = std::max(widest, DisplayWidth(row[c]) + 2);
      }
      worksheet_set_column(sheet, c, c, std::clamp<double>(widest, 8, 30), nullptr);
    }
  }

  lxw_workbook* workbook_;
  lxw_format *heading_, *title_, *header_, *label_, *cell_;
  std::map<Light, lxw_format*> lights_;
};

}  // namespace

Result<std::string> RenderReportXlsx(const Evaluation& evaluation, ReportKind kind,
                                     std::string_view unit_name, std::string_view project_id) {
  // libxlsxwriter writes files only.
  return ThroughTemporaryFile(".xlsx", [&](const std::string& path) {
    Workbook workbook(path);
    if (!workbook.ok()) return Status::IoError("cannot start a workbook in " + path);
    std::set<std::string> taken;
    for (const auto& table : reports_internal::BuildTables(evaluation, kind, project_id)) {
      workbook.AddTable(table, std::string(unit_name), taken);
    }
    return workbook.Close();
  });
}

}  // namespace ptmon
