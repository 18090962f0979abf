// `ptmon ingest`, `ptmon template` and `ptmon history`.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>
#include <pwd.h>
#include <unistd.h>

#include <ptmon/base/sha256.h>
#include <ptmon/base/text.h>
#include <ptmon/ingest/ingestor.h>
#include <ptmon/ingest/report_template.h>
#include <ptmon/storage/data_dir_lock.h>
#include <ptmon/tables/csv.h>

#include "cli.h"

namespace ptmon::cli {

namespace {

void ShowProgress(size_t done, size_t total) {
  const int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
  const int filled = percent / 5;
  std::fprintf(stderr, "\r  checking [%-20s] %3d%%",
               std::string(static_cast<size_t>(filled), '#').c_str(), percent);
  std::fflush(stderr);
}

// Who runs the command: "cli:<unix user>" (or the uid when it has no name). Whoever can run
// ptmon on the data directory is the operator; their writes reach every project.
Submitter CliSubmitter() {
  const uid_t uid = geteuid();
  const passwd* user = getpwuid(uid);
  return Submitter::Everything(
      "cli:" + (user != nullptr ? std::string(user->pw_name) : std::to_string(uid)));
}

}  // namespace

int RunIngest(const CommonOptions& options, const std::vector<std::string>& files,
              const std::string& encoding) {
  // A new catalogue is recorded while the first file is read and checked; nothing is written
  // before it is (IngestOptions::before_writing).
  auto data = options.OpenData(CatalogRecording::kInBackground);
  if (!data) return kExitRefused;
  const Clock& clock = *data->clock;
  Store& store = *data->store;
  const Catalog& catalog = *data->catalog;
  // The catalogue refused by the store, as OpenData would have reported it.
  auto catalog_refused = [&] {
    const Status recorded = data->CatalogRecorded();
    if (!recorded.ok()) std::cerr << "ptmon: " << recorded.message() << "\n";
    return !recorded.ok();
  };
  const InboxLayout layout = InboxLayout::ForDataDir(data->data_dir);
  FileSystem& files_on_disk = PosixFileSystem();
  if (Status created = layout.Create(files_on_disk); !created.ok()) {
    std::cerr << "ptmon: " << created.message() << "\n";
    return kExitFailure;
  }
  IngestOptions ingest_options;
  ingest_options.before_writing = [&] { return data->CatalogRecorded(); };
  if (encoding == "utf-8") ingest_options.parse.encoding = TextEncoding::kUtf8;
  if (encoding == "gbk") ingest_options.parse.encoding = TextEncoding::kGb18030;
  const bool terminal = isatty(STDERR_FILENO) == 1;
  // The inbox belongs to whoever holds the data directory's lock: a running daemon takes what
  // is dropped there itself, and files claimed by a run that was killed go back only here.
  std::unique_ptr<DataDirLock> inbox_lock;
  if (files.empty() || std::any_of(files.begin(), files.end(),
                                   [&](const std::string& f) { return layout.InInbox(f); })) {
    auto locked = DataDirLock::Acquire(data->data_dir, "ptmon ingest");
    if (!locked.ok()) {
      std::cerr << "ptmon: " << locked.status().message()
                << "\nptmon serve applies what is dropped into its inbox itself; to apply files"
                   " beside it, give files from another folder.\n";
      return kExitFailure;
    }
    inbox_lock = std::move(locked).value();
    if (auto returned = ReturnClaimedFiles(files_on_disk, layout); !returned.ok()) {
      std::cerr << "ptmon: " << returned.status().message() << "\n";
      return kExitFailure;
    }
  }
  std::vector<std::string> paths = files;
  if (paths.empty()) {
    // One-shot over the inbox: nothing is being written there while the command runs, so
    // every report file counts as complete.
    InboxScanner scanner(layout.inbox, clock, files_on_disk, std::chrono::milliseconds(0));
    auto ready = scanner.Ready();
    if (!ready.ok()) {
      std::cerr << "ptmon: " << ready.status().message() << "\n";
      return kExitFailure;
    }
    paths = std::move(ready).value();
  }
  int exit_code = kExitOk;
  for (const auto& path : paths) {
    if (terminal && std::filesystem::exists(path) &&
        std::filesystem::file_size(path) > (8u << 20)) {
      ingest_options.parse.on_progress = ShowProgress;
    } else {
      ingest_options.parse.on_progress = nullptr;
    }
    Ingestor file_ingestor(store, catalog, clock, files_on_disk, layout, ingest_options);
    const IngestOutcome outcome = file_ingestor.IngestFile(path, CliSubmitter());
    if (outcome.result == IngestResult::kFailed && catalog_refused()) return kExitRefused;
    if (ingest_options.parse.on_progress) std::cerr << "\r" << std::string(40, ' ') << "\r";
    std::cout << outcome.Summary() << "\n";
    for (const auto& error : outcome.errors) std::cerr << error << "\n";
    if (outcome.error_count > static_cast<int>(outcome.errors.size())) {
      std::cerr << "… and " << outcome.error_count - outcome.errors.size() << " more\n";
    }
    // A move that failed once is tried once more; what still fails waits in the processing
    // folder for the next run (or the daemon), which takes it as a duplicate.
    for (const auto& problem : file_ingestor.FinishMoves()) std::cerr << problem << "\n";
    if ((outcome.result == IngestResult::kRejected || outcome.result == IngestResult::kForbidden) &&
        exit_code == kExitOk)
      exit_code = kExitRefused;
    if (outcome.result == IngestResult::kFailed || file_ingestor.unfinished_moves() > 0) {
      exit_code = kExitFailure;
    }
  }
  if (catalog_refused()) return kExitRefused;
  if (paths.empty()) std::cout << "no report files in " << layout.inbox << "\n";
  return exit_code;
}

int RunTemplate(const CommonOptions& options, const std::string& period_text,
                const std::string& project_id, const std::string& encoding,
                const std::string& format, const std::string& out) {
  // With a data directory, the catalogue is the store's and the last values are shown.
  std::optional<DataSession> data;
  std::optional<Catalog> catalog;
  std::unique_ptr<ActualsIndex> reported;
  if (!options.data_dir.empty() || !options.config_path.empty()) {
    data = options.OpenData();
    if (!data) return kExitRefused;
    reported = std::make_unique<ActualsIndex>(*data->catalog);
    if (auto loaded = data->store->values().LoadLatestValues(*reported); !loaded.ok()) {
      std::cerr << "ptmon: " << loaded.status().message() << "\n";
      return kExitFailure;
    }
    catalog = *data->catalog;
  } else {
    catalog = options.LoadCatalogOrReport();
    if (!catalog) return kExitRefused;
  }
  // The month a manager reports now (the one before today's) unless one is named; a later month
  // than today's cannot be reported, so no template is written for it.
  auto clock = options.MakeClock();
  if (!clock.ok()) {
    std::cerr << "ptmon: " << clock.status().message() << "\n";
    return kExitFailure;
  }
  const Date today = (*clock)->Today();
  auto period = !period_text.empty() ? ParsePeriod(period_text)
                : today.month == 1   ? Period{today.year - 1, 12}
                                     : Period{today.year, today.month - 1};
  if (!period) {
    std::cerr << "ptmon: --period " << Quote(period_text) << " is not a month like 2026-07\n";
    return kExitFailure;
  }
  if (*period > Period{today.year, today.month}) {
    std::cerr << "ptmon: --period " << period->ToString() << " is after today (" << today.ToString()
              << "): its report cannot be applied yet\n";
    return kExitRefused;
  }
  auto built = BuildReportTemplate(*catalog, *period, project_id, reported.get());
  if (!built.ok()) {
    std::cerr << "ptmon: --project: " << built.status().message() << "\n";
    return kExitRefused;
  }
  if (format == "xlsx") {
    if (out.empty() && isatty(STDOUT_FILENO) == 1) {
      std::cerr << "ptmon: a workbook is not for the terminal; write it with --out FILE.xlsx\n";
      return kExitFailure;
    }
    auto workbook = ReportTemplateXlsx(*built);
    if (!workbook.ok()) {
      std::cerr << "ptmon: " << workbook.status().message() << "\n";
      return kExitFailure;
    }
    return WriteOutput(*workbook, out);
  }
  const std::string text = ReportTemplateCsv(*built);
  std::string bytes;
  if (encoding == "gbk") {
    auto encoded = EncodeGb18030(text);
    if (!encoded.ok()) {
      std::cerr << "ptmon: " << encoded.status().message() << "\n";
      return kExitFailure;
    }
    bytes = std::move(encoded).value();
  } else {
    bytes = "\xEF\xBB\xBF" + text;  // the BOM makes Excel read UTF-8
  }
  return WriteOutput(bytes, out);
}

namespace {

// The stored (project, indicator) ids for what a manager typed: ids or published names, and
// `spent` or 预算执行数 for budget spending. A pair the catalogue no longer has is taken as ids
// when the store holds its history (a catalogue may drop what was once reported).
Result<std::pair<std::string, std::string>> ResolveSeries(DataSession& data,
                                                          const std::string& project_text,
                                                          const std::string& indicator_text) {
  auto project = data.catalog->FindProjectByIdOrName(project_text);
  if (project.ok()) {
    if (indicator_text == "spent" || indicator_text == "预算执行数")
      return std::pair((*project)->id, std::string("spent"));
    auto indicator = (*project)->FindIndicatorByIdOrName(indicator_text);
    if (indicator.ok()) return std::pair((*project)->id, (*indicator)->id);
    auto stored = data.store->values().History((*project)->id, indicator_text);
    if (stored.ok() && !stored->empty()) return std::pair((*project)->id, indicator_text);
    return Status::Error("--indicator: " + indicator.status().message() +
                         ", or spent for budget spending");
  }
  auto stored = data.store->values().History(project_text, indicator_text);
  if (stored.ok() && !stored->empty()) return std::pair(project_text, indicator_text);
  return Status::Error("--project: " + project.status().message());
}

}  // namespace

int RunRevert(const CommonOptions& options, long long batch_id, const std::string& by,
              const std::string& why) {
  auto data = options.OpenData();
  if (!data) return kExitRefused;
  Batch audit;
  audit.received_at = audit.applied_at = FormatRfc3339(data->clock->Now());
  // What `ptmon history` shows in the file column: the audit trail of the revert.
  audit.file_name =
      "revert to batch " + std::to_string(batch_id) + " by " + by + (why.empty() ? "" : ": " + why);
  // Unique among applied batches, as content hashes are: a revert has no file of its own.
  audit.sha256 = Sha256Hex(audit.file_name + " at " + audit.received_at);
  audit.reporter = by;
  audit.submitted_by = CliSubmitter().name;
  auto reverted = data->store->values().RevertToBatch(batch_id, audit);
  if (!reverted.ok()) {
    std::cerr << "ptmon: " << reverted.status().message() << "\n";
    return kExitRefused;
  }
  std::cout << "batch " << batch_id << "'s values are current again (batch " << *reverted << ", by "
            << EscapeControl(by) << ")\n";
  return kExitOk;
}

int RunHistory(const CommonOptions& options, const std::string& project_id,
               const std::string& indicator_id, const std::string& format) {
  auto data = options.OpenData();
  if (!data) return kExitRefused;
  auto series = ResolveSeries(*data, project_id, indicator_id);
  if (!series.ok()) {
    std::cerr << "ptmon: " << series.status().message() << "\n";
    return kExitRefused;
  }
  auto history = data->store->values().History(series->first, series->second);
  if (!history.ok()) {
    std::cerr << "ptmon: " << history.status().message() << "\n";
    return kExitFailure;
  }
  // The target each period was judged against, where the catalogue still has the indicator.
  const Indicator* indicator = nullptr;
  if (const Project* project = data->catalog->FindProject(series->first))
    indicator = project->FindIndicator(series->second);
  auto judged_against = [&](Period period) {
    return indicator ? indicator->TargetFor(period.month).text : std::string();
  };
  if (format == "json") {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const auto& revision : *history) {
      const ActualValue& value = revision.actual;
      json.push_back({{"period", value.period.ToString()},
                      {"target", judged_against(value.period)},
                      {"value", value.value ? nlohmann::ordered_json(*value.value) : nullptr},
                      {"grade", value.grade},
                      {"reason_category", value.reason_category},
                      {"reason", value.reason},
                      {"action", value.action},
                      {"likelihood", value.likelihood},
                      {"reporter", value.reporter},
                      {"submitted_by", revision.submitted_by},
                      {"batch", revision.batch_id},
                      {"file", revision.file_name},
                      {"applied_at", revision.applied_at}});
    }
    std::cout << json.dump(2) << "\n";
    return kExitOk;
  }
  if (history->empty()) {
    std::cout << "no values reported yet for " << series->first << "/" << series->second << "\n";
    return kExitOk;
  }
  if (indicator && indicator->adjustment) {
    const TargetAdjustment& adjustment = *indicator->adjustment;
    std::cout << "target " << indicator->annual_target.text << ", adjusted to "
              << adjustment.target.text << " from "
              << Period{data->catalog->year, adjustment.from_month}.ToString() << " ("
              << adjustment.approval << ")\n";
  }
  for (const auto& revision : *history) {
    const ActualValue& value = revision.actual;
    std::cout << value.period.ToString() << "  "
              << (value.value ? nlohmann::json(*value.value).dump() : value.grade) << "  batch "
              << revision.batch_id << "  " << revision.applied_at << "  "
              << Quote(revision.file_name);
    // Who sent it (as authenticated), then who the file says filled it in (填报人).
    if (!revision.submitted_by.empty())
      std::cout << "  submitted by " << EscapeControl(revision.submitted_by);
    // Cells from managers' files: escaped, so a control character cannot fake rows or colours.
    if (!value.reporter.empty()) std::cout << "  reporter " << EscapeControl(value.reporter);
    if (!value.reason.empty())
      std::cout << "  " << value.reason_category << ": " << EscapeControl(value.reason);
    if (indicator && indicator->adjustment)
      std::cout << "  judged against " << judged_against(value.period);
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace ptmon::cli

namespace ptmon::cli {

int RunAlerts(const CommonOptions& options, const std::string& format) {
  auto store = Store::Open((std::filesystem::path(options.DataDir()) / "ptmon.db").string());
  if (!store.ok()) {
    std::cerr << "ptmon: " << store.status().message() << "\n";
    return kExitFailure;
  }
  auto alerts = (*store)->alerts().LoadAlerts();
  if (!alerts.ok()) {
    std::cerr << "ptmon: " << alerts.status().message() << "\n";
    return kExitFailure;
  }
  if (format == "json") {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& alert : *alerts) {
      list.push_back({{"labels", nlohmann::json::parse(alert.labels_json, nullptr, false)},
                      {"state", alert.state},
                      {"active_since", alert.active_since},
                      {"fired_at", alert.fired_at},
                      {"resolved_at", alert.resolved_at}});
    }
    std::cout << list.dump(2) << "\n";
    return kExitOk;
  }
  if (alerts->empty()) std::cout << "no alerts\n";
  for (const auto& alert : *alerts) {
    const auto labels = nlohmann::json::parse(alert.labels_json, nullptr, false);
    const auto annotations = nlohmann::json::parse(alert.annotations_json, nullptr, false);
    if (labels.is_discarded() || annotations.is_discarded()) continue;
    std::cout << alert.state << "  " << labels.value("alertname", "") << "  "
              << labels.value("severity", "") << "  " << labels.value("project", "")
              << (labels.contains("indicator") ? "/" + labels.value("indicator", "") : "")
              << "  since " << (alert.fired_at.empty() ? alert.active_since : alert.fired_at)
              << "\n    " << EscapeControl(annotations.value("summary", "")) << "\n";
  }
  return kExitOk;
}

}  // namespace ptmon::cli

namespace ptmon::cli {

int RunBackup(const CommonOptions& options, const std::string& to) {
  const std::string path = (std::filesystem::path(options.DataDir()) / "ptmon.db").string();
  if (!std::filesystem::exists(path)) {
    std::cerr << "ptmon: no database at " << path << "\n";
    return kExitFailure;
  }
  auto store = Store::Open(path);
  if (!store.ok()) {
    std::cerr << "ptmon: " << store.status().message() << "\n";
    return kExitFailure;
  }
  if (Status backed_up = (*store)->Backup(to); !backed_up.ok()) {
    std::cerr << "ptmon: " << backed_up.message() << "\n";
    return kExitFailure;
  }
  std::cout << "backed up " << path << " to " << to << "\n";
  return kExitOk;
}

}  // namespace ptmon::cli
