// The year replay's oracle: the catalogue as `ptmon catalog --format json` prints it, and every
// figure computed from ../shared/reference/monitoring-rules.md by the test itself — never by
// calling ptmon's evaluator. Internal to year_replay.cc.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ptmon::testing_support::replay {

using Json = nlohmann::json;

// --- the catalogue, as the oracle reads it from `ptmon catalog --format json` -----------------

struct OracleIndicator {
  std::string id, level1, kind, unit;
  std::optional<double> target;
  bool strict = false;  // ＜ or ＞
  bool year_to_date = false;
  std::vector<double> pace;  // 12 shares; empty: N/12
  std::string frequency;
  int due_day = 10;
  std::optional<double> weight;
};

struct OracleProject {
  std::string id, unit;
  double annual_yuan = 0;
  std::vector<double> spending_plan;  // 12 cumulative shares; empty: N/12
  std::vector<OracleIndicator> indicators;
};

struct OracleCatalog {
  int year = 0;
  std::vector<OracleProject> projects;
};

inline std::string Text(const Json& object, const char* key) {
  return object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : "";
}

inline OracleCatalog ParseCatalog(const Json& json) {
  OracleCatalog catalog;
  catalog.year = json["year"];
  for (const auto& p : json["projects"]) {
    OracleProject project;
    project.id = p["id"];
    project.unit = Text(p, "unit");
    project.annual_yuan = p["annual_funds_yuan"];
    if (p["spending_plan"].is_array()) {
      project.spending_plan = p["spending_plan"].get<std::vector<double>>();
    }
    for (const auto& i : p["indicators"]) {
      OracleIndicator indicator;
      indicator.id = i["id"];
      indicator.level1 = i["level1"];
      indicator.kind = i["target"]["kind"];
      indicator.unit = Text(i["target"], "unit");
      if (i["target"]["value"].is_number()) indicator.target = i["target"]["value"].get<double>();
      const std::string op = Text(i["target"], "op");
      indicator.strict = op == "<" || op == ">";
      indicator.year_to_date = i["accumulate"] == "ytd";
      if (i["pace"].is_array()) indicator.pace = i["pace"].get<std::vector<double>>();
      indicator.frequency = Text(i["report"], "frequency");
      indicator.due_day = i["report"]["due_day"];
      if (i["weight"].is_number()) indicator.weight = i["weight"].get<double>();
      project.indicators.push_back(std::move(indicator));
    }
    catalog.projects.push_back(std::move(project));
  }
  return catalog;
}

// --- the rules ---------------------------------------------------------------------------------

// Light codes as ptmon_indicator_light documents them; a larger code is worse.
enum Light { kGreen = 0, kBlue = 1, kNoData = 2, kYellow = 3, kOverdue = 4, kRed = 5 };
inline const char* LightName(int light) {
  static const char* names[] = {"green", "blue", "no_data", "yellow", "overdue", "red"};
  return names[light];
}

struct Day {
  int year, month, day;
  auto operator<=>(const Day&) const = default;
  std::string ToString() const {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
    return text;
  }
};

inline double Cents(double value) { return std::round(value * 100) / 100; }

inline bool IsReportMonth(const std::string& frequency, int month) {
  if (frequency == "quarterly") return month % 3 == 0;
  if (frequency == "annual") return month == 12;
  return true;
}

// The report for `month` is due on `due_day` of the next month; past due once today is later.
inline bool PastDue(int year, int month, int due_day, Day today) {
  const Day due = month == 12 ? Day{year + 1, 1, due_day} : Day{year, month + 1, due_day};
  return today > due;
}

struct Reported {
  double value = 0;
  std::string grade;
  std::string reason, action;
};

struct OracleStatus {
  int light = kNoData;
  bool overdue = false;
  std::optional<int> month;
  std::optional<double> actual, expected, progress, forecast;
  std::string grade;
  double weight = 0, score = 0;
  std::string reason, action;
};

struct OracleBudget {
  int light = kNoData;
  bool overdue = false;
  std::optional<double> spent, execution, ratio, forecast;
  double score = 0;
};

struct OracleProjectStatus {
  int light = kNoData;
  OracleBudget budget;
  std::vector<OracleStatus> indicators;
  double score = 0;
  std::string grade;
};

using Series = std::map<int, Reported>;  // by month

class Oracle {
 public:
  void SetCatalog(OracleCatalog catalog) { catalog_ = std::move(catalog); }
  const OracleCatalog& catalog() const { return catalog_; }

  void Record(const std::string& project, const std::string& indicator, int month, Reported value) {
    series_[{project, indicator}][month] = std::move(value);
  }

  std::vector<OracleProjectStatus> Evaluate(int as_of, Day today) const {
    std::vector<OracleProjectStatus> out;
    for (const auto& project : catalog_.projects)
      out.push_back(EvaluateProject(project, as_of, today));
    return out;
  }

