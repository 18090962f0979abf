#include <algorithm>
#include <climits>
#include <filesystem>
#include <future>
#include <map>
#include <thread>

#include <ptmon/base/sha256.h>
#include <ptmon/base/text.h>
#include <ptmon/config/catalog_cache.h>
#include <ptmon/ingest/ingestor.h>

namespace ptmon {

namespace fs = std::filesystem;

namespace {

std::string BaseName(const std::string& path) { return fs::path(path).filename().string(); }

// Moves `from` to `dir/name`, or to `dir/stem-2.ext`, `-3` … when taken; never overwrites.
Result<std::string> MoveNoReplace(FileSystem& files, const std::string& from,
                                  const std::string& dir, const std::string& name) {
  if (Status made = files.MakeDirectories(dir); !made.ok()) return made;
  const fs::path base(name);
  for (int attempt = 1; attempt < 10000; ++attempt) {
    std::string candidate = name;
    if (attempt > 1) {
      // A name already 255 bytes long has no room for "-2": shorten the stem to make room, at
      // a character boundary.
      const std::string suffix = "-" + std::to_string(attempt) + base.extension().string();
      std::string stem = base.stem().string();
      if (stem.size() + suffix.size() > NAME_MAX) {
        stem.resize(NAME_MAX > suffix.size() ? NAME_MAX - suffix.size() : 0);
        while (!stem.empty() && (static_cast<unsigned char>(stem.back()) & 0xC0) == 0x80)
          stem.pop_back();  // a continuation byte: drop the whole character
        if (!stem.empty() && static_cast<unsigned char>(stem.back()) >= 0xC0) stem.pop_back();
      }
      candidate = stem + suffix;
    }
    const std::string to = (fs::path(dir) / candidate).string();
    const Status moved = files.Rename(from, to);
    if (moved.ok()) return to;
    if (moved.code() != StatusCode::kAlreadyExists) return moved;
  }
  return Status::Error("too many files named " + name + " in " + dir);
}

// Writes bytes to a new temporary file in `dir`, creating `dir` first.
Result<std::string> WriteTemporary(FileSystem& files, const std::string& dir,
                                   const std::string& name, std::string_view bytes) {
  if (Status made = files.MakeDirectories(dir); !made.ok()) return made;
  return WriteTemporaryFile(files, dir, name, bytes);
}

// Moves a temporary file to `dir/name` as MoveNoReplace does and makes that durable, removing
// the temporary if the move fails. Problems that do not undo the move are added to `notes`.
Result<std::string> PlaceTemporary(FileSystem& files, const std::string& temporary,
                                   const std::string& dir, const std::string& name,
                                   std::vector<std::string>& notes) {
  auto moved = MoveNoReplace(files, temporary, dir, name);
  if (!moved.ok()) {
    if (Status removed = files.Remove(temporary); !removed.ok()) notes.push_back(removed.message());
    return moved;
  }
  if (Status synced = files.SyncDirectory(dir); !synced.ok()) notes.push_back(synced.message());
  return moved;
}

// Writes bytes to a new file `dir/name` (suffixing as MoveNoReplace does), via a temporary
// name and a rename so readers never see half a file.
Result<std::string> WriteNoReplace(FileSystem& files, const std::string& dir,
                                   const std::string& name, std::string_view bytes,
                                   std::vector<std::string>& notes) {
  auto temporary = WriteTemporary(files, dir, name, bytes);
  if (!temporary.ok()) return temporary.status();
  return PlaceTemporary(files, *temporary, dir, name, notes);
}

std::string SidecarText(const IngestOutcome& outcome) {
  std::string text =
      "ptmon 拒收了这个文件, 没有应用任何数据。请改正以下问题后重新提交。\n"
      "ptmon refused this file and applied nothing from it. Fix these problems and "
      "submit it again.\n\n";
  for (const auto& error : outcome.errors) text += error + "\n";
  if (outcome.error_count > static_cast<int>(outcome.errors.size())) {
    text +=
        "… 另有 / and " + std::to_string(outcome.error_count - outcome.errors.size()) + " more\n";
  }
  return text;
}

// The rows' projects outside `who`'s scope, once each, added to `foreign` as
// "retiree-heating（企业退休人员取暖费，2026年）".
void AddForeignProjects(const Submission& submission, const Catalog& catalog, const Submitter& who,
                        std::vector<std::string>& foreign) {
  std::vector<bool> seen(catalog.projects.size());
  for (const CheckedValue& value : submission.values) {
    if (seen[value.project]) continue;
    seen[value.project] = true;
    const Project& project = catalog.projects[value.project];
    if (who.May(project)) continue;
    std::string named =
        project.id + "（" + project.name + "，" + std::to_string(catalog.year) + "年）";
    if (std::find(foreign.begin(), foreign.end(), named) == foreign.end())
      foreign.push_back(std::move(named));
  }
}

}  // namespace

Submitter Submitter::Everything(std::string name, std::string unit) {
  Submitter who;
  who.name = std::move(name);
  who.unit = std::move(unit);
  return who;
}

Submitter Submitter::Only(std::string name, std::vector<std::string> projects, std::string unit) {
  Submitter who = Everything(std::move(name), std::move(unit));
  who.all_projects = false;
  who.projects = std::move(projects);
  return who;
}

bool Submitter::May(const Project& project) const {
  if (!unit.empty() && project.unit_id != unit) return false;
  return all_projects || std::find(projects.begin(), projects.end(), project.id) != projects.end();
}

InboxLayout InboxLayout::ForDataDir(const std::string& data_dir) {
  const fs::path dir(data_dir);
  return {(dir / "inbox").string(), (dir / "archive").string(), (dir / "rejected").string()};
}

bool InboxLayout::InInbox(const std::string& path) const {
  std::error_code error;
  const fs::path parent = fs::weakly_canonical(fs::absolute(path).parent_path(), error);
  return !error && parent == fs::weakly_canonical(fs::absolute(inbox), error);
}

std::string InboxLayout::processing() const { return (fs::path(inbox) / ".processing").string(); }

Status InboxLayout::Create(FileSystem& files) const {
  for (const auto& dir : {inbox, processing(), archive, rejected}) {
    if (Status made = files.MakeDirectories(dir); !made.ok()) return made;
  }
  return Status::Ok();
}

std::string_view IngestResultName(IngestResult result) {
  switch (result) {
    case IngestResult::kApplied:
      return "applied";
    case IngestResult::kDuplicate:
      return "duplicate";
    case IngestResult::kRejected:
      return "rejected";
    case IngestResult::kFailed:
      return "failed";
    case IngestResult::kDeferred:
      return "deferred";
    case IngestResult::kForbidden:
      return "forbidden";
  }
  return "failed";
}

std::string IngestOutcome::Summary() const {
  const std::string name = Quote(file_name);
  switch (result) {
    case IngestResult::kApplied:
      return name + ": applied " + std::to_string(values) + " values (batch " +
             std::to_string(batch_id) + ")" +
             (skipped_rows > 0 ? ", " + std::to_string(skipped_rows) + " empty rows skipped" : "");
    case IngestResult::kDuplicate:
      return name + ": duplicate of batch " + std::to_string(batch_id) +
             ", not applied again (ptmon revert --batch " + std::to_string(batch_id) +
             " makes its values current again)";
    case IngestResult::kRejected:
      return name + ": rejected, " + std::to_string(error_count) + " problem(s)" +
             (moved_to.empty() ? "" : ", see " + EscapeControl(moved_to) + ".errors.txt");
    case IngestResult::kForbidden:
      return name + ": forbidden, names projects outside the submitter's scope";
    case IngestResult::kFailed:
      return name + ": not processed: " + (errors.empty() ? "unknown failure" : errors.front());
    case IngestResult::kDeferred:
      return name + ": not taken now: " + (errors.empty() ? "try again later" : errors.front());
  }
  return name;
}

Result<int> ReturnClaimedFiles(FileSystem& files, const InboxLayout& layout) {
  auto claimed = files.List(layout.processing());
  if (!claimed.ok()) {
    if (claimed.status().code() == StatusCode::kNotFound) return 0;
    return claimed.status();
  }
  int returned = 0;
  for (const auto& entry : *claimed) {
    const std::string from = (fs::path(layout.processing()) / entry.name).string();
    const Status back = files.Rename(from, (fs::path(layout.inbox) / entry.name).string());
    if (back.ok()) {
      ++returned;
    } else if (back.code() != StatusCode::kAlreadyExists && back.code() != StatusCode::kNotFound) {
      return back.WithContext("returning a claimed file to the inbox");
    }
  }
  return returned;
}

std::optional<ReportFormat> ReportFormatOf(std::string_view name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() > suffix.size() &&
           NormalizeKey(name.substr(name.size() - suffix.size())) == suffix;
  };
  if (ends(".csv")) return ReportFormat::kCsv;
  if (ends(".yaml") || ends(".yml")) return ReportFormat::kYaml;
  if (ends(".xlsx")) return ReportFormat::kXlsx;
  return std::nullopt;
}

