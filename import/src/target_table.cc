// The target-table export of a budget management system: one row per level-3 indicator, the
// project's cells (unit, name, funds, goal) on its first row and blank below, as merged cells
// export. The target is either one cell ("≥60000人") or spread over 指标性质, 指标值 and 度量单位.
#include <cmath>
#include <map>

#include <ptmon/base/text.h>
#include <ptmon/indicators/target.h>

#include "import_internal.h"

namespace ptmon {

namespace {

using import_internal::Label;

enum class Column {
  kUnit,
  kDepartment,
  kProject,
  kAttribute,
  kAnnualFunds,
  kPeriodFunds,
  kAnnualGoal,
  kLevel1,
  kLevel2,
  kLevel3,
  kComparison,
  kValue,
  kMeasure,
  kWeight,
  kDirection,
};

// Header words as budget systems spell them; the first match wins.
std::optional<Column> ColumnOf(const std::string& header) {
  struct Word {
    std::string_view text;
    Column column;
  };
  static const Word kWords[] = {
      {"单位名称", Column::kUnit},
      {"预算单位", Column::kUnit},
      {"实施单位", Column::kUnit},
      {"主管部门", Column::kDepartment},
      {"项目名称", Column::kProject},
      {"项目属性", Column::kAttribute},
      {"实施期资金总额", Column::kPeriodFunds},
      {"年度资金总额", Column::kAnnualFunds},
      {"预算数", Column::kAnnualFunds},
      {"资金总额", Column::kAnnualFunds},
      {"年度目标", Column::kAnnualGoal},
      {"总体目标", Column::kAnnualGoal},
      {"一级指标", Column::kLevel1},
      {"二级指标", Column::kLevel2},
      {"三级指标", Column::kLevel3},
      {"指标名称", Column::kLevel3},
      {"指标性质", Column::kComparison},
      {"运算符", Column::kComparison},
      {"指标值", Column::kValue},
      {"目标值", Column::kValue},
      {"度量单位", Column::kMeasure},
      {"计量单位", Column::kMeasure},
      {"权重", Column::kWeight},
      {"分值", Column::kWeight},
      {"指标方向", Column::kDirection},
  };
  for (const Word& word : kWords) {
    if (header.find(word.text) != std::string::npos) return word.column;
  }
  return std::nullopt;
}

struct Header {
  std::map<Column, size_t> columns;
  bool funds_in_wan = false;  // the amount's header says 万元
};

std::optional<Header> ReadHeader(const std::vector<std::string_view>& row) {
  Header header;
  for (size_t i = 0; i < row.size(); ++i) {
    const std::string label = Label(row[i]);
    auto column = ColumnOf(label);
    if (!column || header.columns.count(*column)) continue;
    header.columns[*column] = i;
    if ((*column == Column::kAnnualFunds) && label.find("万元") != std::string::npos) {
      header.funds_in_wan = true;
    }
  }
  if (!header.columns.count(Column::kProject) || !header.columns.count(Column::kLevel3) ||
      !header.columns.count(Column::kValue)) {
    return std::nullopt;
  }
  return header;
}

// ≥, ≤, =, 定性 and the words for them, as a sign to put before the value.
std::optional<std::string> Sign(std::string_view cell) {
  const std::string text = Label(cell);
  static const std::pair<std::string_view, std::string_view> kSigns[] = {
      {">=", "≥"},    {"≥", "≥"},     {"大于等于", "≥"}, {"不低于", "≥"},   {">", "＞"},
      {"大于", "＞"}, {"<=", "≤"},    {"≤", "≤"},        {"小于等于", "≤"}, {"不高于", "≤"},
      {"<", "＜"},    {"小于", "＜"}, {"=", ""},         {"等于", ""},      {"定性", ""},
  };
  for (const auto& [word, sign] : kSigns) {
    if (text == word) return std::string(sign);
  }
  return std::nullopt;
}

class TableReader {
 public:
  TableReader(const Header& header, std::string source) : header_(header) {
    catalog_.source = std::move(source);
  }

