#include "report_checker.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <tuple>

#include <ptmon/base/text.h>

namespace ptmon::checking {

namespace {

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

// The tables' written forms are normalised already (NormalizeKey leaves them as they are), so a
// cell written exactly as listed, the common case, is matched without normalising it.
std::optional<std::string_view> Choose(std::string_view text, std::span<const Choice> choices) {
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

constexpr int32_t kAmbiguous = std::numeric_limits<int32_t>::min();

// In characters: a reason or an action is a paragraph, a reporter a person's name.
constexpr size_t kMaxNote = 500;
constexpr size_t kMaxReporter = 64;

void AddName(NameMap& map, std::string_view name, int32_t position) {
  auto [entry, added] = map.emplace(name, position);
  if (!added && entry->second != position) entry->second = kAmbiguous;
}

// Whether `value` is kAmbiguousFactor times `reference` or more, or that fraction of it or less.
bool FarOff(double value, double reference) {
  const double ratio = value / reference;
  return ratio <= 1 / kAmbiguousFactor || ratio >= kAmbiguousFactor;
}

}  // namespace

ReportChecker::ReportChecker(const std::string& file_name, const Catalog& catalog, Date today,
                             Diagnostics& diagnostics)
    : file_(file_name), catalog_(catalog), today_(today), diagnostics_(diagnostics) {
  projects_.reserve(catalog.projects.size() * 2);
  for (uint32_t p = 0; p < catalog.projects.size(); ++p) {
    AddName(projects_, catalog.projects[p].id, static_cast<int32_t>(p));
    AddName(projects_, catalog.projects[p].name, static_cast<int32_t>(p));
  }
  indicator_maps_.resize(catalog.projects.size());
}

ReportChecker ReportChecker::Sibling(Diagnostics& diagnostics) const {
  return ReportChecker(file_, catalog_, today_, diagnostics);
}

void ReportChecker::Absorb(const ReportChecker& part_checker, Submission&& part,
                           Submission& submission) {
  const auto notes_before = static_cast<uint32_t>(submission.notes.size());
  std::vector<uint16_t> reporters(part.reporters.size(), 0);
  for (size_t r = 1; r < part.reporters.size(); ++r) {
    reporters[r] = InternReporter(std::move(part.reporters[r]), submission);
  }
  std::move(part.notes.begin(), part.notes.end(), std::back_inserter(submission.notes));
  // Copied whole, then renumbered only where the numbering differs: a province's file has half a
  // million values here, most without notes or a reporter of their own.
  const size_t first = submission.values.size();
  submission.values.insert(submission.values.end(), part.values.begin(), part.values.end());
  bool same_reporters = true;
  for (size_t r = 0; r < reporters.size(); ++r)
    same_reporters = same_reporters && reporters[r] == r;
  for (size_t i = first; (notes_before != 0 || !same_reporters) && i < submission.values.size();
       ++i) {
    CheckedValue& value = submission.values[i];
    if (value.notes != 0) value.notes += notes_before;
    value.reporter = reporters[value.reporter];
  }
  submission.skipped_rows += part.skipped_rows;
  years_.insert(part_checker.years_.begin(), part_checker.years_.end());
}

void ReportChecker::Error(int line, int column, const std::string& chinese,
                          const std::string& english) {
  ErrorIn(sheet_, line, column, chinese, english);
}

void ReportChecker::FieldError(const Field& field, const std::string& chinese,
                               const std::string& english) {
  const std::string label = QuoteExcerpt(field.label);
  Error(field.line, field.column, label + ": " + chinese, label + ": " + english);
}

void ReportChecker::Check(const RawRow& row, Submission& submission) {
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

void ReportChecker::CheckDuplicates(const Submission& submission) {
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

void ReportChecker::CheckSpendingTotals(const Submission& submission) {
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

void ReportChecker::CompareWithBefore(const Submission& submission,
                                      const ValuesBefore& values_before) {
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
      const std::string_view label = value.line >= 1 && value.line <= value_labels_.size()
                                         ? std::string_view(value_labels_[value.line - 1])
                                     : value_label_.empty() ? std::string_view("完成值")
                                                            : std::string_view(value_label_);
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

void ReportChecker::ErrorIn(std::optional<size_t> sheet, int line, int column,
                            const std::string& chinese, const std::string& english) {
  if (sheet) {
    diagnostics_.ErrorInSheet(file_, sheet_names_[*sheet], static_cast<int>(*sheet), line, column,
                              chinese + " / " + english);
  } else {
    diagnostics_.Error(file_, line, column, chinese + " / " + english);
  }
}

std::string ReportChecker::Candidates(const std::vector<std::string>& ids) {
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
  return list;
}

bool ReportChecker::ResolveProject(const Field& field, CheckedValue& value) {
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
    FieldError(
        field, "项目名称 " + QuoteExcerpt(text) + " 不唯一",
        QuoteExcerpt(text) + " matches several projects; write the id instead: " + Candidates(ids));
    return false;
  }
  value.project = static_cast<uint32_t>(found->second);
  return true;
}

const NameMap& ReportChecker::IndicatorMap(uint32_t p) {
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

bool ReportChecker::ResolveIndicator(const Field& field, CheckedValue& value) {
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

bool ReportChecker::MayRepeat(const Submission& submission) const {
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

bool ReportChecker::CheckPeriod(const Field& field, CheckedValue& value) {
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
    FieldError(
        field, "期间 " + period->ToString() + " 还没到 (今天是 " + today_.ToString() + ")",
        "period " + period->ToString() + " is in the future (today is " + today_.ToString() + ")");
    return false;
  }
  value.period = *period;
  return true;
}

bool ReportChecker::CheckValue(const Field& field, CheckedValue& value) {
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
      FieldError(field, QuoteExcerpt(text) + " 不是可用的数值，请核对后按 12、6.2万 这样的写法填写",
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

bool ReportChecker::CheckMagnitude(const Field& field, std::string_view text, CheckedValue& value,
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
        value.indicator != -1 ? std::string(FundRowName(kFundRows[SpentSourceRow(value.indicator)]))
        : adjusted            ? "调整后"
                              : "年度";
    const std::string which_en =
        value.indicator != -1
            ? std::string(kSpentBySourceIds[SpentSourceRow(value.indicator)]).substr(6) + " row's"
        : adjusted ? "adjusted"
                   : "annual";
    if (fen > 0 && Ambiguous(field, text, value, unit, budget_yuan, which + "预算 " + budget + " ",
                             "the " + which_en + " budget of " + budget)) {
      return false;
    }
  }
  value.bare = true;
  value.column = static_cast<uint16_t>(std::min(field.column, 0xffff));
  return true;
}

const Target* ReportChecker::TargetOf(const CheckedValue& value) const {
  if (value.indicator < 0) return nullptr;
  return &catalog_.projects[value.project].indicators[value.indicator].TargetFor(
      value.period.month);
}

bool ReportChecker::Ambiguous(const Field& field, std::string_view text, const CheckedValue& value,
                              std::string_view unit, double reference,
                              const std::string& chinese_reference,
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
               QuoteExcerpt(text) + " read as " + as_read + " is " + SharePercent(ratio) + " of " +
                   english_reference + "; did you mean " + scaled +
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

std::string ReportChecker::SharePercent(double ratio) {
  const double percent = ratio * 100;
  const int decimals = std::max(0, 1 - static_cast<int>(std::floor(std::log10(percent))));
  return FormatNumber(percent, decimals) + "%";
}

bool ReportChecker::CheckChoice(const Field& field, std::span<const Choice> choices,
                                std::string& out, std::string_view allowed) {
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

bool ReportChecker::CheckNotes(const RawRow& row, ValueNotes& notes) {
  bool ok = CheckChoice(row.reason_category, kReasonCategories, notes.reason_category,
                        "经费, 制度, 人员, 硬件, 其他");
  ok = CheckChoice(row.likelihood, kLikelihoods, notes.likelihood, "确定能, 有可能, 完全不可能") &&
       ok;
  ok = CheckLength(row.reason, kMaxNote) && ok;
  ok = CheckLength(row.action, kMaxNote) && ok;
  ok = CheckLength(row.reporter, kMaxReporter) && ok;
  if (row.reason.present) notes.reason = std::string(Trim(row.reason.text));
  if (row.action.present) notes.action = std::string(Trim(row.action.text));
  return ok;
}

bool ReportChecker::CheckLength(const Field& field, size_t max_characters) {
  if (!field.present) return true;
  const size_t characters = CharacterCount(Trim(field.text));
  if (characters <= max_characters) return true;
  const std::string limit = std::to_string(max_characters);
  FieldError(
      field, "太长: " + std::to_string(characters) + " 个字, 最多 " + limit + " 个字, 请缩短",
      "too long: " + std::to_string(characters) + " characters; shorten it to at most " + limit);
  return false;
}

uint16_t ReportChecker::InternReporter(std::string name, Submission& submission) {
  auto found = reporter_ids_.find(name);
  if (found != reporter_ids_.end()) return found->second;
  if (submission.reporters.size() >= 65535) return 0;
  submission.reporters.push_back(name);
  const auto id = static_cast<uint16_t>(submission.reporters.size() - 1);
  reporter_ids_.emplace(std::move(name), id);
  return id;
}

}  // namespace ptmon::checking

namespace ptmon {

std::vector<std::string_view> ReasonCategoryChoices() {
  return checking::Canonical(checking::kReasonCategories,
                             [](const checking::Choice& choice) { return choice.canonical; });
}

std::vector<std::string_view> LikelihoodChoices() {
  return checking::Canonical(checking::kLikelihoods,
                             [](const checking::Choice& choice) { return choice.canonical; });
}

std::vector<std::string_view> GradeChoices() {
  return checking::Canonical(checking::kGrades,
                             [](const auto& entry) { return GradeName(entry.second); });
}

}  // namespace ptmon
