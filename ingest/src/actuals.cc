#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <future>
#include <limits>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include <ptmon/base/text.h>
#include <ptmon/config/yaml_fields.h>
#include <ptmon/ingest/actuals.h>
#include <ptmon/tables/layout.h>
#include <ptmon/tables/xlsx.h>

namespace ptmon {

namespace {

// The columns a report may have, with every header spelling accepted (compared after
// NormalizeKey: case and spaces do not matter).
enum class Column {
  kProject,
  kIndicator,
  kPeriod,
  kValue,
  kReasonCategory,
  kReason,
  kAction,
  kLikelihood,
  kReporter,
  kProjectId,    // templates keep the ids in hidden columns: rows still match when the visible
  kIndicatorId,  // names are edited or the rows reordered
  kInformational
};

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

struct Choice {
  std::string_view written;
  std::string_view canonical;
};

constexpr Choice kReasonCategories[] = {
    {"经费", "经费保障"},     {"经费保障", "经费保障"},      {"制度", "制度保障"},
    {"制度保障", "制度保障"}, {"人员", "人员保障"},          {"人员保障", "人员保障"},
    {"硬件", "硬件条件保障"}, {"硬件条件", "硬件条件保障"},  {"硬件条件保障", "硬件条件保障"},
    {"其他", "其他"},         {"funding", "经费保障"},       {"rules", "制度保障"},
    {"staffing", "人员保障"}, {"equipment", "硬件条件保障"}, {"other", "其他"}};

constexpr Choice kLikelihoods[] = {{"确定能", "确定能"},         {"有可能", "有可能"},
                                   {"完全不可能", "完全不可能"}, {"certain", "确定能"},
                                   {"possible", "有可能"},       {"impossible", "完全不可能"}};

constexpr std::pair<std::string_view, Grade> kGrades[] = {
    {"达成", Grade::kAchieved},          {"部分达成", Grade::kPartlyAchieved},
    {"未达成", Grade::kNotAchieved},     {"achieved", Grade::kAchieved},
    {"partial", Grade::kPartlyAchieved}, {"not_achieved", Grade::kNotAchieved}};

// The canonical words of a table of choices, once each, in order.
template <typename Table, typename Word>
std::vector<std::string_view> Canonical(const Table& table, Word word) {
  std::vector<std::string_view> words;
  for (const auto& entry : table) {
    const std::string_view canonical = word(entry);
    if (std::find(words.begin(), words.end(), canonical) == words.end()) {
      words.push_back(canonical);
    }
  }
  return words;
}

constexpr std::string_view kSpentSpellings[] = {"spent", "预算执行数"};

// A YAML project's key for its spending: the total or a fund-source row.
bool IsSpending(std::string_view key) {
  return key == kSpentIndicator ||
         std::find(std::begin(kSpentBySourceIds), std::end(kSpentBySourceIds), key) !=
             std::end(kSpentBySourceIds);
}

// The tables' written forms are normalised already (NormalizeKey leaves them as they are), so a
// cell written exactly as listed, the common case, is matched without normalising it.
std::optional<std::string_view> Choose(std::string_view text, const auto& choices) {
  for (const Choice& choice : choices) {
    if (text == choice.written) return choice.canonical;
  }
  const std::string key = NormalizeKey(text);
  for (const Choice& choice : choices) {
    if (key == choice.written) return choice.canonical;
  }
  return std::nullopt;
}

Grade GradeOf(std::string_view text) {
  for (const auto& [written, grade] : kGrades) {
    if (text == written) return grade;
  }
  const std::string key = NormalizeKey(text);
  for (const auto& [written, grade] : kGrades) {
    if (key == written) return grade;
  }
  return Grade::kNone;
}

// A field of a report row: its text and where it stands.
struct Field {
  std::string_view text;
  std::string_view label;  // the header as written, or the YAML key
  int line = 0;
  int column = 0;
  bool present = false;
};

// Ids and names to catalogue positions. Keys view the catalogue's own strings, which outlive
// the checker; a name shared by several entries maps to kAmbiguous, which no position is
// (negative ones are spending).
using NameMap = std::unordered_map<std::string_view, int32_t>;
constexpr int32_t kAmbiguous = std::numeric_limits<int32_t>::min();

// In characters: a reason or an action is a paragraph, a reporter a person's name.
constexpr size_t kMaxNote = 500;
constexpr size_t kMaxReporter = 64;

void AddName(NameMap& map, std::string_view name, int32_t position) {
  auto [entry, added] = map.emplace(name, position);
  if (!added && entry->second != position) entry->second = kAmbiguous;
}

struct RawRow {
  Field project, indicator, period, value, reason_category, reason, action, likelihood, reporter;
  int line = 0;
};

// Whether `value` is kAmbiguousFactor times `reference` or more, or that fraction of it or less.
bool FarOff(double value, double reference) {
  const double ratio = value / reference;
  return ratio <= 1 / kAmbiguousFactor || ratio >= kAmbiguousFactor;
}

class ReportChecker {
 public:
  ReportChecker(const std::string& file_name, const Catalog& catalog, Date today,
                Diagnostics& diagnostics)
      : file_(file_name), catalog_(catalog), today_(today), diagnostics_(diagnostics) {
    projects_.reserve(catalog.projects.size() * 2);
    for (uint32_t p = 0; p < catalog.projects.size(); ++p) {
      AddName(projects_, catalog.projects[p].id, static_cast<int32_t>(p));
      AddName(projects_, catalog.projects[p].name, static_cast<int32_t>(p));
    }
    indicator_maps_.resize(catalog.projects.size());
  }

  // A checker for another part of the same file, on another thread: the same file, catalogue
  // and date, its own diagnostics and state.
  ReportChecker Sibling(Diagnostics& diagnostics) const {
    return ReportChecker(file_, catalog_, today_, diagnostics);
  }

  // Takes the values `part_checker` found in a later part of the same file as if this checker
  // had read them: their notes and reporters renumbered into `submission`'s.
  void Absorb(const ReportChecker& part_checker, Submission&& part, Submission& submission) {
    const auto notes_before = static_cast<uint32_t>(submission.notes.size());
    std::vector<uint16_t> reporters(part.reporters.size(), 0);
    for (size_t r = 1; r < part.reporters.size(); ++r) {
      reporters[r] = InternReporter(std::move(part.reporters[r]), submission);
    }
    std::move(part.notes.begin(), part.notes.end(), std::back_inserter(submission.notes));
    for (CheckedValue value : part.values) {
      if (value.notes != 0) value.notes += notes_before;
      value.reporter = reporters[value.reporter];
      submission.values.push_back(value);
    }
    submission.skipped_rows += part.skipped_rows;
    years_.insert(part_checker.years_.begin(), part_checker.years_.end());
  }

