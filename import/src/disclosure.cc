// The 项目支出绩效目标表 of a 部门预算公开 document, from its extracted text. Each table gives
// the project's facts as label/value cells, then one row per level-3 indicator with two column
// groups: the implementation period's (二级指标, 三级指标, 指标值) and the year's. The year's
// group is the catalogue; the period's is read to mend names the narrower annual column cut.
#include <algorithm>
#include <cmath>
#include <map>

#include <ptmon/base/text.h>
#include <ptmon/tables/layout.h>

#include "import_internal.h"

namespace ptmon {

namespace {

using import_internal::ClassifyLevel;
using import_internal::IsStrictPrefix;
using import_internal::Label;
using import_internal::LevelCell;

// The non-empty cells of a line: tab-separated, or separated by two or more spaces as
// pdftotext -layout aligns them.
std::vector<std::string> Cells(std::string_view line) {
  std::vector<std::string> cells;
  auto add = [&](std::string_view cell) {
    cell = Trim(cell);
    if (!cell.empty()) cells.emplace_back(cell);
  };
  if (line.find('\t') != std::string_view::npos) {
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string_view::npos; start = tab + 1) {
      add(line.substr(start, tab - start));
    }
    add(line.substr(start));
    return cells;
  }
  size_t start = 0;
  for (size_t gap; (gap = line.find("  ", start)) != std::string_view::npos;) {
    add(line.substr(start, gap - start));
    start = line.find_first_not_of(' ', gap);
    if (start == std::string_view::npos) return cells;
  }
  add(line.substr(start));
  return cells;
}

std::optional<int> Years(std::string_view cell) {
  const std::string text = Label(cell);
  int years = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && years < 1000; ++i) {
    years = years * 10 + (text[i] - '0');
  }
  if (i == 0 || years == 0) return std::nullopt;
  return years;
}

// Where a fund label's amount goes.
std::optional<long long>* FundField(ImportedFunds& funds, std::string_view label) {
  std::string_view name = label;
  if (name.rfind("其中:", 0) == 0) name.remove_prefix(std::string_view("其中:").size());
  if (name == "实施期资金总额" || name == "年度资金总额") return &funds.total;
  if (name == "中央财政资金") return &funds.central;
  if (name == "省级财政资金") return &funds.provincial;
  if (name == "市县(区)财政资金" || name == "财政拨款") return &funds.city_county;
  if (name == "单位自筹") return &funds.self_raised;
  if (name == "其他资金") return &funds.other;
  return nullptr;
}

// One row of the indicator part, split into its two column groups.
struct IndicatorRow {
  int line = 0;
  std::optional<std::string> level1;
  std::string period_level2, annual_level2;
  std::vector<std::string> period, annual;  // content cells: name, value
};

IndicatorRow SplitRow(const std::vector<std::string>& cells, int line) {
  IndicatorRow row;
  row.line = line;
  bool annual = false;
  for (const auto& cell : cells) {
    const LevelCell level = ClassifyLevel(cell);
    switch (level.kind) {
      case LevelCell::Kind::kLevel1:
        row.level1 = level.level1;
        break;
      case LevelCell::Kind::kLevel2:
        // A level 2 after the period group's content starts the annual group.
        if (!annual && !row.period.empty()) annual = true;
        (annual ? row.annual_level2 : row.period_level2) = level.level2;
        break;
      case LevelCell::Kind::kContent:
        if (!annual && row.period.size() == 2) annual = true;
        (annual ? row.annual : row.period).push_back(cell);
        break;
    }
  }
  return row;
}

class DisclosureReader {
 public:
  explicit DisclosureReader(std::string source) { catalog_.source = std::move(source); }

