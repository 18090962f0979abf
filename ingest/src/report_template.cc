#include <algorithm>
#include <set>

#include <xlsxwriter.h>

#include <ptmon/base/file_system.h>
#include <ptmon/base/text.h>
#include <ptmon/indicators/target.h>
#include <ptmon/ingest/report_template.h>

namespace ptmon {

namespace {

// The name when it identifies the thing on its own, otherwise the id.
template <typename Item>
std::string Label(const Item& item, const std::vector<Item>& all) {
  int same = 0;
  for (const auto& other : all) same += other.name == item.name;
  return same == 1 ? item.name : item.id;
}

TemplateRow::Kind KindOf(const Indicator& indicator) {
  if (indicator.annual_target.kind == TargetKind::kQualitative) return TemplateRow::Kind::kGrade;
  if (indicator.annual_target.unit == "%") return TemplateRow::Kind::kPercent;
  return TemplateRow::Kind::kNumber;
}

// The unit a bare number in the row is read in, with the scale that may be written instead, as
// the manager sees it beside the box: "元（可写 万元）", "人（可写 万人）", "台", "%".
std::string UnitCell(std::string_view unit, std::string_view target_text) {
  if (unit.empty() || unit == "%") return std::string(unit);
  std::string_view scale = WrittenMultiplier(target_text);
  if (scale.empty() && unit == "元") scale = "万";
  if (scale.empty()) return std::string(unit);
  return std::string(unit) + "（可写 " + std::string(scale) + std::string(unit) + "）";
}

// A null-terminated array of C strings for libxlsxwriter (which copies them but takes char**),
// owning nothing: `words` must outlive it.
std::vector<char*> CList(const std::vector<std::string>& words) {
  std::vector<char*> list;
  for (const auto& word : words) list.push_back(const_cast<char*>(word.c_str()));
  list.push_back(nullptr);
  return list;
}

Status WriteTemplate(const ReportTemplate& report_template, const std::string& path);

}  // namespace

Result<ReportTemplate> BuildReportTemplate(const Catalog& catalog, Period period,
                                           std::string_view project, const ActualsIndex* reported) {
  std::string only_project;
  if (!project.empty()) {
    auto found = catalog.FindProjectByIdOrName(project);
    if (!found.ok()) return found.status();
    only_project = (*found)->id;
  }
  ReportTemplate result;
  result.columns = {"project_id", "indicator_id", "项目",       "一级指标", "二级指标", "指标",
                    "年度指标值", "期间",         "上次填报",   "计量单位", "完成值",   "偏差原因",
                    "偏差说明",   "改进措施",     "完成可能性", "填报人"};
  result.id_columns = 2;
  result.first_fill_column = 10;
  const std::string period_cell =
      std::to_string(period.year) + "年" + std::to_string(period.month) + "月";
  const std::vector<std::string> empty_fill(result.columns.size() - result.first_fill_column);
  // The value reported last before this month, with its month: the manager's starting point.
  auto last_reported = [&](uint32_t p, int32_t i, std::string_view unit) -> std::string {
    if (reported == nullptr) return "";
    const ReportedValue* last = reported->LatestAtOrBefore(
        SeriesKey{p, i},
        period.month == 1 ? Period{period.year - 1, 12} : Period{period.year, period.month - 1});
    if (last == nullptr) return "";
    const std::string value = last->grade != Grade::kNone ? std::string(GradeName(last->grade))
                                                          : FormatQuantity(last->value, unit);
    return value + "（" + std::to_string(last->period.month) + "月）";
  };
  for (uint32_t p = 0; p < catalog.projects.size(); ++p) {
    const Project& each = catalog.projects[p];
    if (!only_project.empty() && each.id != only_project) continue;
    TemplateSheet sheet;
    sheet.project_name = each.name;
    const std::string project_cell = Label(each, catalog.projects);
    auto add = [&](std::vector<std::string> cells, TemplateRow::Kind kind) {
      cells.insert(cells.end(), empty_fill.begin(), empty_fill.end());
      sheet.rows.push_back({std::move(cells), kind});
    };
    for (int32_t i = 0; i < static_cast<int32_t>(each.indicators.size()); ++i) {
      const Indicator& indicator = each.indicators[static_cast<size_t>(i)];
      add({each.id, indicator.id, project_cell, indicator.level1, indicator.level2,
           Label(indicator, each.indicators), indicator.TargetFor(period.month).text, period_cell,
           last_reported(p, i, indicator.annual_target.unit),
           indicator.annual_target.kind == TargetKind::kQualitative
               ? ""
               : UnitCell(indicator.annual_target.unit, indicator.TargetFor(period.month).text)},
          KindOf(indicator));
    }
    add({each.id, std::string(kSpentIndicator), project_cell, "", "", "预算执行数",
         std::to_string(each.annual_funds.total_fen / 100) + "元", period_cell,
         last_reported(p, -1, "元"), UnitCell("元", "")},
        TemplateRow::Kind::kBudget);
    // A budget from several fund-source rows may be reported by row (then the total is left
    // empty or must be their sum); from one row, the total is that row's.
    if (const std::vector<int> rows = each.BudgetedRows(); rows.size() > 1) {
      for (int row : rows) {
        add({each.id, std::string(kSpentBySourceIds[row]), project_cell, "", "",
             "其中：" + std::string(kSpentBySourceNames[row]),
             std::to_string(each.annual_funds.RowFen(kFundRows[row]) / 100) + "元", period_cell,
             last_reported(p, SpentBySourceIndex(row), "元")},
            TemplateRow::Kind::kBudget);
      }
    }
    result.sheets.push_back(std::move(sheet));
  }
  return result;
}

std::string ReportTemplateCsv(const ReportTemplate& report_template) {
  std::string text = CsvLine(report_template.columns);
  for (const auto& sheet : report_template.sheets) {
    for (const auto& row : sheet.rows) text += CsvLine(row.cells);
  }
  return text;
}

Result<std::string> ReportTemplateXlsx(const ReportTemplate& report_template) {
  // libxlsxwriter writes files only.
  return ThroughTemporaryFile(
      ".xlsx", [&](const std::string& path) { return WriteTemplate(report_template, path); });
}

namespace {

Status WriteTemplate(const ReportTemplate& report_template, const std::string& path) {
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) return Status::IoError("cannot start a workbook in " + path);
  auto format = [&](bool unlocked, const char* number_format = nullptr, bool bold = false) {
    lxw_format* made = workbook_add_format(workbook);
    format_set_border(made, LXW_BORDER_THIN);
    if (unlocked) {
      format_set_unlocked(made);
      format_set_bg_color(made, 0xFFFDE7);  // the cells to fill, pale yellow
    }
    if (number_format != nullptr) format_set_num_format(made, number_format);
    if (bold) {
      format_set_bold(made);
      format_set_bg_color(made, 0xEEEEEE);
    }
    return made;
  };
  lxw_format* header = format(false, nullptr, true);
  lxw_format* fixed = format(false);
  lxw_format* fill = format(true);
  lxw_format* percent = format(true, "0.00%");
  lxw_format* money = format(true, "#,##0.00");

