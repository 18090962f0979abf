#include <algorithm>
#include <iterator>

#include <ptmon/base/text.h>
#include <ptmon/tables/yaml_fields.h>

#include "report_checker.h"

namespace ptmon::checking {

namespace {

// A YAML project's key for its spending: the total or a fund-source row.
bool IsSpending(std::string_view key) {
  return key == kSpentIndicator ||
         std::find(std::begin(kSpentBySourceIds), std::end(kSpentBySourceIds), key) !=
             std::end(kSpentBySourceIds);
}

}  // namespace

void ParseYamlReport(std::string_view bytes, const std::string& file_name, ReportChecker& checker,
                     Submission& submission, Diagnostics& diagnostics) {
  YamlFields fields(file_name, diagnostics);
  auto document = fields.Parse(bytes.starts_with("\xEF\xBB\xBF") ? bytes.substr(3) : bytes);
  if (!document) return;
  const YamlNode root = document->root();
  if (!fields.ExpectMap(root, "the report")) return;
  fields.CheckKeys(root, {"period", "reporter", "projects"}, "the report");
  auto field_of = [&](const YamlNode& node, std::string_view label) {
    const SourcePlace place = fields.Place(node);
    Field field{std::string_view(), label, place.line, place.column, false};
    if (node && node.IsScalar()) {
      field.text = node.Scalar();
      field.present = true;
    } else if (node && !node.IsNull()) {
      fields.Error(node, QuoteExcerpt(label) + " must be a single value");
    }
    return field;
  };
  const YamlNode period = root["period"];
  const YamlNode reporter = root["reporter"];
  const YamlNode projects = root["projects"];
  if (!period) {
    fields.Error(root, "缺少 'period' (期间) / missing 'period', e.g. period: 2026-07");
    return;
  }
  if (!projects) {
    fields.Error(root, "缺少 'projects' / missing 'projects'");
    return;
  }
  if (!fields.ExpectMap(projects, "'projects'")) return;
  size_t values = 0;
  for (const auto& project_entry : projects.Entries()) {
    const YamlNode& project = project_entry.second;
    if (!fields.ExpectMap(project, "a project")) continue;
    fields.CheckKeys(project,
                     {"spent", "spent_fiscal", "spent_special_account", "spent_unit", "spent_other",
                      "indicators"},
                     "a project");
    auto check = [&](const YamlNode& key, const YamlNode& node) {
      ++values;
      RawRow row;
      row.line = fields.Place(key).line;
      row.project = field_of(project_entry.first, "project");
      row.indicator = field_of(key, "indicator");
      row.period = field_of(period, "period");
      row.reporter = field_of(reporter, "reporter");
      if (node.IsMap()) {
        fields.CheckKeys(node, {"value", "reason_category", "reason", "action", "likelihood"},
                         "an indicator's value");
        row.value = field_of(node["value"], "value");
        if (!row.value.present) {
          fields.Error(node, "缺少 'value' / missing 'value'");
          return;
        }
        row.reason_category = field_of(node["reason_category"], "reason_category");
        row.reason = field_of(node["reason"], "reason");
        row.action = field_of(node["action"], "action");
        row.likelihood = field_of(node["likelihood"], "likelihood");
      } else {
        row.value = field_of(node, "value");
      }
      checker.Check(row, submission);
    };
    for (const auto& entry : project.Entries()) {
      if (IsSpending(entry.first.Scalar())) {
        check(entry.first, entry.second);
      } else if (entry.first.Scalar() == "indicators" &&
                 fields.ExpectMap(entry.second, "'indicators'")) {
        for (const auto& indicator : entry.second.Entries())
          check(indicator.first, indicator.second);
      }
    }
  }
  if (values == 0) checker.Error(0, 0, "没有任何数据", "the report holds no values");
}

}  // namespace ptmon::checking
