// The target-table export of a budget management system: one row per level-3 indicator, the
// project's cells (unit, name, funds, goal) on its first row and blank below, as merged cells
// export. The target is either one cell ("≥60000人") or spread over 指标性质, 指标值 and 度量单位.
#include <cmath>
#include <map>

#include <ptmon/base/text.h>
#include <ptmon/indicators/target.h>
#include <ptmon/tables/layout.h>

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
  kCentral,  // the amount's parts by source (其中：财政拨款 …)
  kProvincial,
  kCityCounty,
  kSelfRaised,
  kOtherFunds,
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
      // A unit's own appropriation (财政拨款) is its government's: the city's or county's.
      {"财政拨款", Column::kCityCounty},
      {"本级财政", Column::kCityCounty},
      {"市县", Column::kCityCounty},
      {"中央", Column::kCentral},
      {"省级", Column::kProvincial},
      {"上级财政", Column::kProvincial},
      {"自筹", Column::kSelfRaised},
      {"自有资金", Column::kSelfRaised},
      {"其他资金", Column::kOtherFunds},
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
  std::map<Column, bool> in_wan;  // amount columns whose figures are 万元
};

std::optional<Header> ReadHeader(const std::vector<std::string_view>& row,
                                 const TableLayout* layout = nullptr) {
  Header header;
  for (size_t i = 0; i < row.size(); ++i) {
    const std::string label = Label(row[i]);
    auto column = ColumnOf(label);
    if (!column || header.columns.count(*column)) continue;
    header.columns[*column] = i;
    // 资金总额（万元） or 金额单位：万元 above the table; a header's own unit wins.
    const std::string& own = layout ? layout->column_unit(i) : std::string();
    header.in_wan[*column] = own.empty() ? label.find("万元") != std::string::npos ||
                                               (layout && layout->preamble().amount_unit == "万元")
                                         : own == "万元";
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
  TableReader(const Header& header, const std::vector<std::string>& header_words,
              std::string source)
      : header_(header), header_words_(header_words) {
    catalog_.source = std::move(source);
  }

  // The 主管部门 of the projects that follow (a 820-马踏镇部门 row or line).
  void SetDepartment(const std::string& department) { department_ = department; }

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
    if (auto unit = cell(Column::kUnit); !unit.empty()) {
      if (auto coded = SplitCodedName(unit)) {
        std::tie(unit_code_, unit_) = *coded;
      } else {
        unit_ = unit;
      }
    }
    if (!project_) {
      if (!cell(Column::kLevel3).empty()) {
        catalog_.reviews.push_back({line, "an indicator before any 项目名称; give its project"});
      }
      return;
    }
    if (project_->implementing_unit.empty()) project_->implementing_unit = unit_;
    if (project_->department.empty()) project_->department = department_;
    if (auto department = cell(Column::kDepartment); !department.empty())
      project_->department = department;
    if (auto attribute = cell(Column::kAttribute); !attribute.empty())
      project_->attribute = attribute;
    if (auto goal = cell(Column::kAnnualGoal); !goal.empty()) project_->annual_goal = goal;
    ReadFunds(cell(Column::kAnnualFunds), Column::kAnnualFunds, project_->annual_funds.total, line,
              "年度资金总额");
    ReadFunds(cell(Column::kPeriodFunds), Column::kPeriodFunds, project_->period_funds.total, line,
              "实施期资金总额");
    ImportedFunds& annual = project_->annual_funds;
    for (const auto& [column, amount] : {std::pair{Column::kCentral, &annual.central},
                                         {Column::kProvincial, &annual.provincial},
                                         {Column::kCityCounty, &annual.city_county},
                                         {Column::kSelfRaised, &annual.self_raised},
                                         {Column::kOtherFunds, &annual.other}}) {
      const auto it = header_.columns.find(column);
      ReadFunds(cell(column), column, *amount, line,
                it == header_.columns.end() ? "" : header_words_[it->second]);
    }
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

  ImportedCatalog Take(const TablePreamble& preamble) {
    Finish();
    catalog_.unit_name = unit_.empty() ? preamble.unit_name : unit_;
    catalog_.unit_code = unit_code_.empty() ? preamble.unit_code : unit_code_;
    catalog_.year = preamble.year;
    for (auto& project : catalog_.projects) FillGaps(project);
    return std::move(catalog_);
  }

 private:
  void ReadFunds(const std::string& text, Column column, std::optional<long long>& amount, int line,
                 std::string_view what) {
    if (text.empty() || amount) return;
    amount = import_internal::AmountInFen(text, header_.in_wan[column]);
    if (!amount) {
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
      project.department =
          project.implementing_unit.empty() ? catalog_.unit_name : project.implementing_unit;
      project.reviews.push_back({project.line,
                                 "no 主管部门 in the export; the unit is written as "
                                 "the department: correct it"});
    }
    ImportedFunds& annual = project.annual_funds;
    const long long sources = annual.central.value_or(0) + annual.provincial.value_or(0) +
                              annual.city_county.value_or(0) + annual.self_raised.value_or(0) +
                              annual.other.value_or(0);
    const bool split = annual.central || annual.provincial || annual.city_county ||
                       annual.self_raised || annual.other;
    if (split && !annual.total) annual.total = sources;
    if (split && *annual.total != sources) {
      project.reviews.push_back(
          {project.line, "the sources (其中) add up to " + FormatNumber(sources / 100.0, 2) +
                             " yuan, the total is " + FormatNumber(*annual.total / 100.0, 2) +
                             " yuan; the difference is written as other funds: correct it"});
      annual.other = annual.other.value_or(0) + (*annual.total - sources);
    }
    if (!split && annual.total) {
      annual.provincial = annual.total;
      project.reviews.push_back({project.line,
                                 "the export gives the budget's total only; it is "
                                 "written as provincial funds: split it by source"});
    }
    if (ImportedFunds& period = project.period_funds; period.total && !period.central &&
                                                      !period.provincial && !period.city_county &&
                                                      !period.self_raised && !period.other) {
      if (period.total == annual.total) {
        period = annual;
      } else {
        period.provincial = period.total;
      }
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
    import_internal::CheckWeights(*project_);
    if (project_->indicators.empty()) {
      project_->reviews.push_back({project_->line, "no indicators for this project"});
    }
    catalog_.projects.push_back(std::move(*project_));
    project_.reset();
  }

  Header header_;
  std::vector<std::string> header_words_;
  ImportedCatalog catalog_;
  std::optional<ImportedProject> project_;
  std::string unit_, unit_code_, department_, level1_, level2_;
};

}  // namespace

struct TargetTableImport::State {
  std::string source;
  TableLayout layout{
      [](const std::vector<std::string_view>& cells) { return ReadHeader(cells).has_value(); }};
  std::optional<TableReader> reader;  // from the header row on
};

TargetTableImport::TargetTableImport(std::string source) : state_(std::make_unique<State>()) {
  state_->source = std::move(source);
}

TargetTableImport::~TargetTableImport() = default;

void TargetTableImport::Row(const std::vector<std::string_view>& cells, int line) {
  switch (state_->layout.Row(cells, line)) {
    case TableLayout::RowKind::kHeader: {
      const auto& words = state_->layout.header();
      const std::vector<std::string_view> header(words.begin(), words.end());
      state_->reader.emplace(*ReadHeader(header, &state_->layout), words, state_->source);
      state_->reader->SetDepartment(state_->layout.preamble().department);
      break;
    }
    case TableLayout::RowKind::kGroup:
      state_->reader->SetDepartment(state_->layout.preamble().department);
      break;
    case TableLayout::RowKind::kData:
      state_->reader->Row(cells, line);
      break;
    default:  // titles, blank lines, notes, the signature footer
      break;
  }
}

Result<ImportedCatalog> TargetTableImport::Finish() {
  if (!state_->reader) {
    return Status::Error(
        state_->source +
        ": no header row with 项目名称, 三级指标 and 指标值 (a target-table export) in the first " +
        "30 rows");
  }
  ImportedCatalog catalog = state_->reader->Take(state_->layout.preamble());
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