  // A workbook's sheets, by their position; problems are then placed as Sheet!C7 in the sheet
  // set last (none: the whole file).
  void SetSheetNames(std::vector<std::string> names) { sheet_names_ = std::move(names); }
  void SetSheet(std::optional<size_t> sheet) { sheet_ = sheet; }

  void Error(int line, int column, const std::string& chinese, const std::string& english) {
    ErrorIn(sheet_, line, column, chinese, english);
  }
  void FieldError(const Field& field, const std::string& chinese, const std::string& english) {
    const std::string label = QuoteExcerpt(field.label);
    Error(field.line, field.column, label + ": " + chinese, label + ": " + english);
  }

  void Check(const RawRow& row, Submission& submission) {
    if (!row.value.present || Trim(row.value.text).empty()) {
      ++submission.skipped_rows;  // a template row the manager left empty
      return;
    }
    CheckedValue value;
    value.line = static_cast<uint32_t>(row.line);
    value.sheet = static_cast<uint16_t>(sheet_.value_or(0));
    bool ok = ResolveProject(row.project, value) && ResolveIndicator(row.indicator, value);
    ok = CheckPeriod(row.period, value) && ok;
    if (!ok) return;
    if (value_label_.empty()) value_label_ = row.value.label;
    if (!CheckValue(row.value, value)) return;
    ValueNotes notes;
    if (!CheckNotes(row, notes)) return;
    if (!notes.empty()) {
      submission.notes.push_back(std::move(notes));
      value.notes = static_cast<uint32_t>(submission.notes.size());
    }
    if (row.reporter.present && !Trim(row.reporter.text).empty()) {
      value.reporter = InternReporter(std::string(Trim(row.reporter.text)), submission);
    }
    submission.values.push_back(value);
  }

