// `ptmon status` and `ptmon report`: evaluate the catalogue as of a month and show it.
#include <iostream>

#include <unistd.h>

#include <ptmon/ingest/actuals.h>
#include <ptmon/reports/reports.h>

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
  if (auto loaded = data->store->LoadLatestValues(*run.actuals); !loaded.ok()) {
    std::cerr << "ptmon: " << loaded.status().message() << "\n";
    return std::nullopt;
  }
  const Evaluator evaluator(*run.catalog, data->settings);
  run.evaluation = evaluator.EvaluateAll(*run.actuals, as_of, run.clock->Today());
  return run;
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

int RunReport(const CommonOptions& options, const std::string& kind, const std::string& as_of,
              const std::string& project_id, const std::string& format, const std::string& out) {
  auto run = Evaluate(options, as_of, project_id);
  if (!run) return kExitFailure;
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
    auto workbook = RenderReportXlsx(run->evaluation, report_kind, units, run->project_id);
    if (!workbook.ok()) {
      std::cerr << "ptmon: " << workbook.status().message() << "\n";
      return kExitFailure;
    }
    return WriteOutput(*workbook, out);
  }
  return WriteOutput(RenderReport(run->evaluation, report_kind, output, units, run->project_id),
                     out);
}

}  // namespace ptmon::cli