  void Line(std::string_view text, int line) {
    const std::vector<std::string> cells = Cells(text);
    if (cells.empty()) return;
    const std::string first = Label(cells[0]);
    // 项目支出绩效目标表 in a 部门预算公开; 绩效目标申报表 as the Ministry of Finance's reference
    // template heads it, which counties publish.
    if (first.find("项目支出绩效目标表") != std::string::npos ||
        first.find("绩效目标申报表") != std::string::npos) {
      in_table_ = true;
      FinishProject();
      layout_.emplace(IsProjectHeader);
    }
    if (!in_table_) {
      BudgetTableLine(cells, first, line);
      return;
    }
    // A table's title, year and 金额单位 above it and its signature footer below are read as an
    // export's are. A 项目名称 row without a title of its own starts the next table.
    if (layout_->found() && first == "项目名称") layout_.emplace(IsProjectHeader);
    const std::vector<std::string_view> views(cells.begin(), cells.end());
    switch (layout_->Row(views, line)) {
      case TableLayout::RowKind::kPreamble:
      case TableLayout::RowKind::kNote:
        return;
      case TableLayout::RowKind::kFooter:
        FinishProject();
        return;
      case TableLayout::RowKind::kHeader:
        if (const auto year = layout_->preamble().year) NoteYear(*year, line);
        in_wan_ = layout_->preamble().amount_unit == "万元";
        if (!layout_->preamble().unit_name.empty()) unit_above_ = layout_->preamble();
        break;
      default:
        break;
    }
    if (first == "项目名称") {
      FinishProject();
      project_.emplace();
      project_->source = catalog_.source;
      project_->line = line;
      if (cells.size() > 1) project_->name = cells[1];
      return;
    }
    if (!project_) return;
    if (in_indicators_) {
      IndicatorLine(cells, line);
      return;
    }
    if (first == "绩效指标" || first == "一级指标") {
      in_indicators_ = true;
      // One 三级指标 column: the table gives the year's indicators alone, not beside the
      // implementation period's.
      single_group_ = std::count_if(cells.begin(), cells.end(), [](const auto& cell) {
                        return Label(cell) == "三级指标";
                      }) == 1;
      const bool header = std::any_of(cells.begin(), cells.end(),
                                      [](const auto& cell) { return Label(cell) == "一级指标"; });
      if (!header) IndicatorLine({cells.begin() + 1, cells.end()}, line);
      return;
    }
    FactLine(cells, first, line);
  }

  Result<ImportedCatalog> Finish() {
    FinishProject();
    if (catalog_.projects.empty()) {
      return Status::Error(catalog_.source +
                           ": no 项目支出绩效目标表 (project target table) found");
    }
    SettleUnit();
    for (auto& project : catalog_.projects) CrossCheck(project);
    return std::move(catalog_);
  }

 private:
  void NoteYear(int year, int line) {
    if (!catalog_.year) {
      catalog_.year = year;
    } else if (*catalog_.year != year) {
      catalog_.reviews.push_back({line, "this table is for " + std::to_string(year) +
                                            ", the first for " + std::to_string(*catalog_.year) +
                                            "; one catalogue holds one year"});
    }
  }

  void FactLine(const std::vector<std::string>& cells, const std::string& first, int line) {
    ImportedProject& project = *project_;
    auto after = [&](std::string_view label) -> std::string {
      for (size_t i = 0; i + 1 < cells.size(); ++i) {
        if (Label(cells[i]) == label) return cells[i + 1];
      }
      return "";
    };
    if (first == "主管部门及代码" || first == "主管部门") {
      project.department = after(first);
      project.implementing_unit = after("实施单位");
    } else if (first == "项目属性") {
      project.attribute = after("项目属性");
      std::string period = after("项目期");
      if (period.empty()) period = after("项目日期");
      project.period_years = Years(period);
    } else if (first == "总体目标") {
      if (cells.size() >= 3) {
        project.period_goal = cells[1];
        project.annual_goal = cells[2];
      } else if (cells.size() == 2) {
        project.period_goal = project.annual_goal = cells[1];
        one_goal_line_ = line;  // for review when the table has a period's column too
      }
    } else {
      FundLine(cells, line);
    }
  }

  // Each fund label appears twice on its row: the period's, then the year's.
  void FundLine(const std::vector<std::string>& cells, int line) {
    std::map<std::string, int> seen;
    bool annual_part = false;  // after 年度资金总额 on its row: the year's sources follow it
    for (size_t i = 0; i < cells.size(); ++i) {
      std::string label = Label(cells[i]);
      if (label.rfind("项目资金", 0) == 0 || label.rfind("资金情况", 0) == 0) {
        // 项目资金（万元）: the label's own unit wins over a 金额单位 line.
        if (label.find("(万元)") != std::string::npos) in_wan_ = true;
        if (label.find("(元)") != std::string::npos) in_wan_ = false;
        continue;
      }
      annual_part = annual_part || label == "年度资金总额";
      const bool annual = annual_part || seen[label]++ > 0;
      ImportedFunds& funds = annual ? project_->annual_funds : project_->period_funds;
      std::optional<long long>* field = FundField(funds, label);
      if (field == nullptr) continue;
      if (i + 1 < cells.size() && FundField(funds, Label(cells[i + 1])) == nullptr) {
        *field = import_internal::AmountInFen(cells[i + 1], in_wan_);
        if (!*field) {
          project_->reviews.push_back({line, "the amount " + Quote(cells[i + 1]) + " of " + label +
                                                 " cannot be read; write it in " +
                                                 (in_wan_ ? "万元" : "yuan")});
        }
        ++i;
      }
    }
  }

