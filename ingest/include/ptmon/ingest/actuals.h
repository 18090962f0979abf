// Reading a monthly report (CSV, YAML, an .xlsx workbook, or the console form's rows) into values
// checked against the catalogue. The whole file is checked before anything is applied; every
// problem is reported with its place, in Chinese and English, in words a project manager can act
// on.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/clock.h>
#include <ptmon/base/location.h>
#include <ptmon/indicators/actuals.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/storage/store.h>
#include <ptmon/tables/csv.h>
#include <ptmon/tables/xlsx.h>

namespace ptmon {

// One checked value, kept compact because a file may hold millions.
struct CheckedValue {
  uint32_t project = 0;  // index into Catalog::projects
  // Index into Project::indicators; -1 is budget spending, -2 to -5 its fund-source rows
  // (SpentBySourceIndex).
  int32_t indicator = -1;
  Period period;
  double value = 0;  // base units; unused when grade is set
  Grade grade = Grade::kNone;
  bool bare = false;    // written without unit or 万/亿/千 (and not a rate)
  uint16_t column = 0;  // of the value, for a problem found once the file is read
  uint32_t line = 0;
  uint32_t notes = 0;     // 1 + index into Submission::notes; 0 when none
  uint16_t reporter = 0;  // index into Submission::reporters (0 is "")
  uint16_t sheet = 0;     // a workbook's sheet the line (row) is on
};

struct Submission {
  std::vector<CheckedValue> values;
  std::vector<ValueNotes> notes;
  std::vector<std::string> reporters{""};
  int skipped_rows = 0;  // template rows left empty
  // The years of the periods the file names, ascending, also when they are not the
  // catalogue's: a file for another year is checked again against that year's catalogue.
  std::vector<int> years;
  // The reporter named most often, for the batch record.
  std::string MainReporter() const;
};

// A value's series and month, as CheckedValue names them.
struct SeriesMonth {
  uint32_t project = 0;
  int32_t indicator = -1;
  Period period;
};

// For each of `wanted`, the number in force for its series before its month: the latest stored
// for an earlier month of the same year, in base units; nullopt when none is (or it cannot be
// read: the comparison is then not made). Called after every row of a file is read, with the
// months of exactly the bare numbers that passed the comparison with their target, in file
// order, at most kValuesBeforeBatch at a time: once for all but the largest files.
using ValuesBefore =
    std::function<std::vector<std::optional<double>>(const std::vector<SeriesMonth>& wanted)>;
inline constexpr size_t kValuesBeforeBatch = 1 << 16;

// A bare number (no unit, no 万/亿/千) this many times larger or smaller than what it is compared
// with — the target, the annual budget for spending, the value in force before — is refused as
// ambiguous: "10.5" for "≤20万元" may be 10.5元 or 10.5万元.
inline constexpr double kAmbiguousFactor = 1000;

struct ParseOptions {
  TextEncoding encoding = TextEncoding::kAuto;
  CsvLimits csv_limits;
  XlsxLimits xlsx_limits;
  // A CSV file's records beyond this many bytes are checked on two threads (when there are two
  // cores), with the same findings as on one.
  size_t split_from_bytes = 1 << 20;
  std::function<void(size_t done_bytes, size_t total_bytes)> on_progress;
  // When set, bare numbers are also compared with the value in force before their period.
  ValuesBefore values_before;
  // When set, called once on ParseReport's thread when every row has been read and checked on
  // its own, before the checks of the report as a whole (duplicates, spending totals, values
  // before); from then on the submission's values, notes and reporters stay as they are, so
  // another thread may read them meanwhile (an ingest prepares the rows it will write).
  std::function<void(const Submission& read)> once_rows_read;
};

enum class ReportFormat { kCsv, kYaml, kXlsx };

// Checks a whole report against the catalogue; `today` decides which periods lie in the future.
// Problems go to `diagnostics` (file name as given); the submission is meaningful only when
// there are none.
Submission ParseReport(std::string_view bytes, ReportFormat format, const std::string& file_name,
                       const Catalog& catalog, Date today, const ParseOptions& options,
                       Diagnostics& diagnostics);
// The same, into `submission` (empty), which the caller owns: what once_rows_read started may go
// on reading it after ParseReport returns.
void ParseReport(std::string_view bytes, ReportFormat format, const std::string& file_name,
                 const Catalog& catalog, Date today, const ParseOptions& options,
                 Diagnostics& diagnostics, Submission& submission);

// A report's row that was never a file: the console's 填报 form. `project`, `indicator` (ids or
// published names) and `period` are the row's; `cells` are what a person typed, each with the
// words that name its box ("「设备维护数量」的完成值"), which lead its problems' messages.
enum class ReportRowColumn { kValue, kReasonCategory, kReason, kAction, kLikelihood };
struct ReportRowCell {
  std::string text;
  std::string label;
};
struct ReportRow {
  std::string project, indicator, period;
  std::array<ReportRowCell, 5> cells;  // by ReportRowColumn
  std::string reporter;
};

// Checks rows as ParseReport checks a file's, with the same checks and messages. A problem is
// placed at line = the row's number (1-based) and column = its cell's ReportRowColumn + 1, or
// column 0 for the row's project, indicator, period or reporter (line 0: the whole report);
// `source` stands where a file's name would.
Submission CheckReportRows(const std::vector<ReportRow>& rows, const std::string& source,
                           const Catalog& catalog, Date today, const ParseOptions& options,
                           Diagnostics& diagnostics);

// The values of a checked submission in the form the store writes.
std::function<StoredValueView(size_t)> StoredValues(const Submission& submission,
                                                    const Catalog& catalog);

// Parses "2026-07", "2026-7", "2026/07", "2026年7月", "202607", "2026/7/1" (a date counts for its
// month); nothing for anything else.
std::optional<Period> ParsePeriod(std::string_view text);

// The choices a report's columns take, in the words the national system uses (each is also
// accepted in a few other spellings): 偏差原因 categories, 完成可能性, and the grades of
// qualitative indicators. For templates' dropdowns.
std::vector<std::string_view> ReasonCategoryChoices();
std::vector<std::string_view> LikelihoodChoices();
std::vector<std::string_view> GradeChoices();

}  // namespace ptmon
