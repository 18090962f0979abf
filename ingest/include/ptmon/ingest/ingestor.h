// Applying report files: the single way data enters ptmon. Knows nothing of who calls it (the
// `ptmon ingest` command, the daemon's inbox watcher, the HTTP write API).
//
// A file in the inbox is first claimed: renamed into inbox/.processing/, so that a newer file
// renamed over the original name, or another ptmon, can no longer touch what is being read. A
// claimed file still open for writing (where Linux can tell: a read lease) or that changes
// while read goes back to the inbox, to be taken again later; nothing of a half file is applied.
// A file is checked whole; a file with any problem changes nothing and is moved to rejected/
// with NAME.errors.txt beside it. An accepted file is applied in one transaction, then moved to
// archive/YYYY/MM/ (never overwriting): the archive holds exactly the bytes whose sha256 the
// batch records. The same content twice is a duplicate: archived, reported, not applied again —
// also when a crash came between the commit and the move.
//
// Every filesystem call goes through the injected FileSystem. Bad content is rejected; an I/O
// failure (the disk, the filesystem or the database failing: Status::IsIoError) is kFailed: no
// batch is recorded, the file goes back to the inbox to be tried again. A move that fails after
// the batch was recorded leaves the file claimed, as an unfinished move that FinishMoves retries
// — the file is never ingested, and its batch never recorded, a second time.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/clock.h>
#include <ptmon/base/file_system.h>
#include <ptmon/ingest/actuals.h>
#include <ptmon/storage/store.h>

namespace ptmon {

struct InboxLayout {
  std::string inbox;
  std::string archive;
  std::string rejected;
  static InboxLayout ForDataDir(const std::string& data_dir);  // <dir>/inbox, <dir>/archive, …
  // Where claimed files are read: inside the inbox, so always on its filesystem (a rename).
  std::string processing() const;
  // Whether `path` names a file directly in the inbox (such files are claimed and moved).
  bool InInbox(const std::string& path) const;
  Status Create(FileSystem& files) const;
};

// Who sends a write, as its entry point authenticated them, and which projects they may report
// for. Every write carries one down to the Ingestor, which makes the one authorization decision
// and records `name` as the batch's submitter (a file's 填报人 column stays the values' reporter).
struct Submitter {
  std::string name;  // a console user, an API token's name, "inbox", "cli:<unix user>"
  bool all_projects = true;
  std::vector<std::string> projects;  // when !all_projects: the project ids allowed
  std::string unit;                   // when not empty: only projects of this budget unit