  void IndicatorLine(const std::vector<std::string>& cells, int line) {
    if (cells.size() == 1 && import_internal::AmountInFen(cells[0])) return;  // a page number
    if (std::any_of(cells.begin(), cells.end(),
                    [](const auto& cell) { return Label(cell) == "三级指标"; })) {
      return;  // the header row, repeated on a new page
    }
    IndicatorRow row = SplitRow(cells, line);
    if (single_group_) {
      // 其他说明的问题 below the indicators is a remark, not one.
      if (cells.size() == 1 && Label(cells[0]).rfind("其他说明", 0) == 0) return;
      std::swap(row.annual, row.period);
      if (row.annual_level2.empty()) std::swap(row.annual_level2, row.period_level2);
    }
    if (row.level1 && row.level1 != level1_) {
      level1_ = *row.level1;
      annual_level2_.clear();  // a new level 1 starts its own level 2s
    }
    if (!row.annual_level2.empty()) annual_level2_ = row.annual_level2;
    if (!row.period.empty()) period_names_.push_back(row.period[0]);
    if (row.annual.empty()) {
      // Only the period group has content: a merged or shifted row; the year's may follow.
      return;
    }
    ImportedIndicator indicator;
    indicator.line = line;
    indicator.level1 = level1_;
    indicator.level2 = annual_level2_.empty() ? row.period_level2 : annual_level2_;
    indicator.name = row.annual[0];
    if (row.annual.size() >= 2) indicator.target = row.annual[1];
    if (row.annual.size() > 2) {
      indicator.reviews.push_back({line,
                                   "the annual columns of this row hold more cells than a "
                                   "name and a target; check both"});
    }
    if (auto single = import_internal::Undoubled(indicator.target)) {
      indicator.repairs.push_back({line, "target doubled as " + Quote(indicator.target)});
      indicator.target = *single;
    }
    auto& indicators = project_->indicators;
    if (!indicators.empty() && indicators.back().name == indicator.name &&
        indicators.back().target == indicator.target &&
        indicators.back().level2 == indicator.level2) {
      indicators.back().repairs.push_back(
          {line, "the row is repeated on line " + std::to_string(line) + " (a page break)"});
      return;
    }
    indicators.push_back(std::move(indicator));
  }

  // Names the annual column cut are completed from the period column where exactly one period
  // name continues them (a continuation, not a merged cell "名称,目标"). Page extraction cuts
  // a cell at the column's width, so in a table whose annual column evidently cut names, a name
  // as wide as those, or as the widest the period column holds, may be cut too: it is left for
  // review, never guessed.
  void MendNames() {
    size_t annual_cut = 0;
    size_t period_widest = 0;
    for (const auto& name : period_names_)
      period_widest = std::max(period_widest, DisplayWidth(name));
    std::vector<bool> completed(project_->indicators.size());
    for (size_t i = 0; i < project_->indicators.size(); ++i) {
      ImportedIndicator& indicator = project_->indicators[i];
      std::vector<std::string> longer;
      for (const auto& name : period_names_) {
        if (IsStrictPrefix(indicator.name, name) && !IsMergedCell(name, indicator.name) &&
            std::find(longer.begin(), longer.end(), name) == longer.end()) {
          longer.push_back(name);
        }
      }
      if (longer.size() == 1) {
        indicator.repairs.push_back({indicator.line, "annual name cut to " + Quote(indicator.name) +
                                                         "; full name from the period column"});
        const size_t width = DisplayWidth(indicator.name);
        annual_cut = annual_cut == 0 ? width : std::min(annual_cut, width);
        indicator.name = longer[0];
        completed[i] = true;
      } else if (longer.size() > 1) {
        std::string names;
        for (const auto& name : longer) names += (names.empty() ? "" : ", ") + Quote(name);
        indicator.reviews.push_back(
            {indicator.line,
             "the name " + Quote(indicator.name) + " may be cut; the period column has " + names});
      }
    }
    for (size_t i = 0; i < project_->indicators.size(); ++i) {
      ImportedIndicator& indicator = project_->indicators[i];
      const size_t width = DisplayWidth(indicator.name);
      const bool in_period = std::find(period_names_.begin(), period_names_.end(),
                                       indicator.name) != period_names_.end();
      if ((completed[i] || in_period) && annual_cut > 0 && width >= period_widest) {
        indicator.reviews.push_back({indicator.line, "the name " + Quote(indicator.name) +
                                                         " fills the period column's width; "
                                                         "complete it if it was cut"});
      } else if (!completed[i] && !in_period && annual_cut > 0 && width >= annual_cut) {
        indicator.reviews.push_back({indicator.line, "the name " + Quote(indicator.name) +
                                                         " is as wide as the names this column "
                                                         "cut; complete it if it was cut"});
      }
    }
  }