  void Row(const std::vector<std::string_view>& row, int line) {
    auto cell = [&](Column column) -> std::string {
      auto it = header_.columns.find(column);
      if (it == header_.columns.end() || it->second >= row.size()) return "";
      return std::string(Trim(row[it->second]));
    };
    const std::string project_name = cell(Column::kProject);
    if (!project_name.empty() && (!project_ || project_name != project_->name)) {
      Finish();
      project_.emplace();
      project_->source = catalog_.source;
      project_->line = line;
      project_->name = project_name;
      level1_.clear();
      level2_.clear();
    }
    // Cells a merged range left blank below its first row carry down.
    if (auto unit = cell(Column::kUnit); !unit.empty()) unit_ = unit;
    if (!project_) {
      if (!cell(Column::kLevel3).empty()) {
        catalog_.reviews.push_back({line, "an indicator before any 项目名称; give its project"});
      }
      return;
    }
    if (project_->implementing_unit.empty()) project_->implementing_unit = unit_;
    if (auto department = cell(Column::kDepartment); !department.empty())
      project_->department = department;
    if (auto attribute = cell(Column::kAttribute); !attribute.empty())
      project_->attribute = attribute;
    if (auto goal = cell(Column::kAnnualGoal); !goal.empty()) project_->annual_goal = goal;
    ReadFunds(cell(Column::kAnnualFunds), project_->annual_funds, line, "年度资金总额");
    ReadFunds(cell(Column::kPeriodFunds), project_->period_funds, line, "实施期资金总额");
    if (auto level1 = cell(Column::kLevel1); !level1.empty()) {
      if (level1 != level1_) level2_.clear();
      level1_ = level1;
    }
    if (auto level2 = cell(Column::kLevel2); !level2.empty()) level2_ = level2;
    const std::string name = cell(Column::kLevel3);
    if (name.empty()) return;
    ImportedIndicator indicator;
    indicator.line = line;
    indicator.name = name;
    const auto level1 = import_internal::ClassifyLevel(level1_);
    indicator.level1 =
        level1.kind == import_internal::LevelCell::Kind::kLevel1 ? level1.level1 : level1_;
    indicator.level2 = level2_;
    indicator.target = TargetText(cell(Column::kComparison), cell(Column::kValue),
                                  cell(Column::kMeasure), indicator);
    if (auto weight = cell(Column::kWeight); !weight.empty()) {
      indicator.weight = ParseDecimal(FoldFullWidth(weight));
      if (!indicator.weight || *indicator.weight < 0 || *indicator.weight > 100) {
        indicator.weight.reset();
        indicator.reviews.push_back(
            {line, "the weight " + Quote(weight) + " is not a number of points from 0 to 100"});
      }
    }
    import_internal::SettleLevels(indicator);
    import_internal::CheckTarget(indicator);
    CheckDirection(cell(Column::kDirection), indicator);
    project_->indicators.push_back(std::move(indicator));
  }

  ImportedCatalog Take() {
    Finish();
    catalog_.unit_name = unit_;
    for (auto& project : catalog_.projects) FillGaps(project);
    return std::move(catalog_);
  }

 private:
  void ReadFunds(const std::string& text, ImportedFunds& funds, int line, std::string_view what) {
    if (text.empty() || funds.total) return;
    if (header_.funds_in_wan) {
      // 万元 with up to six decimals is exact in yuan; more would be fractions of a fen.
      auto wan = ParseDecimal(FoldFullWidth(text));
      if (wan) funds.total = std::llround(*wan * 1'000'000);
    } else {
      funds.total = import_internal::AmountInFen(text);
    }
    if (!funds.total) {
      project_->reviews.push_back(
          {line, "the " + std::string(what) + " " + Quote(text) + " cannot be read as an amount"});
    }
  }

  std::string TargetText(const std::string& comparison, const std::string& value,
                         const std::string& measure, ImportedIndicator& indicator) {
    if (comparison.empty()) {
      // One cell holds the target, or the unit is beside it.
      if (!measure.empty() && ParseDecimal(FoldFullWidth(value))) return value + measure;
      return value;
    }
    const auto sign = Sign(comparison);
    if (!sign) {
      indicator.usable = false;
      indicator.reviews.push_back({indicator.line, "the 指标性质 " + Quote(comparison) +
                                                       " is none of ≥, ≤, =, 定性; write the "
                                                       "target whole"});
      return value + measure;
    }
    if (Label(comparison) == "定性") {
      if (ParseDecimal(FoldFullWidth(value))) {
        indicator.usable = false;
        indicator.reviews.push_back({indicator.line,
                                     "a 定性 (qualitative) indicator with the "
                                     "number " +
                                         Quote(value) + "; which is it?"});
      }
      return value;
    }
    if (!ParseDecimal(FoldFullWidth(value))) {
      indicator.usable = false;
      indicator.reviews.push_back({indicator.line, "the 指标值 " + Quote(value) + " after " +
                                                       Quote(comparison) +
                                                       " is not a number; write it in digits"});
    }
    return *sign + value + measure;
  }