bool IsIgnoredName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.starts_with("~$") || name.ends_with("~"))
    return true;
  const std::string lower = NormalizeKey(name);
  for (std::string_view temporary :
       {".tmp", ".temp", ".part", ".partial", ".filepart", ".crdownload", ".download", ".swp"}) {
    if (lower.ends_with(temporary)) return true;
  }
  return lower == "thumbs.db" || lower == "desktop.ini";
}

bool IsReportName(std::string_view name) {
  return !IsIgnoredName(name) && ReportFormatOf(name).has_value();
}

std::string UnreadableFileMessage(std::string_view name) {
  const size_t dot = name.rfind('.');
  const std::string extension = dot == std::string_view::npos ? "" : NormalizeKey(name.substr(dot));
  if (extension == ".xls" || extension == ".et" || extension == ".xlsm" || extension == ".xlsb" ||
      extension == ".ods" || extension == ".numbers") {
    const std::string which = extension == ".xls" ? "旧版 .xls" : extension;
    return which + " 不能读取, 请另存为 .xlsx 或 CSV 后重新提交 / ptmon cannot read " + extension +
           " workbooks; save the sheet as .xlsx (Excel 工作簿) or CSV and submit that";
  }
  return "不是月报文件: 只能读取 .xlsx、.csv、.yaml 或 .yml / is not a report: ptmon reads .xlsx, "
         ".csv, .yaml and .yml files (ptmon template writes one to fill in)";
}

