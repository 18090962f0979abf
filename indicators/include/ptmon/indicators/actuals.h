// The reported values evaluation works on, held in memory by series (project × indicator) so
// that a whole catalogue is evaluated without touching the database, and a new batch updates
// only the series it reports.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <ptmon/indicators/catalog.h>

namespace ptmon {

// Qualitative attainment (定性指标) as the national system accepts it on import.
enum class Grade : uint8_t { kNone, kAchieved, kPartlyAchieved, kNotAchieved };
std::string_view GradeName(Grade grade);     // 达成, 部分达成, 未达成, ""
Grade GradeFromName(std::string_view name);  // the Chinese names only; kNone otherwise
// A grade as a number, as ptmon_indicator_grade exposes it and the store keeps it folded:
// 1 达成, 2 部分达成, 3 未达成, 0 none. Both are published, so the numbers never change.
int GradeCode(Grade grade);
Grade GradeFromCode(int code);  // kNone for any other number

// "YYYY-MM": the month a value is reported for.
struct Period {
  int year = 0;
  int month = 0;
  auto operator<=>(const Period&) const = default;
  std::string ToString() const;
};

inline constexpr std::string_view kSpentIndicator = "spent";  // budget spending, yuan, YTD

// Budget spending by the self-evaluation table's fund-source rows (kFundRows order), yuan, year
// to date, for managers who report it by source; their sum is then the project's spending. As
// stored, and as report rows write them: the id or the Chinese name.
inline constexpr std::string_view kSpentBySourceIds[kFundRowCount] = {
    "spent_fiscal", "spent_special_account", "spent_unit", "spent_other"};
inline constexpr std::string_view kSpentBySourceNames[kFundRowCount] = {
    "财政资金执行数", "财政专户管理资金执行数", "单位资金执行数", "其他资金执行数"};
// The series index of a row's spending (see SeriesKey), and back: the row of an index below -1.
constexpr int32_t SpentBySourceIndex(int row) { return -2 - row; }
constexpr int SpentSourceRow(int32_t index) { return -2 - index; }

// The manager's explanation of a deviation.
struct ValueNotes {
  std::string reason_category;  // 经费保障, 制度保障, 人员保障, 硬件条件保障, 其他
  std::string reason;
  std::string action;
  std::string likelihood;  // 确定能, 有可能, 完全不可能
  bool empty() const {
    return reason_category.empty() && reason.empty() && action.empty() && likelihood.empty();
  }
};

// The latest revision of one period's value; compact, as there may be millions.
struct ReportedValue {
  Period period;
  double value = 0;  // base units; meaningless when grade is set
  Grade grade = Grade::kNone;
  uint32_t notes = 0;  // 1 + index into the index's notes; 0 when none
};

// Indexes positions in the catalogue: indicator -1 is the project's budget spending, -2 to -5
// its spending by fund-source row (SpentBySourceIndex).
struct SeriesKey {
  uint32_t project = 0;
  int32_t indicator = -1;
};

// Not thread-safe; the daemon builds a new index (or updates a copy) and swaps it in.
class ActualsIndex {
 public:
  // The index views the catalogue's ids: the catalogue must outlive it, so a temporary is
  // refused at compile time.
  explicit ActualsIndex(const Catalog& catalog);
  explicit ActualsIndex(Catalog&&) = delete;

  // Records a value as the latest for its series and period. Values of projects or indicators
  // the catalogue does not have, and of another year than the catalogue's, are ignored (they
  // stay in the store): a store holding last year's values serves this year's catalogue with
  // the same ids, and December's year-to-date total is not January's progress. Returns the
  // series when the value was taken.
  std::optional<SeriesKey> Apply(std::string_view project_id, std::string_view indicator_id,
                                 Period period, std::optional<double> value, Grade grade,
                                 const ValueNotes& notes);
  // The series of a project and indicator id; nothing when the catalogue lacks them.
  std::optional<SeriesKey> Find(std::string_view project_id, std::string_view indicator_id) const;
  // As above, for a series already found; returns whether the value was taken.
  bool Apply(SeriesKey key, Period period, std::optional<double> value, Grade grade,
             const ValueNotes& notes);
  // Whether the series has a value for exactly this period.
  bool Has(SeriesKey key, Period period) const;

  // The value of the latest period at or before `period`, if any.
  const ReportedValue* LatestAtOrBefore(SeriesKey key, Period period) const;
  const std::vector<ReportedValue>& Values(SeriesKey key) const;
  // Shared and immutable: an evaluation (and every snapshot holding it) owns what it points to,
  // however the index grows or is replaced afterwards. Null when the report had none.
  std::shared_ptr<const ValueNotes> Notes(const ReportedValue& value) const;
  size_t size() const { return size_; }
  int year() const { return year_; }  // the catalogue's: the only one whose values it takes

 private:
  size_t Slot(SeriesKey key) const {
    return offsets_[key.project] + static_cast<size_t>(key.indicator + 1 + kFundRowCount);
  }

  int year_ = 0;
  std::unordered_map<std::string_view, uint32_t> projects_;
  std::vector<std::unordered_map<std::string_view, int32_t>> indicators_;
  // First slot of each project: its spending by source (last row first), its spending, then its
  // indicators.
  std::vector<size_t> offsets_;
  std::vector<std::vector<ReportedValue>> series_;
  std::vector<std::shared_ptr<const ValueNotes>> notes_;
  size_t size_ = 0;
};

}  // namespace ptmon