  // "增强获得感,继续增强": a name and its target run together in one cell, not a longer name.
  static bool IsMergedCell(std::string_view cell, std::string_view name) {
    const std::string_view rest = cell.substr(name.size());
    for (std::string_view mark : {",", "，", "、", ";", "；"}) {
      if (rest.rfind(mark, 0) == 0) return true;
    }
    return false;
  }

  void FinishProject() {
    if (!project_) return;
    if (one_goal_line_ > 0 && !single_group_) {
      project_->reviews.push_back(
          {one_goal_line_, "one 总体目标 for both columns; check the annual goal"});
    }
    MendNames();
    for (auto& indicator : project_->indicators) {
      import_internal::SettleLevels(indicator);
      import_internal::CheckTarget(indicator);
    }
    import_internal::CheckWeights(*project_);
    if (project_->indicators.empty()) {
      project_->reviews.push_back({project_->line, "no indicators found in this table"});
    }
    catalog_.projects.push_back(std::move(*project_));
    project_.reset();
    in_indicators_ = false;
    single_group_ = false;
    one_goal_line_ = 0;
    level1_.clear();
    annual_level2_.clear();
    period_names_.clear();
  }

  // The document's 项目支出预算表（本年预算） lists every project with its budget in 万元: a
  // second spelling of each name and a second figure for each annual total.
  void BudgetTableLine(const std::vector<std::string>& cells, const std::string& first, int line) {
    if (first.find("项目支出预算表") != std::string::npos) {
      in_budget_table_ = first.find("本年预算") != std::string::npos;
      return;
    }
    if (!in_budget_table_ || cells.size() < 2) return;
    auto wan = ParseDecimal(FoldFullWidth(cells[1]));
    if (!wan) return;
    budget_rows_.push_back({Label(cells[0]), std::llround(*wan * 1'000'000), line});
  }

  // A project's name and annual total against the budget table: a name spelled otherwise
  // there (an OCR slip such as 职数 for 职教幼教) is marked where it occurs, never corrected.
  void CrossCheck(ImportedProject& project) {
    if (budget_rows_.empty() || !project.annual_funds.total) return;
    const std::string name = Label(project.name);
    const long long total = *project.annual_funds.total;
    for (const auto& row : budget_rows_) {
      if (row.name != name) continue;
      if (row.fen != total) {
        project.reviews.push_back(
            {project.line, "the 项目支出预算表 (line " + std::to_string(row.line) + ") budgets " +
                               FormatNumber(static_cast<double>(row.fen) / 1e6, 2) +
                               "万元 for this project; check 年度资金总额"});
      }
      return;
    }
    std::vector<const BudgetRow*> same_total;
    for (const auto& row : budget_rows_) {
      if (row.fen == total) same_total.push_back(&row);
    }
    if (same_total.size() != 1) {
      project.reviews.push_back({project.line,
                                 "the project is not in the 项目支出预算表; check "
                                 "its name and 年度资金总额"});
      return;
    }
    const BudgetRow& row = *same_total[0];
    project.reviews.push_back({project.line, "the 项目支出预算表 (line " +
                                                 std::to_string(row.line) +
                                                 ") names the project with this budget " +
                                                 Quote(row.name) + "; check the spelling"});
    const auto [wrong, right] = Misspelling(name, row.name);
    if (wrong.empty()) return;
    for (auto& indicator : project.indicators) {
      if (indicator.name.find(wrong) == std::string::npos) continue;
      indicator.reviews.push_back({indicator.line, Quote(wrong) + " may be a slip for " +
                                                       Quote(right) +
                                                       ", as the 项目支出预算表 spells the "
                                                       "project"});
    }
  }