namespace {

// The batch a file's rows are written into on another thread while the last checks of the file
// run on this one. What it made is taken back on this thread, so the store is this thread's
// again once Take() returns, or once Abandon() (or the destructor) has rolled the batch back.
class BatchWriter {
 public:
  BatchWriter() = default;
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;
  ~BatchWriter() { Abandon(); }

  void Start(std::function<Result<UncommittedBatch>()> write) {
    running_ = std::async(std::launch::async, std::move(write));
  }
  bool started() const { return running_.valid(); }
  Result<UncommittedBatch> Take() { return running_.get(); }
  void Abandon() {
    if (!running_.valid()) return;
    const Result<UncommittedBatch> dropped = running_.get();  // uncommitted: rolled back here
  }

 private:
  std::future<Result<UncommittedBatch>> running_;
};

}  // namespace

ValuesBefore ValuesBeforeFrom(const Catalog& catalog, YearNumbers read) {
  return [&catalog, read = std::move(read)](const std::vector<SeriesMonth>& wanted) {
    std::vector<std::optional<double>> before(wanted.size());
    // Per year, each series once, with the months of its values that ask.
    std::map<int, std::map<std::pair<uint32_t, int32_t>, std::vector<size_t>>> asked;
    for (size_t i = 0; i < wanted.size(); ++i) {
      asked[wanted[i].period.year][{wanted[i].project, wanted[i].indicator}].push_back(i);
    }
    for (const auto& [year, by_series] : asked) {
      std::vector<std::pair<std::string_view, std::string_view>> series;
      for (const auto& [key, unused] : by_series) {
        const Project& project = catalog.projects[key.first];
        series.emplace_back(project.id, key.second < 0
                                            ? kSpentIndicator
                                            : std::string_view(project.indicators[key.second].id));
      }
      const auto numbers = read(year, series);
      if (!numbers.ok()) continue;
      size_t s = 0;
      for (const auto& [key, asking] : by_series) {
        const ValueStore::MonthlyNumbers& months = (*numbers)[s++];
        for (const size_t i : asking) {
          for (int month = wanted[i].period.month - 1; month >= 1 && !before[i]; --month) {
            before[i] = months[static_cast<size_t>(month - 1)];
          }
        }
      }
    }
    return before;
  };
}

