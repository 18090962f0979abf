#include <algorithm>
#include <cstdio>

#include <ptmon/indicators/actuals.h>

namespace ptmon {

std::string_view GradeName(Grade grade) {
  switch (grade) {
    case Grade::kAchieved:
      return "达成";
    case Grade::kPartlyAchieved:
      return "部分达成";
    case Grade::kNotAchieved:
      return "未达成";
    case Grade::kNone:
      return "";
  }
  return "";
}

Grade GradeFromName(std::string_view name) {
  for (Grade grade : {Grade::kAchieved, Grade::kPartlyAchieved, Grade::kNotAchieved}) {
    if (GradeName(grade) == name) return grade;
  }
  return Grade::kNone;
}

int GradeCode(Grade grade) {
  switch (grade) {
    case Grade::kAchieved:
      return 1;
    case Grade::kPartlyAchieved:
      return 2;
    case Grade::kNotAchieved:
      return 3;
    case Grade::kNone:
      return 0;
  }
  return 0;
}

Grade GradeFromCode(int code) {
  for (Grade grade : {Grade::kAchieved, Grade::kPartlyAchieved, Grade::kNotAchieved}) {
    if (GradeCode(grade) == code) return grade;
  }
  return Grade::kNone;
}

std::string Period::ToString() const {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", year, month);
  return text;
}

ActualsIndex::ActualsIndex(const Catalog& catalog) : year_(catalog.year) {
  indicators_.resize(catalog.projects.size());
  size_t slots = 0;
  for (uint32_t p = 0; p < catalog.projects.size(); ++p) {
    const Project& project = catalog.projects[p];
    projects_.emplace(project.id, p);
    offsets_.push_back(slots);
    indicators_[p].emplace(kSpentIndicator, -1);
    for (int row = 0; row < kFundRowCount; ++row) {
      indicators_[p].emplace(kSpentBySourceIds[row], SpentBySourceIndex(row));
    }
    for (int32_t i = 0; i < static_cast<int32_t>(project.indicators.size()); ++i) {
      indicators_[p].emplace(project.indicators[i].id, i);
    }
    slots += project.indicators.size() + 1 + kFundRowCount;
  }
  series_.resize(slots);
}

std::optional<SeriesKey> ActualsIndex::Find(std::string_view project_id,
                                            std::string_view indicator_id) const {
  auto project = projects_.find(project_id);
  if (project == projects_.end()) return std::nullopt;
  auto indicator = indicators_[project->second].find(indicator_id);
  if (indicator == indicators_[project->second].end()) return std::nullopt;
  return SeriesKey{project->second, indicator->second};
}

std::optional<SeriesKey> ActualsIndex::Apply(std::string_view project_id,
                                             std::string_view indicator_id, Period period,
                                             std::optional<double> value, Grade grade,
                                             const ValueNotes& notes) {
  const auto key = Find(project_id, indicator_id);
  if (!key || !Apply(*key, period, value, grade, notes)) return std::nullopt;
  return key;
}

bool ActualsIndex::Apply(SeriesKey key, Period period, std::optional<double> value, Grade grade,
                         const ValueNotes& notes) {
  if (period.year != year_) return false;
  ReportedValue reported{period, value.value_or(0), grade, 0};
  if (!notes.empty()) {
    notes_.push_back(std::make_shared<const ValueNotes>(notes));
    reported.notes = static_cast<uint32_t>(notes_.size());
  }
  auto& values = series_[Slot(key)];
  // A series holds at most the year's twelve months: one allocation, not five while it grows.
  if (values.capacity() == 0) values.reserve(12);
  // Values mostly arrive in period order, so the common case is an append.
  auto at = std::lower_bound(values.begin(), values.end(), period,
                             [](const ReportedValue& v, Period p) { return v.period < p; });
  if (at != values.end() && at->period == period) {
    *at = reported;
  } else {
    values.insert(at, reported);
    ++size_;
  }
  return true;
}

bool ActualsIndex::Has(SeriesKey key, Period period) const {
  const auto& values = series_[Slot(key)];
  auto at = std::lower_bound(values.begin(), values.end(), period,
                             [](const ReportedValue& v, Period p) { return v.period < p; });
  return at != values.end() && at->period == period;
}

const ReportedValue* ActualsIndex::LatestAtOrBefore(SeriesKey key, Period period) const {
  const auto& values = series_[Slot(key)];
  auto after = std::upper_bound(values.begin(), values.end(), period,
                                [](Period p, const ReportedValue& v) { return p < v.period; });
  return after == values.begin() ? nullptr : &*(after - 1);
}

const std::vector<ReportedValue>& ActualsIndex::Values(SeriesKey key) const {
  return series_[Slot(key)];
}

std::shared_ptr<const ValueNotes> ActualsIndex::Notes(const ReportedValue& value) const {
  return value.notes == 0 ? nullptr : notes_[value.notes - 1];
}

}  // namespace ptmon