  // The alerts ptmon should hold firing after this evaluation, with the rules' hysteresis.
  void UpdateAlerts(const std::vector<OracleProjectStatus>& evaluation) {
    for (size_t p = 0; p < evaluation.size(); ++p) {
      const OracleProject& project = catalog_.projects[p];
      const OracleProjectStatus& status = evaluation[p];
      bool any_overdue = status.budget.overdue;
      for (size_t i = 0; i < status.indicators.size(); ++i) {
        const int light = status.indicators[i].light;
        const std::string& id = project.indicators[i].id;
        const bool good = light == kGreen || light == kBlue;
        // One severity per light: each hands over to the other.
        Set({"PtmonIndicatorBehind", "warning", project.id, id}, light == kYellow,
            good || light == kRed);
        Set({"PtmonIndicatorBehind", "critical", project.id, id}, light == kRed,
            good || light == kYellow);
        Set({"PtmonTargetFarExceeded", "info", project.id, id}, light == kBlue, light != kBlue);
        any_overdue = any_overdue || status.indicators[i].overdue;
      }
      Set({"PtmonReportOverdue", "warning", project.id, ""}, any_overdue, !any_overdue);
      const int budget = status.budget.light;
      const bool budget_good = budget == kGreen || budget == kBlue;
      Set({"PtmonBudgetExecutionLagging", "warning", project.id, ""}, budget == kYellow,
          budget_good || budget == kRed);
      Set({"PtmonBudgetExecutionLagging", "critical", project.id, ""}, budget == kRed,
          budget_good || budget == kYellow);
    }
  }
  using AlertKey = std::array<std::string, 4>;  // alertname, severity, project, indicator
  const std::set<AlertKey>& firing() const { return firing_; }

 private:
  void Set(const AlertKey& key, bool raise, bool clear) {
    if (raise)
      firing_.insert(key);
    else if (clear)
      firing_.erase(key);
  }

  const Reported* Latest(const std::string& project, const std::string& indicator, int as_of,
                         int* month) const {
    auto found = series_.find({project, indicator});
    if (found == series_.end()) return nullptr;
    auto after = found->second.upper_bound(as_of);
    if (after == found->second.begin()) return nullptr;
    --after;
    *month = after->first;
    return &after->second;
  }

  bool Overdue(std::optional<int> latest, const std::string& frequency, int as_of, int due_day,
               Day today) const {
    for (int month = as_of; month >= 1; --month) {
      if (!IsReportMonth(frequency, month) || !PastDue(catalog_.year, month, due_day, today))
        continue;
      return !latest || *latest < month;
    }
    return false;
  }

  OracleStatus EvaluateIndicator(const OracleProject& project, const OracleIndicator& indicator,
                                 int as_of, Day today) const {
    OracleStatus status;
    int month = 0;
    const Reported* latest = Latest(project.id, indicator.id, as_of, &month);
    if (latest) status.month = month;
    status.overdue = Overdue(status.month, indicator.frequency, as_of, indicator.due_day, today);
    if (!latest) {
      status.light = status.overdue ? kOverdue : kNoData;
      return status;
    }
    status.reason = latest->reason;
    status.action = latest->action;
    if (indicator.kind == "qualitative") {
      status.grade = latest->grade;
      status.light = latest->grade == "达成"       ? kGreen
                     : latest->grade == "部分达成" ? kYellow
                                                   : kRed;
    } else {
      const double target = *indicator.target;
      const double actual = latest->value;
      status.actual = actual;
      if (indicator.year_to_date) {
        const double share = indicator.pace.empty() ? month / 12.0 : indicator.pace[month - 1];
        status.expected = target * share;
        status.forecast = share > 0 ? actual / share : std::max(actual, target);
      } else {
        status.expected = target;
        status.forecast = actual;
      }
      if (*status.expected > 0) status.progress = actual / *status.expected;
      if (indicator.kind == "reverse") {
        const bool breaks = indicator.strict ? actual >= target : actual > target;
        status.light = breaks ? kRed : kGreen;
      } else if (status.progress) {
        const double percent = *status.progress * 100;
        status.light = percent < 60    ? kRed
                       : percent < 80  ? kYellow
                       : percent < 120 ? kGreen
                                       : kBlue;
      } else {
        status.light = kGreen;
      }
    }
    if (status.overdue) status.light = std::max(status.light, static_cast<int>(kOverdue));
    return status;
  }