Ingestor::Ingestor(Store& store, const Catalog& catalog, const Clock& clock, FileSystem& files,
                   InboxLayout layout, IngestOptions options)
    : store_(store),
      catalog_(catalog),
      clock_(clock),
      files_(files),
      layout_(std::move(layout)),
      options_(std::move(options)) {}

IngestOutcome Ingestor::Ingest(const std::string& name, std::string_view bytes,
                               const Submitter& who, Batch& batch) {
  IngestOutcome outcome;
  outcome.file_name = name;
  outcome.sha256 = batch.sha256 = Sha256Hex(bytes);
  batch.file_name = name;
  batch.submitted_by = who.name;
  batch.size_bytes = static_cast<long long>(bytes.size());
  batch.received_at = FormatRfc3339(clock_.Now());
  auto previous = store_.values().FindAppliedBatch(batch.sha256);
  if (!previous.ok()) {
    outcome.errors.push_back(previous.status().message());
    return outcome;
  }
  auto duplicate = [&] {
    outcome.result = IngestResult::kDuplicate;
    outcome.batch_id = previous->value().id;
    batch.status = BatchStatus::kDuplicate;
    batch.error_text = "duplicate of batch " + std::to_string(outcome.batch_id);
    return outcome;
  };
  const bool scoped = !who.all_projects || !who.unit.empty();
  // A duplicate is known without reading the file, unless its sender's scope must be checked
  // first: a copy of another's file is refused as theirs, not answered as a duplicate.
  if (previous->has_value() && !scoped) return duplicate();
  // The dictionary of series, which a large file's writer needs first, is read while the file
  // is parsed (which reads no table); the store is this thread's again once it is waited for,
  // before the parse's checks of the file as a whole read it.
  // A file may hold write_beside_from_values values when it holds that many of the shortest
  // rows a report can have ("p,i,2026-07,1" and a line break).
  constexpr size_t kShortestRowBytes = 16;
  std::future<Status> series_read;
  if (!previous->has_value() &&
      bytes.size() / kShortestRowBytes >= options_.write_beside_from_values &&
      std::thread::hardware_concurrency() >= 2) {
    series_read = std::async(std::launch::async, [this] { return store_.values().ReadSeries(); });
  }
  auto series_ready = [&series_read] {
    if (series_read.valid()) series_read.get().ok();  // a failed read is read again by the writer
  };
  Diagnostics diagnostics;
  const auto format = ReportFormatOf(name);
  // Bare numbers are compared with the values in force before them, as stored now: read
  // through a second connection while the file's batch is written beside the checks.
  Store* numbers_from = &store_;
  auto parse_options = [&](const Catalog& of_year) {
    ParseOptions parse = options_.parse;
    parse.values_before = ValuesBeforeFrom(of_year, [&numbers_from](int year, const auto& series) {
      return numbers_from->values().NumbersOfYear(year, series);
    });
    return parse;
  };
  Submission submission;
  std::unique_ptr<Store> reader;
  Batch written;       // what the writer writes (and stamps): `batch` as recorded once applied
  BatchWriter writer;  // reads `submission` and `written`, so declared after them
  if (!format) {
    diagnostics.Error(name, 0, 0, UnreadableFileMessage(BaseName(name)));
  } else {
    ParseOptions parse = parse_options(catalog_);
    // A large file is written on another thread, inside a transaction left open, while the last
    // checks of the whole file (duplicates, spending totals, values before) run on this one,
    // reading through a second connection; it is committed only if they pass.
    // Not for a scoped sender: nothing is written before the decision on their rights.
    parse.once_rows_read = [&](const Submission& read) {
      series_ready();
      if (scoped || previous->has_value() || diagnostics.has_errors() ||
          read.values.size() < options_.write_beside_from_values ||
          std::thread::hardware_concurrency() < 2) {
        return;
      }
      auto another = store_.OpenAnother();
      if (!another.ok()) return;  // in memory: written after the checks
      reader = std::move(another).value();
      numbers_from = reader.get();
      written = batch;
      written.reporter = read.MainReporter();
      writer.Start([this, &read, &written]() -> Result<UncommittedBatch> {
        if (Status ready = ReadyToWrite(); !ready.ok()) return ready;
        written.applied_at = FormatRfc3339(clock_.Now());  // as when written after the checks
        const std::string context = "applying " + written.file_name;
        // Read beside the parse already, unless that read failed.
        if (Status series = store_.values().ReadSeries(); !series.ok())
          return series.WithContext(context);
        const auto values = StoredValues(read, catalog_);
        auto prepared = store_.values().PrepareValues(read.values.size(), values);
        if (!prepared.ok()) return prepared.status().WithContext(context);
        return store_.values().WriteBatch(written, std::move(prepared).value(), values);
      });
    };
    ParseReport(bytes, *format, name, catalog_, clock_.Today(), parse, diagnostics, submission);
  }
  series_ready();  // also when the parse ended before its rows were read
  // The store is this thread's again before anything but the batch's commit reads it.
  if (diagnostics.has_errors()) writer.Abandon();
  numbers_from = &store_;
  // A file for another year (December's report arriving in January) is that year's: it is
  // checked against, and applied through, the catalogue the store keeps for it.
  const Catalog* catalog = &catalog_;
  if (diagnostics.has_errors() && submission.years.size() == 1 &&
      submission.years[0] != catalog_.year) {
    auto other = CatalogOfYear(submission.years[0]);
    if (!other.ok()) {
      outcome.errors.push_back(other.status().message());
      return outcome;  // kFailed: the store could not be read
    }
    if (*other != nullptr) {
      catalog = *other;
      diagnostics = Diagnostics();
      submission = ParseReport(bytes, *format, name, *catalog, clock_.Today(),
                               parse_options(*catalog), diagnostics);
    }
  }
  // The one authorization decision, on the rows as resolved against their own year's catalogue
  // (a file mixing years is resolved once per year it names), before anything is written.
  std::vector<std::string> foreign;
  if (format && scoped) {
    AddForeignProjects(submission, *catalog, who, foreign);
    for (const int year : submission.years) {
      if (submission.years.size() == 1 || year == catalog->year) continue;
      auto of_year =
          year == catalog_.year ? Result<const Catalog*>(&catalog_) : CatalogOfYear(year);
      if (!of_year.ok()) {
        outcome.errors.push_back(of_year.status().message());
        return outcome;  // kFailed: the store could not be read
      }
      if (*of_year == nullptr) continue;  // no catalogue: its rows are refused as errors
      Diagnostics ignored;
      AddForeignProjects(
          ParseReport(bytes, *format, name, **of_year, clock_.Today(), options_.parse, ignored),
          **of_year, who, foreign);
    }
  }
  if (!foreign.empty()) {
    std::string list;
    for (const auto& project : foreign) list += (list.empty() ? "" : "、") + project;
    Diagnostic refusal;
    refusal.file = name;
    refusal.message = "文件中有未分配给您的项目：" + list + "。整个文件都没有应用。 / " +
                      EscapeControl(who.name) +
                      " may not report for these projects; nothing of the file was applied";
    outcome.result = IngestResult::kForbidden;
    outcome.error_count = 1;
    outcome.errors = {refusal.ToString()};
    batch.status = BatchStatus::kRejected;
    batch.error_text = outcome.errors.front();
    return outcome;
  }
  if (previous->has_value()) return duplicate();
  if (!diagnostics.has_errors() && submission.values.empty()) {
    diagnostics.Error(name, 0, 0, "没有填写任何完成值 / every value is empty; nothing to apply");
  }
  if (diagnostics.has_errors()) {
    outcome.result = IngestResult::kRejected;
    outcome.error_count = diagnostics.error_count();
    for (const auto& diagnostic : diagnostics.all()) {
      if (outcome.errors.size() >= options_.max_listed_errors) break;
      if (diagnostic.severity != Severity::kError) continue;
      outcome.errors.push_back(diagnostic.ToString());
      outcome.problems.push_back(diagnostic);
    }
    batch.status = BatchStatus::kRejected;
    for (const auto& error : outcome.errors) {
      if (batch.error_text.size() > 4000) break;
      batch.error_text += error + "\n";
    }
    return outcome;
  }
  Result<long long> applied = Status::Ok();
  if (writer.started()) {
    auto uncommitted = writer.Take();  // `written` is this thread's again
    batch.reporter = written.reporter;
    batch.applied_at = written.applied_at;
    applied = uncommitted.ok() ? uncommitted->Commit() : Result<long long>(uncommitted.status());
  } else {
    batch.reporter = submission.MainReporter();
    if (Status ready = ReadyToWrite(); !ready.ok()) {
      outcome.errors.push_back(ready.message());
      return outcome;
    }
    batch.applied_at = FormatRfc3339(clock_.Now());
    applied = store_.values().ApplyBatch(batch, submission.values.size(),
                                         StoredValues(submission, *catalog));
  }
  if (!applied.ok()) {
    outcome.errors.push_back(applied.status().message());
    return outcome;
  }
  outcome.result = IngestResult::kApplied;
  outcome.batch_id = applied.value();
  outcome.values = submission.values.size();
  outcome.skipped_rows = submission.skipped_rows;
  outcome.reporter = batch.reporter;
  batch.status = BatchStatus::kApplied;
  return outcome;
}

