// The checks every report goes through, whatever it was written in: the readers of CSV, XLSX
// and YAML (and the console's form) turn their rows into RawRows of Fields that say where each
// text stands, and one ReportChecker resolves and checks them against the catalogue, reporting
// every problem at its field's place. Internal to ptmon_ingest.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <ptmon/base/location.h>
#include <ptmon/base/text.h>
#include <ptmon/ingest/actuals.h>

namespace ptmon::checking {

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

// The column a header cell names (case and spaces do not matter); nothing for other text.
std::optional<Column> ColumnFor(std::string_view header);
// A report's header names at least one of its columns (a title or a note names none).
bool IsReportHeader(const std::vector<std::string_view>& cells);

// A field of a report row: its text and where it stands.
struct Field {
  std::string_view text;
  std::string_view label;  // the header as written, or the YAML key
  int line = 0;
  int column = 0;
  bool present = false;
};

struct RawRow {
  Field project, indicator, period, value, reason_category, reason, action, likelihood, reporter;
  int line = 0;
};

// A written choice and the national system's word for it.
struct Choice {
  std::string_view written;
  std::string_view canonical;
};

// Ids and names to catalogue positions. Keys view the catalogue's own strings, which outlive
// the checker; a name shared by several entries maps to kAmbiguous, which no position is
// (negative ones are spending).
using NameMap = std::unordered_map<std::string_view, int32_t>;

class ReportChecker {
 public:
  ReportChecker(const std::string& file_name, const Catalog& catalog, Date today,
                Diagnostics& diagnostics);

  // A checker for another part of the same file, on another thread: the same file, catalogue
  // and date, its own diagnostics and state.
  ReportChecker Sibling(Diagnostics& diagnostics) const;

  // Takes the values `part_checker` found in a later part of the same file as if this checker
  // had read them: their notes and reporters renumbered into `submission`'s.
  void Absorb(const ReportChecker& part_checker, Submission&& part, Submission& submission);

  // A workbook's sheets, by their position; problems are then placed as Sheet!C7 in the sheet
  // set last (none: the whole file).
  void SetSheetNames(std::vector<std::string> names) { sheet_names_ = std::move(names); }
  void SetSheet(std::optional<size_t> sheet) { sheet_ = sheet; }
  // Rows that are not a file's (a form's) label each value by its own box: `labels[line - 1]`
  // names the value on `line` in the problems found once every row is read.
  void SetValueLabels(std::vector<std::string> labels) { value_labels_ = std::move(labels); }

  void Error(int line, int column, const std::string& chinese, const std::string& english);
  void FieldError(const Field& field, const std::string& chinese, const std::string& english);

  void Check(const RawRow& row, Submission& submission);

  // Values for the same indicator and period twice in one file are refused: which is meant?
  void CheckDuplicates(const Submission& submission);

  // A file that gives a month's spending both as the total and by fund source must add up: the
  // rows are what counts, so a total that differs would be silently overruled.
  void CheckSpendingTotals(const Submission& submission);

  // Compares the bare numbers CheckMagnitude passed with the values in force before their months,
  // read kValuesBeforeBatch numbers at a time: a million-row file holds a few MB for it, not
  // a hundred. The problems are placed as CheckMagnitude's would be.
  void CompareWithBefore(const Submission& submission, const ValuesBefore& values_before);

  const std::set<int>& years() const { return years_; }

 private:
  void ErrorIn(std::optional<size_t> sheet, int line, int column, const std::string& chinese,
               const std::string& english);

  static std::string Candidates(const std::vector<std::string>& ids);

  bool ResolveProject(const Field& field, CheckedValue& value);

  const NameMap& IndicatorMap(uint32_t p);

  bool ResolveIndicator(const Field& field, CheckedValue& value);

  // False when no two values share an indicator and month: one bit per series and month, in
  // one pass, where sorting a million values to find the repeats their lines name took longer.
  bool MayRepeat(const Submission& submission) const;

  bool CheckPeriod(const Field& field, CheckedValue& value);

  bool CheckValue(const Field& field, CheckedValue& value);

  // A bare number is read in the indicator's unit; one a thousand times off what it is compared
  // with is more likely written in another scale (万元 for 元) than meant, so it is refused
  // naming both readings. A written unit or multiplier says which, and zero is zero in any.
  // One that passes is marked for CompareWithBefore, which needs the store.
  bool CheckMagnitude(const Field& field, std::string_view text, CheckedValue& value,
                      std::string_view unit);

  // The target in force for the value's month; null for budget spending.
  const Target* TargetOf(const CheckedValue& value) const;

  // Whether `text`, read as `value` in `unit`, is kAmbiguousFactor times off `reference`; when
  // it is, the problem is reported at `field` with both readings.
  bool Ambiguous(const Field& field, std::string_view text, const CheckedValue& value,
                 std::string_view unit, double reference, const std::string& chinese_reference,
                 const std::string& english_reference);

  // A small share as a percentage with two significant digits: 0.0053%, 0.05%.
  static std::string SharePercent(double ratio);

  bool CheckChoice(const Field& field, std::span<const Choice> choices, std::string& out,
                   std::string_view allowed);

  bool CheckNotes(const RawRow& row, ValueNotes& notes);

  // Every value's notes are stored, shown on its project's page and in its history: a paragraph
  // is a reason, a cell of 64 KiB on every row is not.
  bool CheckLength(const Field& field, size_t max_characters);

  uint16_t InternReporter(std::string name, Submission& submission);

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
  std::vector<std::string> value_labels_;
};

// What each column of a header row holds. Unknown and repeated columns are reported; the
// result is empty when the rows cannot be read (a required column missing or one repeated), but
// rows are still checked when only unknown columns are wrong, so the manager sees every problem
// at once. `line` is the header's line (or row).
// A blank header is an unknown column in a CSV file; in a workbook, an unused column.
std::optional<std::map<Column, size_t>> MapHeader(const std::vector<std::string_view>& header,
                                                  int line, bool blank_is_unused,
                                                  ReportChecker& checker);

// The row's fields by the columns MapHeader found; an id written in a template's hidden id
// column wins over the visible name beside it.
RawRow RowFrom(const std::map<Column, size_t>& columns, const std::vector<std::string_view>& header,
               const std::vector<std::string_view>& cells, int line);

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

// The readers of each format: every row they read goes to `checker`.
void ParseCsvReport(std::string_view bytes, const std::string& file_name,
                    const ParseOptions& options, ReportChecker& checker, Submission& submission,
                    Diagnostics& diagnostics);
void ParseXlsxReport(std::string_view bytes, const std::string& file_name,
                     const ParseOptions& options, ReportChecker& checker, Submission& submission,
                     Diagnostics& diagnostics);
void ParseYamlReport(std::string_view bytes, const std::string& file_name, ReportChecker& checker,
                     Submission& submission, Diagnostics& diagnostics);

}  // namespace ptmon::checking