  // Every project (of `unit`, when given): the inbox, the command line, an admin, a token
  // without a list of projects.
  static Submitter Everything(std::string name, std::string unit = "");
  // Only `projects` (of `unit`, when given): a manager, a scoped token.
  static Submitter Only(std::string name, std::vector<std::string> projects, std::string unit = "");
  bool May(const Project& project) const;
};

// Reads the stored numbers of a year for a list of series, as Store::NumbersOfYear does.
using YearNumbers = std::function<Result<std::vector<ValueStore::MonthlyNumbers>>(
    int year, const std::vector<std::pair<std::string_view, std::string_view>>& series)>;

// A ParseOptions::values_before for `catalog` (which must outlive it): one `read` per year the
// wanted months name (a file names one, seldom two), for exactly the wanted series. A read that
// fails compares nothing with the past (the comparison with the target still is made).
ValuesBefore ValuesBeforeFrom(const Catalog& catalog, YearNumbers read);

struct IngestOptions {
  size_t max_file_bytes = 64u << 20;
  size_t max_listed_errors = 200;  // in the sidecar and the outcome; the count is always exact
  ParseOptions parse;
  // Runs before a file's batch is written (applied, refused or a duplicate); a failure ends the
  // file's ingest as kFailed, with nothing recorded and the file as it was. `ptmon ingest`
  // waits here for a new catalogue being recorded beside the check. Called on another thread
  // for a file written beside its last checks.
  std::function<Status()> before_writing;
  // A file of at least this many values is written on another thread, inside a transaction left
  // open, while the checks of the file as a whole run, reading the store through a second
  // connection (so never for an in-memory store, nor for a sender with a scope, whose rights
  // are decided before anything is written); it is committed only if they pass. A
  // province's revision is ready about a fifth sooner. Smaller files are written after their
  // checks.
  size_t write_beside_from_values = 10000;
};

// kDeferred: the file was still being written (or was taken away by someone else); nothing was
// recorded, and a file still there is back in the inbox for a later attempt.
// kFailed: an I/O failure (or a mistyped path); nothing was recorded, and an inbox file is back
// in the inbox (or, should that move fail too, an unfinished move) to be tried again later.
// kForbidden: the file names a project outside the submitter's scope; refused whole (recorded
// as a refused batch, moved to rejected/ like a bad file), nothing applied.
enum class IngestResult { kApplied, kDuplicate, kRejected, kFailed, kDeferred, kForbidden };
// applied, duplicate, rejected, failed, deferred, forbidden
std::string_view IngestResultName(IngestResult result);

struct IngestOutcome {
  IngestResult result = IngestResult::kFailed;
  std::string file_name;  // as given, for messages
  std::string sha256;
  long long batch_id = 0;  // the applied batch (or the one this duplicates)
  size_t values = 0;       // applied
  int skipped_rows = 0;    // left empty
  int error_count = 0;
  std::vector<std::string> errors;  // "file:line:col: message", at most max_listed_errors
  // The problems found in the file's rows, with their places, as `errors` lists them: for a
  // console that words the places itself.
  std::vector<Diagnostic> problems;
  std::string reporter;  // of an applied file: its 填报人, the one named most often
  std::string moved_to;  // where the file went, if it was moved or copied

  // One line for people: "report.csv: applied 120 values (batch 7)".
  std::string Summary() const;
};

// Puts back into the inbox the files a crash left claimed in inbox/.processing/, so that they
// are taken again like any other (one already applied is then archived as a duplicate). A name
// taken in the inbox meanwhile keeps its file claimed until a later call. Returns how many.
Result<int> ReturnClaimedFiles(FileSystem& files, const InboxLayout& layout);

// Names the inbox leaves alone: dot-files (LibreOffice and rsync temporaries among them), ~$*
// (Excel locks), *~, temporary and partial downloads (.tmp, .temp, .part, .partial, .filepart,
// .crdownload, .download, .swp), Thumbs.db and desktop.ini. Every other file dropped is taken:
// one that is not a report is refused into rejected/ with UnreadableFileMessage, never left.
bool IsIgnoredName(std::string_view name);
// The format a report's name says (.csv, .yaml or .yml, .xlsx; any case); nothing for others.
std::optional<ReportFormat> ReportFormatOf(std::string_view name);
// A name ptmon reads as a report: not ignored, ending in .csv, .yaml, .yml or .xlsx.
bool IsReportName(std::string_view name);
// Why a file that is not a report cannot be read, and what to send instead (Chinese / English).
std::string UnreadableFileMessage(std::string_view name);

// A claimed file whose move out of inbox/.processing/ failed: to the archive or rejected folder
// after its batch was recorded, or back into the inbox after nothing was.
struct UnfinishedMove {
  std::string from;  // the claimed file
  std::string dir;   // where it goes
  std::string name;
  bool exact_name = false;  // back into the inbox: under its own name or not at all (yet)
  std::string sidecar;      // NAME.errors.txt to write beside a rejected file
};

class Ingestor {
 public:
  // All references must outlive the ingestor. Not thread-safe: one ingest at a time.
  Ingestor(Store& store, const Catalog& catalog, const Clock& clock, FileSystem& files,
           InboxLayout layout, IngestOptions options = {});