Status Ingestor::ReadyToWrite() const {
  return options_.before_writing ? options_.before_writing() : Status::Ok();
}

Result<long long> Ingestor::RecordBatch(const Batch& batch) {
  if (Status ready = ReadyToWrite(); !ready.ok()) return ready;
  return store_.values().RecordBatch(batch);
}

IngestOutcome Ingestor::IngestBytes(const std::string& name, std::string_view bytes,
                                    const Submitter& who) {
  Batch batch;
  if (bytes.size() > options_.max_file_bytes) {
    IngestOutcome outcome;
    outcome.file_name = name;
    outcome.result = IngestResult::kRejected;
    outcome.error_count = 1;
    outcome.errors.push_back(EscapeControl(name) + ": 文件太大 / is over the limit of " +
                             std::to_string(options_.max_file_bytes) + " bytes");
    return outcome;
  }
  IngestOutcome outcome = Ingest(name, bytes, who, batch);
  if (outcome.result == IngestResult::kRejected || outcome.result == IngestResult::kForbidden ||
      outcome.result == IngestResult::kDuplicate) {
    if (auto recorded = RecordBatch(batch); !recorded.ok()) {
      outcome.result = IngestResult::kFailed;
      outcome.errors.insert(outcome.errors.begin(), recorded.status().message());
    }
  }
  return outcome;
}

