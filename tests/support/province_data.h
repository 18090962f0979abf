// Data shaped like a province's, for the benchmarks and the tests of what they measure: the
// embedded catalogue (山西省社会保险局's ten projects, their Chinese names and published targets)
// repeated N times with ids of real length (`building-maintenance-00042`), and ten months of
// values as managers write them.
#pragma once

#include <string>

#include <ptmon/indicators/catalog.h>

namespace ptmon::testing_support {

// "-00042": the suffix copy 42 gives every project id.
std::string Copy(int copy);

// The embedded catalogue's text with its projects repeated: every `  - id: X` of a project
// becomes `  - id: X-00042` in copy 42; comments, names and targets stay as published.
std::string ProvinceCatalog(int copies);

// How a report is written. `lean`: the four columns people type (project, indicator, period,
// value); otherwise also reason, action, likelihood and reporter, a reason on every tenth row.
// `bad_year`: each value drawn between 30% and 120% of what its target asks by then (a grade
// to match for qualitative indicators), so most indicators are behind; otherwise every value
// is on target.
struct ReportShape {
  bool lean = false;
  bool bad_year = false;
};

// Ten months of every indicator and the spending of every project of `copies` copies of
// `catalog` (the embedded one): two decimals, units on some, rates as percentages, grades for
// qualitative indicators. `revision` changes every value.
// `first_copy` numbers the first of them: a province's report in files of ptmon's largest size
// is written a thousand copies to a file.
void WriteReport(const std::string& path, const Catalog& catalog, int copies, int revision,
                 ReportShape shape = {}, int first_copy = 1);

// `text` (a ProvinceCatalog) with one approved edit of the kind a unit makes during the year:
// the unit's stated total raised by `variant` yuan and a 绩效目标调整 of the repair time of copy
// `variant`'s building-maintenance project (≤24小时 to ≤12小时 from July).
std::string EditedCatalog(std::string text, int variant);

// A budget system's 项目支出绩效目标表 export of `copies` copies of `catalog` (the embedded one),
// as `ptmon import` reads it: one CSV row per indicator, the project's cells (unit,
// department, name, attribute, funds in 元, goal) repeated on each, the target spread over
// 指标性质, 指标值 and 度量单位, with weights and directions; project names get the copy's suffix.
// Returns its size.
size_t WriteTargetTableExport(const std::string& path, const Catalog& catalog, int copies);

}  // namespace ptmon::testing_support