  // 正向 is more-is-better, 反向 less-is-better: a sign saying otherwise is not guessed at.
  void CheckDirection(const std::string& direction, ImportedIndicator& indicator) {
    if (direction.empty() || !indicator.usable) return;
    auto target = ParseTarget(indicator.target);
    if (!target.ok() || target->kind == TargetKind::kQualitative) return;
    const bool reverse = target->kind == TargetKind::kReverse;
    const std::string label = Label(direction);
    if ((label == "正向" && reverse) ||
        (label == "反向" && target->kind == TargetKind::kPositive)) {
      indicator.usable = false;
      indicator.reviews.push_back({indicator.line, "the target " + Quote(indicator.target) +
                                                       " contradicts its direction " +
                                                       Quote(direction) + "; correct one of them"});
    }
  }

  // Exports leave out what a catalogue needs; each stand-in is written with its review.
  void FillGaps(ImportedProject& project) {
    if (project.department.empty()) {
      project.department = project.implementing_unit.empty() ? unit_ : project.implementing_unit;
      project.reviews.push_back({project.line,
                                 "no 主管部门 in the export; the unit is written as "
                                 "the department: correct it"});
    }
    for (ImportedFunds* funds : {&project.annual_funds, &project.period_funds}) {
      if (funds->total && !funds->central && !funds->provincial && !funds->city_county &&
          !funds->self_raised && !funds->other) {
        funds->provincial = funds->total;
      }
    }
    if (project.annual_funds.total) {
      project.reviews.push_back({project.line,
                                 "the export gives the budget's total only; it is "
                                 "written as provincial funds: split it by source"});
    }
    if (project.annual_funds.total && !project.period_funds.total) {
      project.period_funds = project.annual_funds;
      project.reviews.push_back({project.line,
                                 "no 实施期资金 in the export; the year's amounts "
                                 "are written for the implementation period"});
    }
  }

  void Finish() {
    if (!project_) return;
    if (project_->indicators.empty()) {
      project_->reviews.push_back({project_->line, "no indicators for this project"});
    }
    catalog_.projects.push_back(std::move(*project_));
    project_.reset();
  }

  Header header_;
  ImportedCatalog catalog_;
  std::optional<ImportedProject> project_;
  std::string unit_, level1_, level2_;
};

}  // namespace

struct TargetTableImport::State {
  std::string source;
  std::optional<TableReader> reader;  // from the header row on
};

TargetTableImport::TargetTableImport(std::string source) : state_(std::make_unique<State>()) {
  state_->source = std::move(source);
}

TargetTableImport::~TargetTableImport() = default;

void TargetTableImport::Row(const std::vector<std::string_view>& cells, int line) {
  if (state_->reader) {
    state_->reader->Row(cells, line);
  } else if (auto header = ReadHeader(cells)) {
    state_->reader.emplace(*header, state_->source);
  }
}

Result<ImportedCatalog> TargetTableImport::Finish() {
  if (!state_->reader) {
    return Status::Error(
        state_->source +
        ": no header row with 项目名称, 三级指标 and 指标值 (a target-table export)");
  }
  ImportedCatalog catalog = state_->reader->Take();
  if (catalog.projects.empty()) {
    return Status::Error(catalog.source + ": the target table has a header but no project rows");
  }
  return catalog;
}

Result<ImportedCatalog> ImportTargetTable(const std::vector<std::vector<std::string>>& rows,
                                          int first_line, std::string source) {
  TargetTableImport table(std::move(source));
  std::vector<std::string_view> cells;
  for (size_t r = 0; r < rows.size(); ++r) {
    cells.assign(rows[r].begin(), rows[r].end());
    table.Row(cells, first_line + static_cast<int>(r));
  }
  return table.Finish();
}

}  // namespace ptmon