  // Ingests a file: refuses non-regular files and symlinks (opened with O_NOFOLLOW) and files
  // over the size limit. Files in the inbox are claimed first and then moved; files elsewhere
  // are copied to the archive or rejected folder and left where they are. Every row is resolved
  // against the catalogue of its year, then checked against `who`'s scope before anything is
  // written: a row outside it makes the whole file kForbidden.
  IngestOutcome IngestFile(const std::string& path, const Submitter& who);

  // Ingests bytes that arrived without a file (the HTTP API, the console), with the same checks;
  // `name` decides the format by its extension. Nothing is written to the inbox folders.
  IngestOutcome IngestBytes(const std::string& name, std::string_view bytes, const Submitter& who);

  // Moves that failed; FinishMoves tries them again and returns the problems it met (the
  // reasons of those that still fail among them; see unfinished_moves()).
  size_t unfinished_moves() const { return unfinished_.size(); }
  std::vector<std::string> FinishMoves();
  // A catalogue of another year the caller already holds: files of that year are checked
  // against it instead of one read from the store.
  void AddOtherYear(std::shared_ptr<const Catalog> catalog);
  // Hands the unfinished moves to the ingestor that replaces this one (a reload).
  std::vector<UnfinishedMove> TakeUnfinishedMoves() { return std::move(unfinished_); }
  void AdoptUnfinishedMoves(std::vector<UnfinishedMove> moves);

 private:
  IngestOutcome Ingest(const std::string& name, std::string_view bytes, const Submitter& who,
                       Batch& batch);
  Status ReadyToWrite() const;  // IngestOptions::before_writing
  // Records a refused or duplicate file's batch, once ready to write.
  Result<long long> RecordBatch(const Batch& batch);
  // Carries out a move; returns where the file went, and keeps it as unfinished if it failed.
  // Problems that do not undo a move (syncing the folder, the sidecar) are added to `notes`.
  Result<std::string> Move(UnfinishedMove move, std::vector<std::string>& notes);

  // The catalogue a file of `year` is checked against when it is not the served one's: the
  // one the store last loaded for that year (read once), or null; fails only on I/O.
  Result<const Catalog*> CatalogOfYear(int year);

  Store& store_;
  const Catalog& catalog_;
  std::map<int, std::shared_ptr<const Catalog>> other_years_;  // null: none stored
  const Clock& clock_;
  FileSystem& files_;
  InboxLayout layout_;
  IngestOptions options_;
  std::vector<UnfinishedMove> unfinished_;
};

// Decides when a file in the inbox is complete: at once when the watcher saw it closed after
// writing or renamed in, otherwise once its size and mtime have not changed for `settle`
// (network shares send no events). Time comes from the injected clock.
class InboxScanner {
 public:
  InboxScanner(std::string inbox, const Clock& clock, FileSystem& files,
               std::chrono::milliseconds settle = std::chrono::seconds(2));

  void MarkComplete(const std::string& name);  // close-after-write or moved-in
  // A file that went back because it was still being written, or after an I/O failure: not
  // ready again until `wait` has passed and it has been left unchanged for `settle`, whatever
  // events its return into the inbox raised.
  void Defer(const std::string& name, std::chrono::milliseconds wait);
  void Defer(const std::string& name) { Defer(name, settle_); }
  // Files in the inbox (not IsIgnoredName) that are ready to ingest, sorted by name; fails when the
  // inbox cannot be listed.
  Result<std::vector<std::string>> Ready();
  // Whether the last Ready() saw files still settling (worth looking again after `settle`).
  bool HasWaiting() const { return !seen_.empty(); }

 private:
  struct Seen {
    long long size = -1;
    long long mtime_ns = -1;
    std::chrono::system_clock::time_point stable_since;
    bool complete = false;
    std::chrono::system_clock::time_point deferred_until;
  };
  std::string inbox_;
  const Clock& clock_;
  FileSystem& files_;
  std::chrono::milliseconds settle_;
  std::map<std::string, Seen> seen_;
};

}  // namespace ptmon