IngestOutcome Ingestor::IngestFile(const std::string& path, const Submitter& who) {
  const std::string name = BaseName(path);
  const bool in_inbox = layout_.InInbox(path);
  Batch batch;
  IngestOutcome outcome;
  outcome.file_name = path;
  auto gone = [&] {  // taken back by its writer, or by another ptmon
    outcome.result = IngestResult::kDeferred;
    outcome.errors.push_back("已不在收件箱 / is no longer in the inbox");
    return outcome;
  };
  if (auto there = files_.Stat(path); !there.ok()) {
    if (in_inbox && there.status().code() == StatusCode::kNotFound) return gone();
    outcome.errors.push_back(EscapeControl(there.status().message()));
    return outcome;
  }
  // From here on `source` is what is read and moved: the claimed file for the inbox.
  std::string source = path;
  if (in_inbox) {
    auto claimed = MoveNoReplace(files_, path, layout_.processing(), name);
    if (!claimed.ok()) {
      if (claimed.status().code() == StatusCode::kNotFound) return gone();
      outcome.errors.push_back(claimed.status().message());
      return outcome;
    }
    source = claimed.value();
  }
  // Back into the inbox under its own name; should that fail, or the name be taken meanwhile,
  // the file stays claimed as an unfinished move.
  auto give_back = [&] {
    if (!in_inbox) return;
    if (auto back = Move({source, layout_.inbox, name, true, ""}, outcome.errors); !back.ok())
      outcome.errors.push_back(back.status().message());
  };
  ReadOptions read_options;
  read_options.max_bytes = options_.max_file_bytes;
  read_options.refuse_while_written = in_inbox;
  auto contents = files_.ReadFile(source, read_options);
  if (contents.ok() && contents->still_being_written) {
    outcome.result = IngestResult::kDeferred;
    outcome.errors.push_back(
        "仍在写入 / is still being written; 写完后自动处理 / taken once "
        "complete");
    give_back();
    return outcome;
  }
  if (!contents.ok() && contents.status().IsIoError()) {  // kFailed: the machine's fault
    outcome.errors.push_back(contents.status().message());
    give_back();
    return outcome;
  }
  // A file from outside the inbox is archived as a copy. Writing and syncing it runs beside the
  // checking and the transaction; it is moved into place only once the batch is committed (or
  // found a duplicate).
  std::future<Result<std::string>> archive_copy;
  if (contents.ok() && !in_inbox) {
    archive_copy = std::async(std::launch::async, [&] {
      return WriteTemporary(files_, layout_.archive, name, contents->bytes);
    });
  }
  auto discard_copy = [&] {
    if (!archive_copy.valid()) return;
    if (auto copy = archive_copy.get(); copy.ok()) {
      if (Status removed = files_.Remove(*copy); !removed.ok())
        outcome.errors.push_back(removed.message());  // a hidden name, never taken for a report
    }
  };
  if (contents.ok()) {
    outcome = Ingest(path, contents->bytes, who, batch);
  } else {
    outcome.result = IngestResult::kRejected;
    outcome.error_count = 1;
    Diagnostic unreadable;
    unreadable.file = path;
    unreadable.message = contents.status().message();
    outcome.errors.push_back(unreadable.ToString());
    batch.file_name = path;
    batch.submitted_by = who.name;
    batch.sha256 = "";
    batch.received_at = FormatRfc3339(clock_.Now());
    batch.status = BatchStatus::kRejected;
    batch.error_text = outcome.errors.front();
  }
  if (outcome.result == IngestResult::kFailed) {  // try again later; leave the file
    discard_copy();
    give_back();
    return outcome;
  }
  if (outcome.result != IngestResult::kApplied) {
    if (auto recorded = RecordBatch(batch); !recorded.ok()) {
      outcome.result = IngestResult::kFailed;
      outcome.errors.insert(outcome.errors.begin(), recorded.status().message());
      discard_copy();
      give_back();
      return outcome;
    }
  }
  // The batch is committed; only now does the file move. Should the move fail, the file stays
  // claimed and FinishMoves tries again; should the process end first, the next start returns it
  // to the inbox, where its hash is found applied and it is archived as a duplicate.
  const Date today = clock_.Today();
  char month_dir[16];
  std::snprintf(month_dir, sizeof month_dir, "%04d/%02d", today.year, today.month);
  const bool rejected =
      outcome.result == IngestResult::kRejected || outcome.result == IngestResult::kForbidden;
  const std::string dir =
      rejected ? layout_.rejected : (fs::path(layout_.archive) / month_dir).string();
  const std::string sidecar = rejected ? SidecarText(outcome) : "";
  Result<std::string> placed = Status::Error("not placed");
  if (in_inbox) {
    placed = Move({source, dir, name, false, sidecar}, outcome.errors);
  } else if (contents.ok() && !rejected) {
    auto copy = archive_copy.get();
    placed = copy.ok() ? PlaceTemporary(files_, *copy, dir, name, outcome.errors) : copy.status();
  } else if (contents.ok()) {
    discard_copy();  // it was written beside the archive; the rejected folder may be elsewhere
    placed = WriteNoReplace(files_, dir, name, contents->bytes, outcome.errors);
    if (placed.ok()) {
      const std::string sidecar_name = BaseName(*placed) + ".errors.txt";
      auto written = WriteNoReplace(files_, dir, sidecar_name, sidecar, outcome.errors);
      if (!written.ok()) {
        outcome.errors.push_back(written.status().WithContext("writing " + sidecar_name).message());
      }
    }
  }
  if (placed.ok()) {
    outcome.moved_to = placed.value();
  } else if (contents.ok() || in_inbox) {
    outcome.errors.push_back(placed.status().message());
  }
  return outcome;
}

