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

namespace {

// A bad year's share of what a target asks, between 0.3 and 1.2: the same for the same cell of
// the same revision, whatever else the file holds.
double Attainment(unsigned copy, unsigned indicator, int month, int revision) {
  uint64_t x = (uint64_t{copy} << 40) ^ (uint64_t{indicator} << 20) ^
               (static_cast<uint64_t>(month) << 8) ^ static_cast<uint64_t>(revision);
  // splitmix64's finaliser: neighbouring cells get unrelated draws.
  x += 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  x ^= x >> 31;
  return 0.3 + 0.9 * static_cast<double>(x >> 11) / static_cast<double>(uint64_t{1} << 53);
}

}  // namespace

// Ten months of every indicator and the spending of every project, as managers write them.
void WriteReport(const std::string& path, const Catalog& catalog, int copies, int revision,
                 ReportShape shape, int first_copy) {
  std::ofstream out(path);
  out << (shape.lean ? "project,indicator,period,value\n"
                     : "project,indicator,period,value,reason_category,reason,action,likelihood,"
                       "reporter\n");
  unsigned row = 0;
  char value[64];
  for (int copy = first_copy; copy < first_copy + copies; ++copy) {
    unsigned cell = 0;
    for (const auto& project : catalog.projects) {
      const std::string id = project.id + Copy(copy);
      const double annual = static_cast<double>(project.annual_funds.total_fen) / 100;
      for (int month = 1; month <= kMonths; ++month) {
        const double share = (month + 0.37 * revision) / 12.0;
        auto line = [&](std::string_view indicator, const std::string& text) {
          out << id << ',' << indicator << ",2026-" << (month < 10 ? "0" : "") << month << ','
              << text;
          ++row;
          if (shape.lean)
            out << '\n';
          else if (row % 10 == 0)
            out << ",人员,技术人员不足,增派人员,有可能,张三\n";
          else
            out << ",,,,,张三\n";
        };
        auto attained = [&](unsigned index) {
          return shape.bad_year
                     ? Attainment(static_cast<unsigned>(copy), cell + index, month, revision)
                     : 1.0;
        };
        unsigned index = 0;
        for (const auto& indicator : project.indicators) {
          const Target& target = indicator.annual_target;
          const double attainment = attained(index++);
          if (target.kind == TargetKind::kQualitative) {
            line(indicator.id, attainment < 0.5                     ? "未达成"
                               : month % 3 == 0 || attainment < 0.8 ? "部分达成"
                                                                    : "达成");
          } else if (target.unit == "%") {
            const double asked = shape.bad_year ? target.value.value_or(100) : 60 + 3.5 * month;
            std::snprintf(value, sizeof value, "%.2f%%", std::min(100.0, asked * attainment));
            line(indicator.id, value);
          } else {
            const double due = shape.bad_year && indicator.accumulation == Accumulation::kLevel
                                   ? 1.0
                                   : std::min(1.0, share);
            const double level = target.value.value_or(1) * due * attainment;
            std::snprintf(value, sizeof value, "%.2f%s", level,
                          row % 2 == 0 ? target.unit.c_str() : "");
            line(indicator.id, value);
          }
        }
        std::snprintf(value, sizeof value, "%.2f", annual * share * 0.8 * attained(index));
        line("spent", value);
      }
      cell += static_cast<unsigned>(project.indicators.size()) + 1;
    }
  }
}

std::string EditedCatalog(std::string text, int variant) {
  const std::regex stated_total("^total_annual_funds_yuan: ([0-9]+)$", std::regex::multiline);
  std::smatch total;
  if (!std::regex_search(text, total, stated_total)) return text;
  const auto position = static_cast<size_t>(total.position(1));
  const auto length = static_cast<size_t>(total.length(1));
  text.replace(position, length, std::to_string(std::stoll(total[1].str()) + variant));
  const std::string project = "  - id: building-maintenance" + Copy(variant) + "\n";
  const std::string target = "        target: \"≤24小时\"\n";
  const size_t at = text.find(target, text.find(project));
  if (at == std::string::npos) return text;
  text.insert(at + target.size(),
              "        adjusted:\n"
              "          target: \"≤12小时\"\n"
              "          from_month: 7\n"
              "          approval: 晋财绩〔2026〕12号\n");
  return text;
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
