// The official tables as data, before any format: the text renderers (official.cc) and the
// XLSX writer (xlsx.cc) lay out the same cells, so every format prints the same figures.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ptmon/indicators/evaluation.h>
#include <ptmon/reports/reports.h>

namespace ptmon::reports_internal {

// 年度总体目标: what the unit set out to do, beside how far it has come.
struct GoalRow {
  std::string planned_heading, actual_heading;
  std::string planned, actual;
};

struct Table {
  std::string title;
  std::vector<std::pair<std::string, std::string>> facts;  // shown above the rows
  GoalRow goal;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::optional<size_t> light_column;  // the 预警 column, coloured in HTML
  std::vector<Light> row_lights;
  std::optional<Light> project_light;                       // the fact named 预警
  std::vector<std::pair<std::string, std::string>> totals;  // shown below the rows
};

// The colour of a light's cell in HTML and in the workbook, as 0xRRGGBB.
unsigned LightRgb(Light light);

// One table per project (all, or only `project_id`).
std::vector<Table> BuildTables(const Evaluation& evaluation, ReportKind kind,
                               std::string_view project_id);

}  // namespace ptmon::reports_internal