Result<std::string> Ingestor::Move(UnfinishedMove move, std::vector<std::string>& notes) {
  Result<std::string> moved = Status::Error("not moved");
  if (move.exact_name) {
    const std::string to = (fs::path(move.dir) / move.name).string();
    const Status renamed = files_.Rename(move.from, to);
    moved = renamed.ok() ? Result<std::string>(to) : Result<std::string>(renamed);
  } else {
    moved = MoveNoReplace(files_, move.from, move.dir, move.name);
  }
  if (!moved.ok()) {
    Status status = moved.status().WithContext("the file stays in " + layout_.processing() +
                                               " and is moved once possible");
    unfinished_.push_back(std::move(move));
    return status;
  }
  // The move is done; making it durable and writing the sidecar can fail without undoing it.
  if (Status synced = files_.SyncDirectory(move.dir); !synced.ok())
    notes.push_back(synced.message());
  if (!move.sidecar.empty()) {
    const std::string sidecar = BaseName(*moved) + ".errors.txt";
    auto written = WriteNoReplace(files_, move.dir, sidecar, move.sidecar, notes);
    if (!written.ok())
      notes.push_back(written.status().WithContext("writing " + sidecar).message());
  }
  return moved;
}

std::vector<std::string> Ingestor::FinishMoves() {
  std::vector<UnfinishedMove> pending = std::move(unfinished_);
  unfinished_.clear();
  std::vector<std::string> problems;
  for (auto& move : pending) {
    if (auto moved = Move(std::move(move), problems); !moved.ok())
      problems.push_back(moved.status().message());
  }
  return problems;
}