  std::vector<std::string> reasons, likelihoods, grades;
  for (auto word : ReasonCategoryChoices()) reasons.emplace_back(word);
  for (auto word : LikelihoodChoices()) likelihoods.emplace_back(word);
  for (auto word : GradeChoices()) grades.emplace_back(word);
  const std::vector<char*> reason_list = CList(reasons), likelihood_list = CList(likelihoods),
                           grade_list = CList(grades);
  auto column_of = [&](std::string_view name) {
    return static_cast<lxw_col_t>(
        std::find(report_template.columns.begin(), report_template.columns.end(), name) -
        report_template.columns.begin());
  };
  const lxw_col_t value_column = column_of("完成值");
  auto dropdown = [](lxw_worksheet* sheet, lxw_row_t first, lxw_row_t last, lxw_col_t column,
                     const std::vector<char*>& list, const char* what) {
    lxw_data_validation validation{};
    validation.validate = LXW_VALIDATION_TYPE_LIST;
    validation.value_list = const_cast<char**>(list.data());
    validation.error_title = const_cast<char*>("请从列表中选择");
    validation.error_message = const_cast<char*>(what);
    worksheet_data_validation_range(sheet, first, column, last, column, &validation);
  };

  std::set<std::string> taken;
  for (const auto& each : report_template.sheets) {
    lxw_worksheet* sheet =
        workbook_add_worksheet(workbook, SheetName(each.project_name, taken).c_str());
    for (lxw_col_t c = 0; c < report_template.columns.size(); ++c) {
      worksheet_write_string(sheet, 0, c, report_template.columns[c].c_str(), header);
      size_t widest = DisplayWidth(report_template.columns[c]) + 2;
      for (const auto& row : each.rows) widest = std::max(widest, DisplayWidth(row.cells[c]) + 2);
      lxw_row_col_options options{};
      options.hidden = c < report_template.id_columns;
      worksheet_set_column_opt(sheet, c, c, std::clamp<double>(widest, 10, 40), nullptr, &options);
    }
    lxw_row_t row_number = 1;
    for (const auto& row : each.rows) {
      for (lxw_col_t c = 0; c < row.cells.size(); ++c) {
        lxw_format* cell = c < report_template.first_fill_column ? fixed : fill;
        if (c == value_column && row.kind == TemplateRow::Kind::kPercent) cell = percent;
        if (c == value_column && row.kind == TemplateRow::Kind::kBudget) cell = money;
        worksheet_write_string(sheet, row_number, c, row.cells[c].c_str(), cell);
      }
      if (row.kind == TemplateRow::Kind::kGrade) {
        dropdown(sheet, row_number, row_number, value_column, grade_list,
                 "完成值填写 达成、部分达成 或 未达成");
      }
      ++row_number;
    }
    const lxw_row_t last = row_number - 1;
    dropdown(sheet, 1, last, column_of("偏差原因"), reason_list, "偏差原因请选择列表中的一类");
    dropdown(sheet, 1, last, column_of("完成可能性"), likelihood_list,
             "完成可能性填写 确定能、有可能 或 完全不可能");
    worksheet_freeze_panes(sheet, 1, 0);
    // Printed for signing as the national forms are: A4 landscape, one page wide, the header
    // row on every page.
    worksheet_set_landscape(sheet);
    worksheet_set_paper(sheet, 9);
    worksheet_fit_to_pages(sheet, 1, 0);
    worksheet_repeat_rows(sheet, 0, 0);
    worksheet_protect(sheet, nullptr, nullptr);
  }
  if (const lxw_error error = workbook_close(workbook); error != LXW_NO_ERROR)
    return Status::IoError(std::string("cannot write the workbook: ") + lxw_strerror(error));
  return Status::Ok();
}

}  // namespace

}  // namespace ptmon