  OracleBudget EvaluateBudget(const OracleProject& project, int as_of, Day today) const {
    OracleBudget budget;
    int month = 0;
    const Reported* latest = Latest(project.id, "spent", as_of, &month);
    budget.overdue =
        Overdue(latest ? std::optional<int>(month) : std::nullopt, "monthly", as_of, 10, today);
    if (!latest) {
      budget.light = budget.overdue ? kOverdue : kNoData;
      return budget;
    }
    // The spending plan's share; the forecast stops at the budget, or at what was spent past it.
    const double share =
        project.spending_plan.empty() ? month / 12.0 : project.spending_plan[month - 1];
    const double spent = latest->value;
    budget.spent = spent;
    budget.forecast = share > 0 ? std::max(spent, std::min(spent / share, project.annual_yuan))
                                : std::max(spent, project.annual_yuan);
    budget.execution = spent / project.annual_yuan;
    if (share > 0) {
      budget.ratio = *budget.execution / share;
      const double percent = *budget.ratio * 100;
      budget.light = percent < 60 ? kRed : percent < 80 ? kYellow : kGreen;
    } else {
      budget.light = kGreen;
    }
    if (budget.overdue) budget.light = std::max(budget.light, static_cast<int>(kOverdue));
    return budget;
  }

  // 财预〔2020〕10号 weights (budget 10, 产出 50, 效益 30, 满意度 10) split in cents by
  // largest remainder, scores to cents, the total the sum of the printed scores.
  void Score(const OracleProject& project, OracleProjectStatus& status, bool year_end) const {
    std::map<std::string, double> group = {{"产出指标", 50}, {"效益指标", 30}, {"满意度指标", 10}};
    std::map<std::string, int> count, unweighted;
    std::map<std::string, double> fixed;
    auto group_of = [&](const OracleIndicator& indicator) {
      return group.count(indicator.level1) ? indicator.level1 : std::string("产出指标");
    };
    for (const auto& indicator : project.indicators) {
      const std::string g = group_of(indicator);
      ++count[g];
      if (indicator.weight)
        fixed[g] += *indicator.weight;
      else
        ++unweighted[g];
    }
    if (count["满意度指标"] == 0) group["效益指标"] += std::exchange(group["满意度指标"], 0);
    if (count["效益指标"] == 0) group["产出指标"] += std::exchange(group["效益指标"], 0);
    if (count["产出指标"] == 0) group["效益指标"] += std::exchange(group["产出指标"], 0);
    std::map<std::string, long long> base, extra;
    for (const auto& [g, weight] : group) {
      if (unweighted[g] == 0) continue;
      const long long cents = std::llround(std::max(weight - fixed[g], 0.0) * 100);
      base[g] = cents / unweighted[g];
      extra[g] = cents % unweighted[g];
    }
    long long total_cents = 0;
    for (size_t i = 0; i < project.indicators.size(); ++i) {
      const OracleIndicator& indicator = project.indicators[i];
      OracleStatus& s = status.indicators[i];
      const std::string g = group_of(indicator);
      if (indicator.weight) {
        s.weight = *indicator.weight;
      } else {
        s.weight = static_cast<double>(base[g] + (extra[g] > 0 ? 1 : 0)) / 100;
        if (extra[g] > 0) --extra[g];
      }
      double score = 0;
      if (indicator.kind == "qualitative") {
        const double share = s.grade == "达成"       ? 1.0
                             : s.grade == "部分达成" ? 0.8
                             : s.grade.empty()       ? 0
                                                     : 0.6;
        score = share * s.weight;
      } else if (auto b = year_end ? s.actual : s.forecast) {
        const double actual = std::max(*b, 0.0), target = *indicator.target, w = s.weight;
        if (indicator.kind == "reverse") {
          score = target <= 0           ? (actual <= 0 ? w : 0)
                  : actual <= target    ? w
                  : actual < 2 * target ? (1 - (actual - target) / target) * w
                                        : 0;
        } else {
          score = target <= 0        ? (indicator.kind == "equal" && actual > 0 ? 0 : w)
                  : actual >= target ? w
                                     : actual / target * w;
        }
      }
      s.score = std::min(Cents(score), s.weight);
      total_cents += std::llround(s.score * 100);
    }
    const auto spent = year_end ? status.budget.spent : status.budget.forecast;
    status.budget.score =
        spent ? std::min(Cents(std::max(*spent, 0.0) / project.annual_yuan * 10), 10.0) : 0;
    total_cents += std::llround(status.budget.score * 100);
    status.score = static_cast<double>(total_cents) / 100;
    status.grade = status.score >= 90   ? "优"
                   : status.score >= 80 ? "良"
                   : status.score >= 60 ? "中"
                                        : "差";
  }

  OracleProjectStatus EvaluateProject(const OracleProject& project, int as_of, Day today) const {
    OracleProjectStatus status;
    status.budget = EvaluateBudget(project, as_of, today);
    status.light = status.budget.light;
    for (const auto& indicator : project.indicators) {
      status.indicators.push_back(EvaluateIndicator(project, indicator, as_of, today));
      status.light = std::max(status.light, status.indicators.back().light);
    }
    // December is final once its reports are due (the 10th of January).
    Score(project, status, as_of == 12 && PastDue(catalog_.year, 12, 10, today));
    return status;
  }

  OracleCatalog catalog_;
  std::map<std::pair<std::string, std::string>, Series> series_;
  std::set<AlertKey> firing_;
};

}  // namespace ptmon::testing_support::replay