void Ingestor::AdoptUnfinishedMoves(std::vector<UnfinishedMove> moves) {
  for (auto& move : moves) unfinished_.push_back(std::move(move));
}

InboxScanner::InboxScanner(std::string inbox, const Clock& clock, FileSystem& files,
                           std::chrono::milliseconds settle)
    : inbox_(std::move(inbox)), clock_(clock), files_(files), settle_(settle) {}

void InboxScanner::MarkComplete(const std::string& name) {
  Seen& seen = seen_[name];
  if (seen.deferred_until <= clock_.Now()) seen.complete = true;  // else: our own give-back
}

void InboxScanner::Defer(const std::string& name, std::chrono::milliseconds wait) {
  Seen& seen = seen_[name];
  seen.complete = false;
  seen.deferred_until = clock_.Now() + wait;
}

Result<std::vector<std::string>> InboxScanner::Ready() {
  const auto now = clock_.Now();
  auto entries = files_.List(inbox_);
  if (!entries.ok()) return entries.status();
  std::map<std::string, Seen> still_there;
  std::vector<std::string> ready;
  for (const auto& [name, info] : *entries) {
    // Anything a person may have meant as a report is taken — and refused with a reason if it
    // is not one — except folders, which are left alone unless named like a report.
    if (IsIgnoredName(name) || (info.type == FileInfo::Type::kDirectory && !IsReportName(name)))
      continue;
    Seen seen = seen_.count(name) ? seen_[name] : Seen{};
    if (seen.size != info.size || seen.mtime_ns != info.mtime_ns) {
      seen.size = info.size;
      seen.mtime_ns = info.mtime_ns;
      seen.stable_since = now;
    }
    const bool deferred = seen.deferred_until > now;
    if (!deferred && (seen.complete || now - seen.stable_since >= settle_)) ready.push_back(name);
    still_there[name] = seen;
  }
  for (auto& name : ready) {
    still_there.erase(name);  // taken away by the caller; forget it
    name = (fs::path(inbox_) / name).string();
  }
  seen_ = std::move(still_there);
  std::sort(ready.begin(), ready.end());
  return ready;
}

void Ingestor::AddOtherYear(std::shared_ptr<const Catalog> catalog) {
  const int year = catalog->year;
  other_years_[year] = std::move(catalog);
}

Result<const Catalog*> Ingestor::CatalogOfYear(int year) {
  auto found = other_years_.find(year);
  if (found == other_years_.end()) {
    auto stored = StoredCatalogOfYear(store_, year);
    if (!stored.ok() && stored.status().IsIoError()) return stored.status();
    found = other_years_
                .emplace(year, stored.ok() ? std::make_shared<const Catalog>(std::move(*stored))
                                           : nullptr)
                .first;
  }
  return found->second.get();
}

}  // namespace ptmon
