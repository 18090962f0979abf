// `ptmon status` and `ptmon report`: evaluate the catalogue as of a month and show it.
#include <iostream>

#include <unistd.h>

#include <ptmon/base/file_system.h>
#include <ptmon/base/text.h>
#include <ptmon/config/catalog_cache.h>
#include <ptmon/indicators/last_year.h>
#include <ptmon/ingest/actuals.h>
#include <ptmon/reports/reports.h>
#include <ptmon/tables/yaml_fields.h>

#include "cli.h"

namespace ptmon::cli {

namespace {

// Everything an evaluation needs, loaded once per command.
struct EvaluationRun {
  std::shared_ptr<const Catalog> catalog;
  std::string project_id;  // --project resolved to an id; empty for all
  std::unique_ptr<Clock> clock;
  std::unique_ptr<ActualsIndex> actuals;
  Evaluation evaluation;
};

std::optional<EvaluationRun> Evaluate(const CommonOptions& options, const std::string& as_of_text,
                                      const std::string& project_id) {
  EvaluationRun run;
  auto data = options.OpenData();
  if (!data) return std::nullopt;
  run.clock = std::move(data->clock);
  run.catalog = std::move(data->catalog);
  if (!project_id.empty()) {
    auto project = run.catalog->FindProjectByIdOrName(project_id);
    if (!project.ok()) {
      std::cerr << "ptmon: --project: " << project.status().message() << "\n";
      return std::nullopt;
    }
    run.project_id = (*project)->id;
  }
  const Date today = run.clock->Today();
  Period as_of = DefaultAsOf(today, run.catalog->year);
  if (!as_of_text.empty()) {
    auto parsed = ParsePeriod(as_of_text);
    if (!parsed || parsed->year != run.catalog->year) {
      std::cerr << "ptmon: --as-of " << as_of_text << " is not a month of " << run.catalog->year
                << " (write it like " << run.catalog->year << "-07)\n";
      return std::nullopt;
    }
    if (*parsed > Period{today.year, today.month}) {
      std::cerr << "ptmon: --as-of " << as_of_text << " is after today (" << today.ToString()
                << "); a month can be evaluated from its start on\n";
      return std::nullopt;
    }
    as_of = *parsed;
  }
  run.actuals = std::make_unique<ActualsIndex>(*run.catalog);
  if (auto loaded = data->store->values().LoadLatestValues(*run.actuals); !loaded.ok()) {
    std::cerr << "ptmon: " << loaded.status().message() << "\n";
    return std::nullopt;
  }
  const Evaluator evaluator(*run.catalog, data->settings);
  run.evaluation = evaluator.EvaluateAll(*run.actuals, as_of, run.clock->Today());
  // Last year's figures beside this year's, as the daemon's status API gives them.
  auto past = StoredCatalogOfYear(*data->store, run.catalog->year - 1);
  if (!past.ok() && past.status().IsIoError()) {
    std::cerr << "ptmon: " << past.status().message() << "\n";
    return std::nullopt;
  }
  if (past.ok()) {
    ActualsIndex past_actuals(*past);
    if (auto loaded = data->store->values().LoadLatestValues(past_actuals); !loaded.ok()) {
      std::cerr << "ptmon: " << loaded.status().message() << "\n";
      return std::nullopt;
    }
    AttachLastYear(run.evaluation, *past, past_actuals, nullptr);
  }
  return run;
}

// The 自评表's texts in the order and words of the form, as keys of the texts file.
struct TextField {
  std::string_view key;
  std::string ConclusionText::*field;
};
constexpr TextField kTextFields[] = {{"评价结论", &ConclusionText::conclusion},
                                     {"存在问题", &ConclusionText::problems},
                                     {"改进措施", &ConclusionText::measures},
                                     {"项目负责人", &ConclusionText::project_lead},
                                     {"财务负责人", &ConclusionText::finance_lead}};
constexpr size_t kLongestText = 2000;  // characters: a paragraph, not a document

// The drafted texts of every project reported on, as the file --texts reads back.
std::string DraftTextsYaml(const Evaluation& evaluation, std::string_view project_id) {
  std::string out =
      "# 自评表的评价结论、存在问题、改进措施和签字人：改好后用 ptmon report --kind self-eval "
      "--texts 本文件 打印。\n# 空着的项打印草稿。\n";
  for (const auto& project : evaluation.projects) {
    if (!project_id.empty() && project.project->id != project_id) continue;
    const ConclusionText draft = DraftConclusion(evaluation, project);
    out += "\n" + project.project->id + ":  # " + project.project->name + "\n";
    for (const auto& [key, field] : kTextFields) {
      out += "  " + std::string(key) + ": " + YamlQuoted(draft.*field) + "\n";
    }
  }
  return out;
}

// The texts file: project ids (or published names), each with any of kTextFields. Every problem
// is reported with its place; nothing on failure.
std::optional<ConclusionTexts> LoadTexts(const std::string& path, const Catalog& catalog) {
  auto contents = PosixFileSystem().ReadFile(path, {});
  if (!contents.ok()) {
    std::cerr << "ptmon: --texts: " << contents.status().message() << "\n";
    return std::nullopt;
  }
  Diagnostics diagnostics;
  YamlFields fields(path, diagnostics);
  ConclusionTexts texts;
  if (auto document = fields.Parse(contents->bytes);
      document && fields.ExpectMap(document->root(), "the texts file")) {
    for (const auto& [key, value] : document->root().Entries()) {
      auto project = catalog.FindProjectByIdOrName(key.Scalar());
      if (!project.ok()) {
        fields.Error(key, project.status().message());
        continue;
      }
      if (!fields.ExpectMap(value, std::string(key.Scalar()))) continue;
      fields.CheckKeys(value, {"评价结论", "存在问题", "改进措施", "项目负责人", "财务负责人"},
                       key.Scalar());
      ConclusionText& text = texts[(*project)->id];
      for (const auto& [name, field] : kTextFields) {
        if (auto given = fields.Text(value, name, false, kLongestText, name)) text.*field = *given;
      }
    }
  }
  std::cerr << diagnostics.ToString();
  if (diagnostics.has_errors()) return std::nullopt;
  return texts;
}

}  // namespace

int RunStatus(const CommonOptions& options, const std::string& as_of, const std::string& project_id,
              const std::string& format) {
  auto run = Evaluate(options, as_of, project_id);
  if (!run) return kExitFailure;
  if (format == "json") {
    std::cout << StatusJson(run->evaluation, run->project_id).dump(2) << "\n";
  } else {
    std::cout << StatusTable(run->evaluation, run->project_id, isatty(STDOUT_FILENO) == 1);
  }
  return kExitOk;
}

int RunReport(const CommonOptions& options, const ReportOptions& report) {
  const std::string& kind = report.kind;
  const std::string& format = report.format;
  const std::string& out = report.out;
  auto run = Evaluate(options, report.as_of, report.project_id);
  if (!run) return kExitFailure;
  if (report.draft_texts) return WriteOutput(DraftTextsYaml(run->evaluation, run->project_id), out);
  ConclusionTexts texts;
  if (!report.texts_path.empty()) {
    auto loaded = LoadTexts(report.texts_path, *run->catalog);
    if (!loaded) return kExitRefused;
    texts = std::move(*loaded);
  }
  const OutputFormat output = format == "csv"  ? OutputFormat::kCsv
                              : format == "md" ? OutputFormat::kMarkdown
                                               : OutputFormat::kHtml;
  std::string units;
  for (const auto& unit : run->catalog->units) units += (units.empty() ? "" : "、") + unit.name;
  const ReportKind report_kind =
      kind == "monitor" ? ReportKind::kMonitor : ReportKind::kSelfEvaluation;
  if (format == "xlsx") {
    if (out.empty() && isatty(STDOUT_FILENO) == 1) {
      std::cerr << "ptmon: a workbook is not for the terminal; write it with --out FILE.xlsx\n";
      return kExitFailure;
    }
    auto workbook = RenderReportXlsx(run->evaluation, report_kind, units, run->project_id, texts);
    if (!workbook.ok()) {
      std::cerr << "ptmon: " << workbook.status().message() << "\n";
      return kExitFailure;
    }
    return WriteOutput(*workbook, out);
  }
  return WriteOutput(
      RenderReport(run->evaluation, report_kind, output, units, run->project_id, texts), out);
}

}  // namespace ptmon::cli