  // What differs between two spellings, with the character before it (a lone character would
  // match everywhere): "国有企业职数退休…" / "国有企业职教幼教退休…" → 职数, 职教幼教.
  static std::pair<std::string, std::string> Misspelling(const std::string& wrong,
                                                         const std::string& right) {
    size_t prefix = 0;
    while (prefix < wrong.size() && prefix < right.size() && wrong[prefix] == right[prefix])
      ++prefix;
    size_t suffix = 0;
    while (suffix < wrong.size() - prefix && suffix < right.size() - prefix &&
           wrong[wrong.size() - 1 - suffix] == right[right.size() - 1 - suffix]) {
      ++suffix;
    }
    // Back to a character boundary, then one whole character further for context.
    auto boundary = [](const std::string& text, size_t at) {
      while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
      return at;
    };
    size_t start = boundary(wrong, prefix);
    if (start == 0) return {};
    start = boundary(wrong, start - 1);
    const size_t wrong_end = wrong.size() - suffix;
    const size_t right_end = right.size() - suffix;
    if (wrong_end <= start || right_end <= start) return {};
    return {wrong.substr(start, wrong_end - start), right.substr(start, right_end - start)};
  }

  // The unit is the implementing unit most projects name; its code the department's number.
  void SettleUnit() {
    std::map<std::string, int> units;
    for (const auto& project : catalog_.projects) {
      if (!project.implementing_unit.empty()) ++units[project.implementing_unit];
    }
    int best = 0;
    for (const auto& [name, count] : units) {
      if (count > best) {
        best = count;
        catalog_.unit_name = name;
      }
    }
    if (units.empty() && unit_above_) {
      // No 实施单位 in the tables: the 单位名称 line above them names the unit.
      catalog_.unit_name = unit_above_->unit_name;
      catalog_.unit_code = unit_above_->unit_code;
    }
    if (units.size() > 1) {
      catalog_.reviews.push_back({0, "the tables name " + std::to_string(units.size()) +
                                         " implementing units; the catalogue takes " +
                                         Quote(catalog_.unit_name) +
                                         ", the most frequent: split the others off"});
    }
    for (const auto& project : catalog_.projects) {
      const std::string& department = project.department;
      const size_t dash = department.find('-');
      if (dash != std::string::npos && dash > 0 &&
          department.find_first_not_of("0123456789") == dash) {
        catalog_.unit_code = department.substr(0, dash);
        break;
      }
    }
  }

  struct BudgetRow {
    std::string name;
    long long fen = 0;
    int line = 0;
  };

  // A table's header: the row whose first cell is 项目名称.
  static bool IsProjectHeader(const std::vector<std::string_view>& cells) {
    return !cells.empty() && Label(cells.front()) == "项目名称";
  }

  ImportedCatalog catalog_;
  std::optional<TableLayout> layout_;        // of the table being read
  bool in_wan_ = false;                      // its amounts are in 万元
  std::optional<TablePreamble> unit_above_;  // a 单位名称 line above a table
  bool in_budget_table_ = false;
  std::vector<BudgetRow> budget_rows_;
  bool in_table_ = false;
  bool in_indicators_ = false;
  bool single_group_ = false;  // the indicators have no implementation period's columns
  int one_goal_line_ = 0;      // a 总体目标 given once for both columns
  std::optional<ImportedProject> project_;
  std::string level1_, annual_level2_;
  std::vector<std::string> period_names_;
};

}  // namespace

Result<ImportedCatalog> ImportDisclosureText(std::string_view text, std::string source) {
  DisclosureReader reader(std::move(source));
  int line = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(start, end - start);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    reader.Line(content, ++line);
    start = end + 1;
  }
  return reader.Finish();
}

}  // namespace ptmon