  // Values for the same indicator and period twice in one file are refused: which is meant?
  void CheckDuplicates(const Submission& submission) {
    if (!MayRepeat(submission)) return;
    std::vector<uint32_t> order(submission.values.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    auto key = [&](uint32_t i) {
      const CheckedValue& v = submission.values[i];
      return std::tuple(v.project, v.indicator, v.period.year, v.period.month, v.sheet, v.line);
    };
    auto before = [&](uint32_t a, uint32_t b) { return key(a) < key(b); };
    // Files list an indicator's periods together, usually already in this order.
    if (!std::is_sorted(order.begin(), order.end(), before)) {
      std::sort(order.begin(), order.end(), before);
    }
    for (size_t i = 1; i < order.size(); ++i) {
      const CheckedValue& a = submission.values[order[i - 1]];
      const CheckedValue& b = submission.values[order[i]];
      if (a.project != b.project || a.indicator != b.indicator || a.period != b.period) continue;
      const std::string first = std::to_string(a.line);
      const bool workbook = !sheet_names_.empty();
      const std::string where_chinese =
          workbook ? "工作表 " + QuoteExcerpt(sheet_names_[a.sheet]) + " 第" + first + "行"
                   : "第" + first + "行";
      const std::string where_english =
          workbook ? "row " + first + " of sheet " + QuoteExcerpt(sheet_names_[a.sheet])
                   : "line " + first;
      ErrorIn(workbook ? std::optional<size_t>(b.sheet) : std::nullopt, static_cast<int>(b.line), 0,
              "与" + where_chinese + "重复: 同一指标同一期间只能填一次",
              "repeats " + where_english + " (same indicator and period); keep one of them");
    }
  }

  // A file that gives a month's spending both as the total and by fund source must add up: the
  // rows are what counts, so a total that differs would be silently overruled.
  void CheckSpendingTotals(const Submission& submission) {
    struct Month {
      const CheckedValue* total = nullptr;
      double rows = 0;
      bool by_row = false;
    };
    std::map<std::tuple<uint32_t, int, int>, Month> months;
    for (const CheckedValue& value : submission.values) {
      if (value.indicator >= 0) continue;
      Month& month = months[{value.project, value.period.year, value.period.month}];
      if (value.indicator == -1) {
        month.total = &value;
      } else {
        month.rows += value.value;
        month.by_row = true;
      }
    }
    for (const auto& [key, month] : months) {
      // To the fen: the rows are typed with at most two decimals.
      if (!month.total || !month.by_row || std::abs(month.total->value - month.rows) < 0.005) {
        continue;
      }
      const std::string total = FormatNumber(month.total->value, 2);
      const std::string rows = FormatNumber(month.rows, 2);
      ErrorIn(sheet_names_.empty() ? std::nullopt : std::optional<size_t>(month.total->sheet),
              static_cast<int>(month.total->line), 0,
              "预算执行数合计 " + total + "元 与分来源执行数之和 " + rows +
                  "元 不符, 请改正其一或只填分来源",
              "the total spending " + total + " yuan is not the sum of the rows by fund source, " +
                  rows + " yuan; correct one, or give the rows alone");
    }
  }

  // Compares the bare numbers CheckMagnitude passed with the values in force before their months,
  // read kValuesBeforeBatch numbers at a time: a million-row file holds a few MB for it, not
  // a hundred. The problems are placed as CheckMagnitude's would be.
  void CompareWithBefore(const Submission& submission, const ValuesBefore& values_before) {
    std::vector<SeriesMonth> wanted;
    std::vector<const CheckedValue*> compared;
    const std::optional<size_t> sheet = sheet_;
    auto compare = [&] {
      if (wanted.empty()) return;
      const std::vector<std::optional<double>> before = values_before(wanted);
      for (size_t i = 0; i < compared.size() && i < before.size(); ++i) {
        // Most numbers are near their last month's: only a far one pays for its message's words.
        if (!before[i] || *before[i] <= 0 || !FarOff(compared[i]->value, *before[i])) continue;
        const CheckedValue& value = *compared[i];
        const std::string_view unit =
            value.indicator < 0 ? "元" : std::string_view(TargetOf(value)->unit);
        char number[32];
        const auto written = std::to_chars(number, number + sizeof number, value.value);
        const std::string_view text(number, static_cast<size_t>(written.ptr - number));
        if (!sheet_names_.empty()) sheet_ = value.sheet;
        const std::string_view label =
            value_label_.empty() ? std::string_view("完成值") : std::string_view(value_label_);
        const Field field{text, label, static_cast<int>(value.line), value.column, true};
        const Target* target = TargetOf(value);
        const std::string shown = target != nullptr ? FormatQuantity(*before[i], *target)
                                                    : FormatQuantity(*before[i], WanYuan());
        Ambiguous(field, text, value, unit, *before[i], "此前填报的 " + shown + " ",
                  "the value reported before, " + shown);
      }
      wanted.clear();
      compared.clear();
    };
    for (const CheckedValue& value : submission.values) {
      if (!value.bare) continue;
      wanted.push_back({value.project, value.indicator, value.period});
      compared.push_back(&value);
      if (wanted.size() == kValuesBeforeBatch) compare();
    }
    compare();
    sheet_ = sheet;
  }

  const std::set<int>& years() const { return years_; }

 private:
  void ErrorIn(std::optional<size_t> sheet, int line, int column, const std::string& chinese,
               const std::string& english) {
    if (sheet) {
      diagnostics_.ErrorInSheet(file_, sheet_names_[*sheet], static_cast<int>(*sheet), line, column,
                                chinese + " / " + english);
    } else {
      diagnostics_.Error(file_, line, column, chinese + " / " + english);
    }
  }

  static std::string Candidates(const std::vector<std::string>& ids) {
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
    return list;
  }

  bool ResolveProject(const Field& field, CheckedValue& value) {
    const std::string_view text = Trim(field.text);
    if (text.empty()) {
      FieldError(field, "没有填写项目", "the project is empty; write its id or its name");
      return false;
    }
    auto found = projects_.find(text);
    if (found == projects_.end()) {
      std::vector<std::string> ids;
      for (const auto& project : catalog_.projects) ids.push_back(project.id);
      FieldError(
          field, "找不到项目 " + QuoteExcerpt(text),
          "no project is called " + QuoteExcerpt(text) + " (projects: " + Candidates(ids) + ")");
      return false;
    }
    if (found->second == kAmbiguous) {
      std::vector<std::string> ids;
      for (const auto& project : catalog_.projects) {
        if (project.id == text || project.name == text) ids.push_back(project.id);
      }
      FieldError(field, "项目名称 " + QuoteExcerpt(text) + " 不唯一",
                 QuoteExcerpt(text) +
                     " matches several projects; write the id instead: " + Candidates(ids));
      return false;
    }
    value.project = static_cast<uint32_t>(found->second);
    return true;
  }

  const NameMap& IndicatorMap(uint32_t p) {
    auto& map = indicator_maps_[p];
    if (map.empty()) {
      const Project& project = catalog_.projects[p];
      for (int32_t i = 0; i < static_cast<int32_t>(project.indicators.size()); ++i) {
        AddName(map, project.indicators[i].id, i);
        AddName(map, project.indicators[i].name, i);
      }
      for (std::string_view spent : kSpentSpellings) map[spent] = -1;
      for (int row : project.BudgetedRows()) {
        map[kSpentBySourceIds[row]] = SpentBySourceIndex(row);
        map[kSpentBySourceNames[row]] = SpentBySourceIndex(row);
      }
    }
    return map;
  }

  bool ResolveIndicator(const Field& field, CheckedValue& value) {
    const std::string_view text = Trim(field.text);
    const Project& project = catalog_.projects[value.project];
    if (text.empty()) {
      FieldError(field, "没有填写指标", "the indicator is empty; write its id or its name");
      return false;
    }
    const auto& map = IndicatorMap(value.project);
    auto found = map.find(text);
    if (found == map.end() || found->second == kAmbiguous) {
      std::vector<std::string> ids;
      if (found == map.end()) {
        for (const auto& indicator : project.indicators) ids.push_back(indicator.id);
        ids.push_back("预算执行数");
        // As the template offers them: to a budget from several rows.
        if (const auto rows = project.BudgetedRows(); rows.size() > 1) {
          for (int row : rows) ids.emplace_back(kSpentBySourceNames[row]);
        }
        FieldError(field, "项目 " + project.id + " 没有指标 " + QuoteExcerpt(text),
                   "project " + project.id + " has no indicator " + QuoteExcerpt(text) +
                       " (indicators: " + Candidates(ids) + ")");
      } else {
        for (const auto& indicator : project.indicators) {
          if (indicator.id == text || indicator.name == text) ids.push_back(indicator.id);
        }
        FieldError(field, "指标名称 " + QuoteExcerpt(text) + " 不唯一",
                   QuoteExcerpt(text) +
                       " matches several indicators; write the id instead: " + Candidates(ids));
      }
      return false;
    }
    value.indicator = found->second;
    return true;
  }

  // False when no two values share an indicator and month: one bit per series and month, in
  // one pass, where sorting a million values to find the repeats their lines name took longer.
  bool MayRepeat(const Submission& submission) const {
    std::vector<size_t> first_slot(catalog_.projects.size());
    size_t slots = 0;
    for (size_t p = 0; p < catalog_.projects.size(); ++p) {
      first_slot[p] = slots;
      // Spending by source and in total, then the indicators.
      slots += catalog_.projects[p].indicators.size() + 1 + kFundRowCount;
    }
    std::vector<uint16_t> months_seen(slots);
    for (const CheckedValue& value : submission.values) {
      if (value.period.year != catalog_.year) return true;  // only the catalogue's year is taken
      uint16_t& seen = months_seen[first_slot[value.project] +
                                   static_cast<size_t>(value.indicator + 1 + kFundRowCount)];
      const auto month = static_cast<uint16_t>(1u << (value.period.month - 1));
      if ((seen & month) != 0) return true;
      seen |= month;
    }
    return false;
  }

  bool CheckPeriod(const Field& field, CheckedValue& value) {
    if (!field.present || Trim(field.text).empty()) {
      FieldError(field, "没有填写期间", "the period is empty; write the month, e.g. 2026-07");
      return false;
    }
    auto period = ParsePeriod(Trim(field.text));
    if (!period) {
      FieldError(field, QuoteExcerpt(field.text) + " 不是月份, 请写成 2026-07 或 2026年7月",
                 QuoteExcerpt(field.text) + " is not a month; write it as 2026-07 or 2026年7月");
      return false;
    }
    years_.insert(period->year);
    if (period->year != catalog_.year) {
      FieldError(field,
                 "期间 " + period->ToString() + " 不在 " + std::to_string(catalog_.year) + " 年度",
                 "period " + period->ToString() + " is not in the catalogue year " +
                     std::to_string(catalog_.year));
      return false;
    }
    if (*period > Period{today_.year, today_.month}) {
      FieldError(field, "期间 " + period->ToString() + " 还没到 (今天是 " + today_.ToString() + ")",
                 "period " + period->ToString() + " is in the future (today is " +
                     today_.ToString() + ")");
      return false;
    }
    value.period = *period;
    return true;
  }

  bool CheckValue(const Field& field, CheckedValue& value) {
    const std::string_view text = Trim(field.text);
    const bool spent = value.indicator < 0;
    const Indicator* indicator =
        spent ? nullptr : &catalog_.projects[value.project].indicators[value.indicator];
    const Target* target = spent ? nullptr : &indicator->annual_target;
    if (target != nullptr && target->kind == TargetKind::kQualitative) {
      const Grade grade = GradeOf(text);
      if (grade == Grade::kNone) {
        FieldError(field, "定性指标请填 达成、部分达成 或 未达成, 不能填 " + QuoteExcerpt(text),
                   "this qualitative indicator takes a grade: 达成, 部分达成 or 未达成 (not " +
                       QuoteExcerpt(text) + ")");
        return false;
      }
      value.grade = grade;
      return true;
    }
    auto quantity = ParseQuantity(text);
    if (!quantity.ok()) {
      if (GradeOf(text) != Grade::kNone) {
        FieldError(field, "定量指标请填数字, 不能填等级 " + QuoteExcerpt(text),
                   "this indicator takes a number, not the grade " + QuoteExcerpt(text));
      } else {
        FieldError(field,
                   QuoteExcerpt(text) + " 不是可用的数值，请核对后按 12、6.2万 这样的写法填写",
                   quantity.status().message());
      }
      return false;
    }
    const std::string_view expected_unit = spent ? "元" : std::string_view(target->unit);
    if (!quantity->unit.empty() && quantity->unit != expected_unit) {
      const std::string shown = expected_unit.empty() ? "no unit" : std::string(expected_unit);
      FieldError(field, "单位 " + QuoteExcerpt(quantity->unit) + " 与指标不符 (应为 " + shown + ")",
                 "the unit " + QuoteExcerpt(quantity->unit) + " does not fit this indicator (" +
                     shown + ")");
      return false;
    }
    if (quantity->value < 0) {
      FieldError(field, "完成值不能为负数", "the value cannot be negative");
      return false;
    }
    value.value = quantity->value;
    if (expected_unit == "%" && quantity->unit.empty()) {
      // A bare number for a rate: 96 means 96%, 0.96 is Excel's ratio; 1 could be either.
      if (value.value == 1) {
        FieldError(field, "1 可能是 100% 也可能是 1%, 请写上 %",
                   "1 could mean 100% or 1%; write it with a % sign");
        return false;
      }
      if (value.value > 1) value.value /= 100;
    }
    if (quantity->Bare() && !CheckMagnitude(field, text, value, expected_unit)) return false;
    if (expected_unit == "%" && value.value > 1 && !indicator->may_exceed_100_percent) {
      FieldError(field,
                 QuoteExcerpt(text) +
                     " 超过 100%; 若此比率确实可以超过 100%, 请在目录中设 may_exceed_100_percent",
                 QuoteExcerpt(text) +
                     " is more than 100%; if this rate really can exceed 100%, set "
                     "may_exceed_100_percent: true for the indicator in the catalogue");
      return false;
    }
    return true;
  }

  // A bare number is read in the indicator's unit; one a thousand times off what it is compared
  // with is more likely written in another scale (万元 for 元) than meant, so it is refused
  // naming both readings. A written unit or multiplier says which, and zero is zero in any.
  // One that passes is marked for CompareWithBefore, which needs the store.
  bool CheckMagnitude(const Field& field, std::string_view text, CheckedValue& value,
                      std::string_view unit) {
    if (unit.empty() || unit == "%" || value.value <= 0) return true;
    const Project& project = catalog_.projects[value.project];
    const Target* target = TargetOf(value);
    if (target != nullptr && target->value && *target->value > 0) {
      if (Ambiguous(field, text, value, unit, *target->value, "目标 " + target->text + " ",
                    "the target " + target->text)) {
        return false;
      }
    } else if (target == nullptr) {
      // Spending is compared with the budget it is spent from: the total's, or its row's.
      const FundSources& funds = project.FundsFor(value.period.month);
      const long long fen = value.indicator == -1
                                ? funds.total_fen
                                : funds.RowFen(kFundRows[SpentSourceRow(value.indicator)]);
      const double budget_yuan = static_cast<double>(fen) / 100;
      const std::string budget = FormatQuantity(budget_yuan, WanYuan());
      const bool adjusted = project.BudgetAdjustmentFor(value.period.month) != nullptr;
      const std::string which =
          value.indicator != -1
              ? std::string(FundRowName(kFundRows[SpentSourceRow(value.indicator)]))
          : adjusted ? "调整后"
                     : "年度";
      const std::string which_en =
          value.indicator != -1
              ? std::string(kSpentBySourceIds[SpentSourceRow(value.indicator)]).substr(6) + " row's"
          : adjusted ? "adjusted"
                     : "annual";
      if (fen > 0 &&
          Ambiguous(field, text, value, unit, budget_yuan, which + "预算 " + budget + " ",
                    "the " + which_en + " budget of " + budget)) {
        return false;
      }
    }
    value.bare = true;
    value.column = static_cast<uint16_t>(std::min(field.column, 0xffff));
    return true;
  }

  // The target in force for the value's month; null for budget spending.
  const Target* TargetOf(const CheckedValue& value) const {
    if (value.indicator < 0) return nullptr;
    return &catalog_.projects[value.project].indicators[value.indicator].TargetFor(
        value.period.month);
  }

  // Whether `text`, read as `value` in `unit`, is kAmbiguousFactor times off `reference`; when
  // it is, the problem is reported at `field` with both readings.
  bool Ambiguous(const Field& field, std::string_view text, const CheckedValue& value,
                 std::string_view unit, double reference, const std::string& chinese_reference,
                 const std::string& english_reference) {
    if (!FarOff(value.value, reference)) return false;
    const double ratio = value.value / reference;
    // A target names its own scale; budget tables publish amounts in 万元.
    const Target* target = TargetOf(value);
    std::string_view scale = target != nullptr ? WrittenMultiplier(target->text) : "";
    if (scale.empty()) scale = "万";
    const std::string as_read = std::string(text) + std::string(unit);
    const std::string head = std::string(text) + " 按 " + std::string(unit) + " 读是 " + as_read;
    const std::string confirm =
        "如果确实是 " + as_read + "，请写上单位「" + std::string(unit) + "」。";
    if (ratio < 1) {
      const std::string scaled = std::string(text) + std::string(scale) + std::string(unit);
      FieldError(field,
                 head + "，只有" + chinese_reference + "的 " + SharePercent(ratio) + "；如果是 " +
                     scaled + "，请写成 " + scaled + "；" + confirm,
                 QuoteExcerpt(text) + " read as " + as_read + " is " + SharePercent(ratio) +
                     " of " + english_reference + "; did you mean " + scaled +
                     "? Write the unit to say which.");
    } else {
      FieldError(field,
                 head + "，是" + chinese_reference + "的 " + FormatNumber(ratio, 0) +
                     " 倍；请核对数字，" + confirm,
                 QuoteExcerpt(text) + " read as " + as_read + " is " + FormatNumber(ratio, 0) +
                     " times " + english_reference +
                     "; check the figure, or write the unit to confirm it.");
    }
    return true;
  }

  // A small share as a percentage with two significant digits: 0.0053%, 0.05%.
  static std::string SharePercent(double ratio) {
    const double percent = ratio * 100;
    const int decimals = std::max(0, 1 - static_cast<int>(std::floor(std::log10(percent))));
    return FormatNumber(percent, decimals) + "%";
  }

  bool CheckChoice(const Field& field, const auto& choices, std::string& out,
                   std::string_view allowed) {
    const std::string_view text = Trim(field.text);
    if (!field.present || text.empty()) return true;
    auto choice = Choose(text, choices);
    if (!choice) {
      FieldError(field, QuoteExcerpt(text) + " 不是可选值 (" + std::string(allowed) + ")",
                 QuoteExcerpt(text) + " is not one of " + std::string(allowed));
      return false;
    }
    out = std::string(*choice);
    return true;
  }

  bool CheckNotes(const RawRow& row, ValueNotes& notes) {
    bool ok = CheckChoice(row.reason_category, kReasonCategories, notes.reason_category,
                          "经费, 制度, 人员, 硬件, 其他");
    ok =
        CheckChoice(row.likelihood, kLikelihoods, notes.likelihood, "确定能, 有可能, 完全不可能") &&
        ok;
    ok = CheckLength(row.reason, kMaxNote) && ok;
    ok = CheckLength(row.action, kMaxNote) && ok;
    ok = CheckLength(row.reporter, kMaxReporter) && ok;
    if (row.reason.present) notes.reason = std::string(Trim(row.reason.text));
    if (row.action.present) notes.action = std::string(Trim(row.action.text));
    return ok;
  }

  // Every value's notes are stored, shown on its project's page and in its history: a paragraph
  // is a reason, a cell of 64 KiB on every row is not.
  bool CheckLength(const Field& field, size_t max_characters) {
    if (!field.present) return true;
    const size_t characters = CharacterCount(Trim(field.text));
    if (characters <= max_characters) return true;
    const std::string limit = std::to_string(max_characters);
    FieldError(
        field, "太长: " + std::to_string(characters) + " 个字, 最多 " + limit + " 个字, 请缩短",
        "too long: " + std::to_string(characters) + " characters; shorten it to at most " + limit);
    return false;
  }

  uint16_t InternReporter(std::string name, Submission& submission) {
    auto found = reporter_ids_.find(name);
    if (found != reporter_ids_.end()) return found->second;
    if (submission.reporters.size() >= 65535) return 0;
    submission.reporters.push_back(name);
    const auto id = static_cast<uint16_t>(submission.reporters.size() - 1);
    reporter_ids_.emplace(std::move(name), id);
    return id;
  }

  const std::string& file_;
  const Catalog& catalog_;
  Date today_;
  std::set<int> years_;  // of the periods read, the catalogue's or not
  Diagnostics& diagnostics_;
  NameMap projects_;
  std::vector<NameMap> indicator_maps_;
  std::unordered_map<std::string, uint16_t> reporter_ids_;
  std::vector<std::string> sheet_names_;
  std::optional<size_t> sheet_;
  std::string value_label_;  // the value column's header, as first written
};

// What each column of a header row holds. Unknown and repeated columns are reported; the
// result is empty when the rows cannot be read (a required column missing or one repeated), but
// rows are still checked when only unknown columns are wrong, so the manager sees every problem
// at once. `line` is the header's line (or row).
// A blank header is an unknown column in a CSV file; in a workbook, an unused column.
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

// A project or period merged down its rows: a spreadsheet saves it as a CSV file (or a
// workbook without the merge) on the first row only, blank below. A blank cell takes the one
// above it; the first row's blank stays blank, and is reported.
class CarryDown {
 public:
  void Apply(RawRow& row) {
    Carry(row.project, project_);
    Carry(row.period, period_);
  }

