#include "province_data.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>

#include <ptmon/base/text.h>
#include <ptmon/config/catalog_loader.h>

namespace ptmon::testing_support {

namespace {

constexpr int kMonths = 10;

}  // namespace

std::string Copy(int copy) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-%05d", copy);
  return suffix;
}

// The embedded catalogue's text with its projects repeated: every `  - id: X` of a project
// becomes `  - id: X-00042` in copy 42; comments, names and targets stay as published, and the
// unit's stated total is the copies' sum, as a real unit's is.
std::string ProvinceCatalog(int copies) {
  const std::string text = EmbeddedCatalogSource().text;
  const size_t projects = text.find("\nprojects:\n");
  std::string head = text.substr(0, projects + 11);
  const std::regex stated_total("^total_annual_funds_yuan: ([0-9]+)$", std::regex::multiline);
  if (std::smatch total; std::regex_search(head, total, stated_total)) {
    head.replace(static_cast<size_t>(total.position(1)), static_cast<size_t>(total.length(1)),
                 std::to_string(std::stoll(total[1].str()) * copies));
  }
  const std::string body = text.substr(projects + 11);
  const std::regex project_id("^  - id: ([a-z0-9-]+)$", std::regex::multiline);
  std::string out = head;
  for (int copy = 1; copy <= copies; ++copy)
    out += std::regex_replace(body, project_id, "  - id: $1" + Copy(copy));
  return out;
}

// Ten months of every indicator and the spending of every project, as managers write them.
void WriteReport(const std::string& path, const Catalog& catalog, int copies, int revision) {
  std::ofstream out(path);
  out << "project,indicator,period,value,reason_category,reason,action,likelihood,reporter\n";
  unsigned row = 0;
  char value[64];
  for (int copy = 1; copy <= copies; ++copy) {
    for (const auto& project : catalog.projects) {
      const std::string id = project.id + Copy(copy);
      const double annual = static_cast<double>(project.annual_funds.total_fen) / 100;
      for (int month = 1; month <= kMonths; ++month) {
        const double share = (month + 0.37 * revision) / 12.0;
        auto line = [&](std::string_view indicator, const std::string& text) {
          out << id << ',' << indicator << ",2026-" << (month < 10 ? "0" : "") << month << ','
              << text;
          if (++row % 10 == 0)
            out << ",人员,技术人员不足,增派人员,有可能,张三\n";
          else
            out << ",,,,,张三\n";
        };
        for (const auto& indicator : project.indicators) {
          const Target& target = indicator.annual_target;
          if (target.kind == TargetKind::kQualitative) {
            line(indicator.id, month % 3 == 0 ? "部分达成" : "达成");
          } else if (target.unit == "%") {
            std::snprintf(value, sizeof value, "%.2f%%", std::min(100.0, 60 + 3.5 * month));
            line(indicator.id, value);
          } else {
            const double level = target.value.value_or(1) * std::min(1.0, share);
            std::snprintf(value, sizeof value, "%.2f%s", level,
                          row % 2 == 0 ? target.unit.c_str() : "");
            line(indicator.id, value);
          }
        }
        std::snprintf(value, sizeof value, "%.2f", annual * share * 0.8);
        line("spent", value);
      }
    }
  }
}

size_t WriteTargetTableExport(const std::string& path, const Catalog& catalog, int copies) {
  std::ofstream out(path, std::ios::binary);
  out << "单位名称,主管部门,项目名称,项目属性,年度资金总额（元）,实施期资金总额（元）,年度目标,"
         "一级指标,二级指标,三级指标,指标性质,指标值,度量单位,权重,指标方向性\n";
  const std::string unit = catalog.units.at(0).name;
  for (int copy = 1; copy <= copies; ++copy) {
    for (const auto& project : catalog.projects) {
      const std::string head =
          CsvLine({unit, project.department, project.name + Copy(copy), project.attribute,
                   FormatGrouped(project.annual_funds.total_fen / 100.0, 2),
                   FormatGrouped(project.period_funds.total_fen / 100.0, 2), project.annual_goal});
      for (const auto& indicator : project.indicators) {
        const Target& target = indicator.annual_target;
        std::string sign = "定性", value = target.text, measure, direction;
        if (target.kind != TargetKind::kQualitative) {
          // "≥12万人": the sign, the number, and what follows it as the measure.
          const size_t number = target.text.find_first_of("0123456789");
          const size_t after = target.text.find_first_not_of("0123456789.", number);
          sign = target.text.substr(0, number);
          if (sign.empty()) sign = "=";
          value = target.text.substr(number, after - number);
          measure = after == std::string::npos ? "" : target.text.substr(after);
          direction = target.kind == TargetKind::kReverse ? "反向" : "正向";
        }
        out << head.substr(0, head.size() - 2) << ","
            << CsvLine({indicator.level1, indicator.level2, indicator.name, sign, value, measure,
                        indicator.weight ? FormatNumber(*indicator.weight) : "", direction});
      }
    }
  }
  return static_cast<size_t>(out.tellp());
}

}  // namespace ptmon::testing_support
