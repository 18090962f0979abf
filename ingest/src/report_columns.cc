#include <ptmon/base/text.h>

#include "report_checker.h"

namespace ptmon::checking {

namespace {

struct ColumnSpelling {
  std::string_view header;
  Column column;
};

constexpr ColumnSpelling kColumnSpellings[] = {
    {"project", Column::kProject},
    {"项目", Column::kProject},
    {"项目名称", Column::kProject},
    {"indicator", Column::kIndicator},
    {"指标", Column::kIndicator},
    {"三级指标", Column::kIndicator},
    {"period", Column::kPeriod},
    {"期间", Column::kPeriod},
    {"月份", Column::kPeriod},
    {"value", Column::kValue},
    {"实际值", Column::kValue},
    {"完成值", Column::kValue},
    {"执行情况", Column::kValue},
    {"reason_category", Column::kReasonCategory},
    {"偏差原因", Column::kReasonCategory},
    {"reason", Column::kReason},
    {"偏差说明", Column::kReason},
    {"action", Column::kAction},
    {"改进措施", Column::kAction},
    {"likelihood", Column::kLikelihood},
    {"完成可能性", Column::kLikelihood},
    {"reporter", Column::kReporter},
    {"填报人", Column::kReporter},
    {"project_id", Column::kProjectId},
    {"项目编号", Column::kProjectId},
    {"indicator_id", Column::kIndicatorId},
    {"指标编号", Column::kIndicatorId},
    // Shown in templates for the manager's orientation; not read.
    {"level1", Column::kInformational},
    {"一级指标", Column::kInformational},
    {"level2", Column::kInformational},
    {"二级指标", Column::kInformational},
    {"target", Column::kInformational},
    {"年度指标值", Column::kInformational},
    {"last_reported", Column::kInformational},
    {"上次填报", Column::kInformational},
    {"unit", Column::kInformational},
    {"计量单位", Column::kInformational},
};

constexpr std::string_view kColumnNames[] = {"project (项目)", "indicator (指标)", "period (期间)",
                                             "value (完成值)"};

}  // namespace

std::optional<Column> ColumnFor(std::string_view header) {
  const std::string key = NormalizeKey(Trim(header));
  for (const auto& spelling : kColumnSpellings) {
    if (NormalizeKey(spelling.header) == key) return spelling.column;
  }
  return std::nullopt;
}

// A report's header names at least one of its columns (a title or a note names none).
bool IsReportHeader(const std::vector<std::string_view>& cells) {
  return std::any_of(cells.begin(), cells.end(),
                     [](std::string_view cell) { return ColumnFor(cell).has_value(); });
}

std::optional<std::map<Column, size_t>> MapHeader(const std::vector<std::string_view>& header,
                                                  int line, bool blank_is_unused,
                                                  ReportChecker& checker) {
  std::map<Column, size_t> found;
  bool usable = true;
  for (size_t i = 0; i < header.size(); ++i) {
    const int col = static_cast<int>(i + 1);
    auto column = ColumnFor(header[i]);
    if (!column) {
      if (blank_is_unused && Trim(header[i]).empty()) continue;
      checker.Error(line, col, "不认识的列 " + QuoteExcerpt(header[i]),
                    "unknown column " + QuoteExcerpt(header[i]) +
                        "; use 项目, 指标, 期间, 完成值, 偏差原因, 偏差说明, 改进措施, 完成可能性, "
                        "填报人 (or project, indicator, period, value, reason_category, reason, "
                        "action, likelihood, reporter)");
      continue;
    }
    if (*column == Column::kInformational) continue;
    auto [previous, inserted] = found.emplace(*column, i);
    if (!inserted) {
      usable = false;
      checker.Error(line, col,
                    "列 " + QuoteExcerpt(header[i]) + " 与第" +
                        std::to_string(previous->second + 1) + "列重复",
                    "column " + QuoteExcerpt(header[i]) + " means the same as column " +
                        std::to_string(previous->second + 1) + "; keep one of them");
    }
  }
  const std::pair<Column, Column> required[] = {{Column::kProject, Column::kProjectId},
                                                {Column::kIndicator, Column::kIndicatorId},
                                                {Column::kPeriod, Column::kPeriod},
                                                {Column::kValue, Column::kValue}};
  for (const auto& [column, alternative] : required) {
    if (!found.contains(column) && !found.contains(alternative)) {
      const auto name = kColumnNames[static_cast<int>(column)];
      checker.Error(line, 0, "缺少列 " + std::string(name),
                    "missing the column " + std::string(name));
      usable = false;
    }
  }
  if (!usable) return std::nullopt;
  return found;
}

// The row's fields by the columns MapHeader found; an id written in a template's hidden id
// column wins over the visible name beside it.
RawRow RowFrom(const std::map<Column, size_t>& columns, const std::vector<std::string_view>& header,
               const std::vector<std::string_view>& cells, int line) {
  RawRow raw;
  raw.line = line;
  Field project_id, indicator_id;
  for (const auto& [column, index] : columns) {
    const Field field{cells[index], header[index], line, static_cast<int>(index + 1), true};
    switch (column) {
      case Column::kProject:
        raw.project = field;
        break;
      case Column::kIndicator:
        raw.indicator = field;
        break;
      case Column::kPeriod:
        raw.period = field;
        break;
      case Column::kValue:
        raw.value = field;
        break;
      case Column::kReasonCategory:
        raw.reason_category = field;
        break;
      case Column::kReason:
        raw.reason = field;
        break;
      case Column::kAction:
        raw.action = field;
        break;
      case Column::kLikelihood:
        raw.likelihood = field;
        break;
      case Column::kReporter:
        raw.reporter = field;
        break;
      case Column::kProjectId:
        project_id = field;
        break;
      case Column::kIndicatorId:
        indicator_id = field;
        break;
      case Column::kInformational:
        break;
    }
  }
  if (!Trim(project_id.text).empty() || !raw.project.present) raw.project = project_id;
  if (!Trim(indicator_id.text).empty() || !raw.indicator.present) raw.indicator = indicator_id;
  return raw;
}

}  // namespace ptmon::checking