 private:
  static void Carry(Field& field, std::string& above) {
    if (!field.present) return;
    if (!Trim(field.text).empty()) {
      above.assign(field.text);
    } else if (!above.empty()) {
      field.text = above;
    }
  }
  std::string project_, period_;
};

// Checks the records `reader` reads until it reaches `stop_at` (or the text's end, an error or
// the checker's limit of errors); calls `progressed` with the reader's offset every megabyte.
// Returns how many data rows it met.
size_t CheckCsvRecords(CsvReader& reader, size_t stop_at,
                       const std::vector<std::string_view>& header,
                       const std::map<Column, size_t>& columns, ReportChecker& checker,
                       Submission& submission, const std::function<void(size_t)>& progressed) {
  CsvRow row;
  size_t data_rows = 0;
  bool in_footer = false;
  CarryDown carry;
  size_t next_progress = reader.offset() + (1 << 20);
  while (reader.offset() < stop_at && reader.Next(row)) {
    if (row.fields.size() == 1 && Trim(row.fields[0]).empty()) continue;  // blank line
    // A signature footer (填报人：…) and the lines after it are not values; nor is a note.
    if (in_footer || IsFooterRow(row.fields)) {
      in_footer = true;
      continue;
    }
    if (IsNoteRow(row.fields)) continue;
    ++data_rows;
    if (row.fields.size() != header.size()) {
      checker.Error(row.line, 0,
                    "这一行有 " + std::to_string(row.fields.size()) + " 列, 表头有 " +
                        std::to_string(header.size()) + " 列",
                    "this row has " + std::to_string(row.fields.size()) +
                        " cells but the header has " + std::to_string(header.size()));
      continue;
    }
    RawRow raw = RowFrom(columns, header, row.fields, row.line);
    carry.Apply(raw);
    checker.Check(raw, submission);
    if (reader.offset() >= next_progress) {
      progressed(reader.offset());
      next_progress = reader.offset() + (1 << 20);
    }
  }
  return data_rows;
}

// Where a file's records may be split between two threads: the first line break after the
// middle that no quoted cell spans, found by counting quotes (a "" in a quoted cell counts
// twice). A quote inside an unquoted cell, which the reader keeps as text, throws the count
// off; the caller therefore takes the second part only when the first reader ends exactly here.
std::optional<size_t> SplitPoint(std::string_view text, size_t from) {
  const size_t middle = from + (text.size() - from) / 2;
  const auto quotes_before = std::count(text.begin() + static_cast<std::ptrdiff_t>(from),
                                        text.begin() + static_cast<std::ptrdiff_t>(middle), '"');
  bool quoted = quotes_before % 2 == 1;
  for (size_t pos = middle; pos + 1 < text.size(); ++pos) {
    if (text[pos] == '"') {
      quoted = !quoted;
    } else if (text[pos] == '\n' && !quoted) {
      return pos + 1;
    }
  }
  return std::nullopt;
}

// The first record from `from` on whose project and period cells are written (a blank one
// takes the cell above, which the second part would not know); nothing within 1000 records.
std::optional<size_t> SplitWithoutCarry(std::string_view text, size_t from,
                                        const std::map<Column, size_t>& columns,
                                        const CsvLimits& limits) {
  CsvReader reader(text.substr(from), limits);
  CsvRow row;
  for (int tried = 0; tried < 1000; ++tried) {
    const size_t start = from + reader.offset();
    if (!reader.Next(row)) return std::nullopt;
    const bool written = std::all_of(columns.begin(), columns.end(), [&](const auto& entry) {
      const auto& [column, index] = entry;
      if (column != Column::kProject && column != Column::kPeriod) return true;
      return index < row.fields.size() && !Trim(row.fields[index]).empty();
    });
    if (written) return start;
  }
  return std::nullopt;
}

void ParseCsvReport(std::string_view bytes, const std::string& file_name,
                    const ParseOptions& options, ReportChecker& checker, Submission& submission,
                    Diagnostics& diagnostics) {
  // UTF-8 (the common case) is read in place; other encodings are converted first.
  std::string converted;
  std::string_view text = bytes.starts_with("\xEF\xBB\xBF") ? bytes.substr(3) : bytes;
  if (options.encoding == TextEncoding::kGb18030 || !IsValidUtf8(text)) {
    int error_line = 0;
    auto decoded = DecodeText(bytes, options.encoding, &error_line);
    if (!decoded.ok()) {
      diagnostics.Error(file_name, error_line, 0, decoded.status().message());
      return;
    }
    converted = std::move(decoded).value();
    text = converted;
  }
  CsvReader reader(text, options.csv_limits);
  // The header is the first record naming a report column, below any title line; without one
  // in the first records, the first record is taken as the header, so its errors are told.
  TableLayout layout(IsReportHeader);
  CsvRow header_row;
  std::optional<std::pair<int, std::vector<std::string>>> first_record;
  while (!layout.found() && !layout.gave_up() && reader.Next(header_row)) {
    if (!first_record && !(header_row.fields.size() == 1 && Trim(header_row.fields[0]).empty())) {
      first_record.emplace(header_row.line, std::vector<std::string>(header_row.fields.begin(),
                                                                     header_row.fields.end()));
    }
    layout.Row(header_row.fields, header_row.line);
  }
  if (!reader.status().ok() || !first_record) {
    diagnostics.Error(file_name, reader.status().ok() ? 1 : reader.error_line(), 0,
                      reader.status().ok()
                          ? "文件是空的 / the file is empty; it needs a header row "
                            "(项目,指标,期间,完成值) and one row per value"
                          : reader.status().message());
    return;
  }
  if (!layout.found()) {
    // No header: the first record's cells, which name no column, are reported as unknown.
    const auto& [line, cells] = *first_record;
    MapHeader(std::vector<std::string_view>(cells.begin(), cells.end()), line, false, checker);
    return;
  }
  const int header_line = layout.header_line();
  const std::vector<std::string>& header_cells = layout.header();
  const std::vector<std::string_view> header(header_cells.begin(), header_cells.end());
  const auto columns = MapHeader(header, header_line, false, checker);
  if (!columns) return;
  const auto lines_in = [&](size_t from, size_t to) {
    return static_cast<size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(from),
                                          text.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
  };
  // A large file is checked on two threads, each reading half of its records. Only where the
  // reader's limit of rows cannot be reached: then one reader meets it, and names its line.
  const size_t lines = lines_in(0, text.size());
  std::optional<size_t> split = text.size() - reader.offset() >= options.split_from_bytes &&
                                        lines < options.csv_limits.max_rows &&
                                        std::thread::hardware_concurrency() > 1
                                    ? SplitPoint(text, reader.offset())
                                    : std::nullopt;
  // The second part starts on a row that carries nothing down from the first (CarryDown), so
  // both parts find what one reader would.
  if (split) split = SplitWithoutCarry(text, *split, *columns, options.csv_limits);
  const size_t first_part_end = split.value_or(text.size());
  // One value per line at most; the exact reservation spares a million-row file its regrowths.
  submission.values.reserve(lines + 1);
  std::atomic<size_t> second_part_done = 0;
  const auto report_progress = [&](size_t offset) {
    if (options.on_progress) options.on_progress(offset + second_part_done, text.size());
  };

  struct SecondPart {
    Diagnostics diagnostics;
    Submission submission;
    std::optional<ReportChecker> checker;
    size_t data_rows = 0;
    int first_line = 0;
    Status status;
    int error_line = 0;
  } second;
  std::future<void> second_checked;
  if (split) {
    second.first_line = reader.line() + static_cast<int>(lines_in(reader.offset(), *split));
    ReportChecker& second_checker = second.checker.emplace(checker.Sibling(second.diagnostics));
    second_checked = std::async(std::launch::async, [&] {
      second.submission.values.reserve(lines_in(*split, text.size()) + 1);
      CsvReader second_reader(text.substr(*split), options.csv_limits, second.first_line);
      second.data_rows =
          CheckCsvRecords(second_reader, text.size(), header, *columns, second_checker,
                          second.submission, [&](size_t offset) { second_part_done = offset; });
      second.status = second_reader.status();
      second.error_line = second_reader.error_line();
    });
  }
  size_t data_rows = CheckCsvRecords(reader, first_part_end, header, *columns, checker, submission,
                                     report_progress);
  if (split) {
    second_checked.get();
    const bool met =
        reader.status().ok() && reader.offset() == *split && reader.line() == second.first_line;
    if (met) {
      checker.Absorb(*second.checker, std::move(second.submission), submission);
      diagnostics.Append(second.diagnostics);
      data_rows += second.data_rows;
      if (!second.status.ok()) {
        diagnostics.Error(file_name, second.error_line, 0, second.status.message());
        return;
      }
    } else if (reader.status().ok()) {
      // The quotes misled the split: this reader reads on, the second part's findings unused.
      data_rows += CheckCsvRecords(reader, text.size(), header, *columns, checker, submission,
                                   report_progress);
    }
  }
  if (!reader.status().ok()) {
    diagnostics.Error(file_name, reader.error_line(), 0, reader.status().message());
    return;
  }
  if (data_rows == 0) {
    checker.Error(header_line, 0, "只有表头, 没有数据",
                  "the file has a header but no rows of values");
  }
}

// A cell's value as the CSV reader would have it written, by what its column holds: a rate
// shown as a percentage keeps its % (0.96 is 96%), a period shown as a date (or written as
// Excel's bare serial day number) becomes that date.
std::string CellText(const XlsxCell& cell, std::optional<Column> column, bool date1904) {
  switch (cell.kind) {
    case XlsxCell::Kind::kText:
    case XlsxCell::Kind::kError:
    case XlsxCell::Kind::kFormulaWithoutValue:
      return cell.text;
    case XlsxCell::Kind::kBoolean:
      return cell.number != 0 ? "TRUE" : "FALSE";
    case XlsxCell::Kind::kNumber:
      break;
  }
  if (column == Column::kPeriod) {
    // 36526..73050 are the days of 2000..2099: a serial, where 202607 is a month.
    const bool serial =
        cell.shown == XlsxCell::Shown::kDate || (cell.number >= 36526 && cell.number < 73051);
    if (auto date = serial ? DateFromSerial(cell.number, date1904) : std::nullopt)
      return date->ToString();
  }
  if (column == Column::kValue && cell.shown == XlsxCell::Shown::kPercent)
    return ExcelNumberText(cell.number * 100) + "%";
  return ExcelNumberText(cell.number);
}

void ParseXlsxReport(std::string_view bytes, const std::string& file_name,
                     const ParseOptions& options, ReportChecker& checker, Submission& submission,
                     Diagnostics& diagnostics) {
  auto workbook = ReadXlsx(bytes, options.xlsx_limits);
  if (!workbook.ok()) {
    diagnostics.Error(file_name, 0, 0, workbook.status().message());
    return;
  }
  std::vector<std::string> names;
  for (const auto& sheet : workbook->sheets) names.push_back(sheet.name);
  checker.SetSheetNames(std::move(names));
  size_t report_sheets = 0, data_rows = 0;
  for (size_t s = 0; s < workbook->sheets.size(); ++s) {
    XlsxSheet& sheet = workbook->sheets[s];
    if (sheet.hidden) continue;  // a template's lists, a unit's own working sheets
    // A project name merged down its rows is on each of them.
    FillMergedCells(sheet, options.xlsx_limits.max_cells);
    std::map<int, std::vector<const XlsxCell*>> rows;
    for (const auto& cell : sheet.cells) {
      if (cell.kind != XlsxCell::Kind::kText || !Trim(cell.text).empty())
        rows[cell.row].push_back(&cell);
    }
    if (rows.empty()) continue;
    const auto texts_of = [](const std::vector<const XlsxCell*>& cells) {
      std::vector<std::string> texts;
      for (const XlsxCell* cell : cells) {
        if (texts.size() < static_cast<size_t>(cell->column))
          texts.resize(static_cast<size_t>(cell->column));
        texts[static_cast<size_t>(cell->column - 1)] = CellText(*cell, std::nullopt, false);
      }
      return texts;
    };
    // The header is the first row naming a report column, below any title; a sheet with none
    // is not a report (notes, a cover sheet).
    TableLayout layout(IsReportHeader);
    std::vector<std::pair<int, const std::vector<const XlsxCell*>*>> data;
    for (const auto& [number, cells] : rows) {
      if (layout.gave_up()) break;
      const std::vector<std::string> texts = texts_of(cells);
      const std::vector<std::string_view> views(texts.begin(), texts.end());
      if (layout.Row(views, number) == TableLayout::RowKind::kData)
        data.push_back({number, &cells});
    }
    if (!layout.found()) continue;
    ++report_sheets;
    checker.SetSheet(s);
    const int header_row = layout.header_line();
    const std::vector<std::string>& header_texts = layout.header();
    const std::vector<std::string_view> header(header_texts.begin(), header_texts.end());
    data_rows += data.size();
    const auto columns = MapHeader(header, header_row, true, checker);
    if (!columns) continue;
    std::vector<std::optional<Column>> column_of(header.size());
    CarryDown carry;
    for (const auto& [column, index] : *columns) column_of[index] = column;
    for (const auto& row : data) {
      std::vector<std::string> texts(header.size());
      bool readable = true;
      for (const XlsxCell* cell : *row.second) {
        const auto index = static_cast<size_t>(cell->column - 1);
        if (index >= header.size() || Trim(header[index]).empty()) {
          readable = false;
          checker.Error(row.first, cell->column, "这一格不在任何列名之下, 请删除或为这一列加上列名",
                        "this cell is under no column name; delete it or name its column");
          continue;
        }
        if (!column_of[index]) continue;  // an informational column
        if (cell->kind == XlsxCell::Kind::kError) {
          readable = false;
          checker.Error(row.first, cell->column,
                        "公式的结果是错误 " + cell->text + ", 请修正公式或直接填写数值",
                        "the formula's result is the error " + cell->text +
                            "; correct the formula or type the value");
          continue;
        }
        if (cell->kind == XlsxCell::Kind::kFormulaWithoutValue) {
          readable = false;
          checker.Error(row.first, cell->column,
                        "公式没有保存计算结果, 请在 Excel、WPS 或 LibreOffice 中打开后保存",
                        "the formula was saved without its result; open the file in Excel, WPS "
                        "or LibreOffice and save it again");
          continue;
        }
        texts[index] = CellText(*cell, column_of[index], workbook->date1904);
      }
      if (!readable) continue;
      const std::vector<std::string_view> cells(texts.begin(), texts.end());
      RawRow raw = RowFrom(*columns, header, cells, row.first);
      carry.Apply(raw);
      checker.Check(raw, submission);
    }
  }
  checker.SetSheet(std::nullopt);
  if (report_sheets == 0) {
    checker.Error(0, 0,
                  "没有找到填报表: 表头 (标题下的第一行) 应写明列名 项目, 指标, 期间, 完成值; "
                  "可下载本月的填报模板填写",
                  "no sheet is a report: its header row (below any title) names the columns "
                  "项目, 指标, 期间, 完成值 (or project, indicator, period, value); the month's "
                  "template has them");
  } else if (data_rows == 0) {
    checker.Error(0, 0, "只有表头, 没有数据", "the workbook has a header but no rows of values");
  }
}

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

}  // namespace

std::string Submission::MainReporter() const {
  std::vector<size_t> counts(reporters.size(), 0);
  for (const auto& value : values) ++counts[value.reporter];
  size_t best = 0;  // "" unless some value names a reporter
  for (size_t i = 1; i < counts.size(); ++i) {
    if (counts[i] > (best == 0 ? 0 : counts[best])) best = i;
  }
  return reporters[best];
}

std::optional<Period> ParsePeriod(std::string_view raw) {
  const std::string folded = FoldFullWidth(raw);
  std::string_view text = folded;
  size_t pos = 0;
  // Reads 1 to `max` digits at pos.
  auto number = [&](size_t max) -> std::optional<int> {
    int value = 0;
    size_t digits = 0;
    while (pos < text.size() && digits < max && text[pos] >= '0' && text[pos] <= '9') {
      value = value * 10 + (text[pos++] - '0');
      ++digits;
    }
    return digits == 0 ? std::nullopt : std::optional<int>(value);
  };
  auto literal = [&](std::string_view expected) {
    if (!text.substr(pos).starts_with(expected)) return false;
    pos += expected.size();
    return true;
  };
  std::optional<int> year, month, day;
  const bool all_digits = text.find_first_not_of("0123456789") == std::string_view::npos;
  if (text.size() == 6 && all_digits) {  // 202607
    year = number(4);
    month = number(2);
  } else {
    year = number(4);
    if (!year || pos != 4) return std::nullopt;
    if (literal("年")) {
      month = number(2);
      if (!literal("月")) return std::nullopt;
    } else {
      for (std::string_view separator : {"-", "/", "."}) {
        if (!literal(separator)) continue;
        month = number(2);
        if (pos < text.size() && (separator != "." && literal(separator))) {
          day = number(2);
          if (!day) return std::nullopt;
        }
        break;
      }
    }
  }
  if (!year || !month || pos != text.size()) return std::nullopt;
  if (*year < 2000 || *year > 2100 || *month < 1 || *month > 12) return std::nullopt;
  if (day && (*day < 1 || *day > DaysInMonth(*year, *month))) return std::nullopt;
  return Period{*year, *month};
}

Submission ParseReport(std::string_view bytes, ReportFormat format, const std::string& file_name,
                       const Catalog& catalog, Date today, const ParseOptions& options,
                       Diagnostics& diagnostics) {
  Submission submission;
  ReportChecker checker(file_name, catalog, today, diagnostics);
  if (format != ReportFormat::kXlsx && bytes.find('\0') != std::string_view::npos) {
    // A workbook under a .csv name (or posted as CSV) is read once it is named for what it is.
    diagnostics.Error(
        file_name, 0, 0,
        bytes.starts_with("PK\x03\x04")
            ? "这是 Excel 工作簿, 请以 .xlsx 为扩展名提交 / this is an Excel workbook, "
              "not a CSV file; give it the .xlsx extension (or post it with "
              "?format=xlsx)"
            : "这不是文本文件 / this is not a text file (it contains binary data); "
              "save the report as CSV or YAML, or send a workbook as .xlsx");
    return submission;
  }
  if (format == ReportFormat::kCsv) {
    ParseCsvReport(bytes, file_name, options, checker, submission, diagnostics);
  } else if (format == ReportFormat::kXlsx) {
    ParseXlsxReport(bytes, file_name, options, checker, submission, diagnostics);
  } else {
    ParseYamlReport(bytes, file_name, checker, submission, diagnostics);
  }
  // Among the rows that passed, even when others did not: one pass names every problem.
  checker.CheckDuplicates(submission);
  checker.CheckSpendingTotals(submission);
  if (options.values_before) checker.CompareWithBefore(submission, options.values_before);
  diagnostics.SortByPlace();
  submission.years.assign(checker.years().begin(), checker.years().end());
  return submission;
}

std::function<StoredValueView(size_t)> StoredValues(const Submission& submission,
                                                    const Catalog& catalog) {
  return [&submission, &catalog](size_t i) {
    const CheckedValue& value = submission.values[i];
    const Project& project = catalog.projects[value.project];
    StoredValueView view;
    view.project_id = project.id;
    view.indicator_id = value.indicator == -1 ? kSpentIndicator
                        : value.indicator < 0
                            ? kSpentBySourceIds[SpentSourceRow(value.indicator)]
                            : std::string_view(project.indicators[value.indicator].id);
    view.period = value.period;
    if (value.grade == Grade::kNone) view.value = value.value;
    view.grade = GradeName(value.grade);
    if (value.notes > 0) {
      const ValueNotes& notes = submission.notes[value.notes - 1];
      view.reason_category = notes.reason_category;
      view.reason = notes.reason;
      view.action = notes.action;
      view.likelihood = notes.likelihood;
    }
    view.reporter = submission.reporters[value.reporter];
    return view;
  };
}

std::vector<std::string_view> ReasonCategoryChoices() {
  return Canonical(kReasonCategories, [](const Choice& choice) { return choice.canonical; });
}

std::vector<std::string_view> LikelihoodChoices() {
  return Canonical(kLikelihoods, [](const Choice& choice) { return choice.canonical; });
}

std::vector<std::string_view> GradeChoices() {
  return Canonical(kGrades, [](const auto& entry) { return GradeName(entry.second); });
}

}  // namespace ptmon
