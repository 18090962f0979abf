// Turning a unit's published target tables into a catalogue: the 项目支出绩效目标表 of a
// 部门预算公开 document (its extracted text) or the tabular export of a budget system (CSV or
// XLSX rows). What page extraction breaks is repaired where the repair is certain (a doubled
// cell, a name cut in one column and whole in the other, a row repeated across a page break),
// and recorded as a repair; whatever cannot be decided is kept for a person to review, with
// the source line, and never guessed silently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/status.h>

namespace ptmon {

// A remark for the person reviewing the catalogue: `line` is the source's line (or row).
struct ImportRemark {
  int line = 0;
  std::string text;
};

struct ImportedIndicator {
  std::string level1, level2, name, target;
  std::optional<double> weight;
  bool usable = true;  // false: written commented out until its review is done
  int line = 0;
  std::vector<ImportRemark> repairs;  // what was mended, for the record
  std::vector<ImportRemark> reviews;  // what a person must decide
};

// Amounts in fen; absent where the source does not give them.
struct ImportedFunds {
  std::optional<long long> total, central, provincial, city_county, self_raised, other;
};

struct ImportedProject {
  std::string source;  // the input it came from: remarks' lines are in it
  std::string name, department, implementing_unit, attribute;
  std::optional<int> period_years;
  ImportedFunds period_funds, annual_funds;
  std::string period_goal, annual_goal;
  std::vector<ImportedIndicator> indicators;
  int line = 0;
  std::vector<ImportRemark> repairs, reviews;
};

struct ImportedCatalog {
  std::string source;  // the input's name, for the header and the remarks
  std::string unit_name, unit_code;
  std::optional<int> year;
  std::vector<ImportedProject> projects;
  std::vector<ImportRemark> reviews;  // about the unit or the document as a whole
};

// The target tables in the text of a 部门预算公开 document: cells separated by tabs (as the
// document's text is usually extracted) or by runs of two or more spaces (pdftotext -layout).
// Fails when the text holds no 项目支出绩效目标表.
Result<ImportedCatalog> ImportDisclosureText(std::string_view text, std::string source);

// The text of a PDF's tables from poppler's layout analysis (the XHTML of pdftotext
// -bbox-layout): one line per table row, cells tab-separated, wrapped cells joined again; for
// ImportDisclosureText.
Result<std::string> DisclosureTextFromPdfLayout(std::string_view xhtml);

// The rows of a budget system's target-table export, the first row with a recognisable header
// (单位名称, 项目名称, 年度资金总额/预算数, 年度目标, 一级指标, 二级指标, 三级指标, 指标性质,
// 指标值, 度量单位, 权重, 指标方向性…). A project's cells may appear on its first row only.
// `first_line` is the source line (or sheet row) of rows[0]. Fails without such a header.
Result<ImportedCatalog> ImportTargetTable(const std::vector<std::vector<std::string>>& rows,
                                          int first_line, std::string source);

// ImportTargetTable a row at a time, as the rows are read: memory holds the catalogue being
// built, never the rows. Not thread-safe.
class TargetTableImport {
 public:
  explicit TargetTableImport(std::string source);
  ~TargetTableImport();
  TargetTableImport(const TargetTableImport&) = delete;
  TargetTableImport& operator=(const TargetTableImport&) = delete;

  // The next row, `line` its source line (or sheet row); the cells need outlive the call only.
  void Row(const std::vector<std::string_view>& cells, int line);
  // The catalogue of the rows given; fails as ImportTargetTable does. Call once.
  Result<ImportedCatalog> Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Several inputs of one unit as one catalogue (their projects in order); differing unit names
// or years are kept for review.
ImportedCatalog MergeImports(std::vector<ImportedCatalog> imports);

// The catalogue as ptmon reads it, with ids made up from the levels (project-01,
// quantity-1 …), `# REPAIR:` comments beside what was mended and `# REVIEW:` comments beside
// what must be decided; unusable indicators are written commented out.
std::string WriteCatalogYaml(const ImportedCatalog& catalog);

// Every review, "source:line: text", in the order they appear in the written catalogue.
std::vector<std::string> ReviewList(const ImportedCatalog& catalog);

}  // namespace ptmon
