#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <future>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ptmon/base/sha256.h>
#include <ptmon/base/text.h>
#include <ptmon/ingest/ingestor.h>

namespace ptmon {

namespace fs = std::filesystem;

namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string BaseName(const std::string& path) { return fs::path(path).filename().string(); }

std::optional<ReportFormat> FormatOf(std::string_view name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() > suffix.size() &&
           NormalizeKey(name.substr(name.size() - suffix.size())) == suffix;
  };
  if (ends(".csv")) return ReportFormat::kCsv;
  if (ends(".yaml") || ends(".yml")) return ReportFormat::kYaml;
  return std::nullopt;
}

// Reads a regular file without following a symlink, so a link planted in the inbox can never
// make ptmon read (or later move) something outside it. With `still_being_written`, also asks
// whether anyone still has the file open for writing — a read lease is refused then, where the
// filesystem and permissions allow leases at all — and whether it changed while being read;
// either sets the flag and returns no bytes.
Result<std::string> ReadRegularFile(const std::string& path, size_t max_bytes,
                                    bool* still_being_written = nullptr) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP)
      return Status::Error("是符号链接, 不予处理 / is a symbolic link; copy the file itself");
    return Status::Error(Errno("cannot open"));
  }
  struct stat before {};
  if (fstat(fd, &before) != 0 || !S_ISREG(before.st_mode)) {
    close(fd);
    return Status::Error("不是普通文件 / is not a regular file (a folder, pipe or device)");
  }
  if (still_being_written != nullptr) {
    // Held only while reading; no one else knows the claimed path, so no one breaks it.
    if (fcntl(fd, F_SETLEASE, F_RDLCK) != 0 && errno == EAGAIN) {
      close(fd);
      *still_being_written = true;
      return Status::Error("仍在写入 / is still open for writing");
    }
  }
  if (static_cast<size_t>(before.st_size) > max_bytes) {
    close(fd);
    return Status::Error("文件太大 / is " + std::to_string(before.st_size) +
                         " bytes, over the limit of " + std::to_string(max_bytes) +
                         "; split it into smaller files");
  }
  std::string bytes(static_cast<size_t>(before.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  struct stat after {};
  const bool unchanged = fstat(fd, &after) == 0 && after.st_size == before.st_size &&
                         after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
                         after.st_mtim.tv_nsec == before.st_mtim.tv_nsec;
  close(fd);  // releases the lease, if one was taken
  if (still_being_written != nullptr && (!unchanged || done != bytes.size())) {
    *still_being_written = true;
    return Status::Error("读取时仍在变化 / changed while being read");
  }
  if (done != bytes.size()) return Status::Error("changed while being read; drop it again");
  return bytes;
}

// Moves `from` to `dir/name`, or to `dir/stem-2.ext`, `-3` … when taken; never overwrites.
Result<std::string> MoveNoReplace(const std::string& from, const std::string& dir,
                                  const std::string& name) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return Status::Error("cannot create " + dir + ": " + error.message());
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
    if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return to;
    if (errno != EEXIST) return Status::Error(Errno("cannot move " + from + " to " + to));
  }
  return Status::Error("too many files named " + name + " in " + dir);
}

// Writes bytes to a new hidden file in `dir` and syncs it; returns its path. Hidden names are
// never taken for reports, and the random suffix keeps concurrent writers apart.
Result<std::string> WriteTemporary(const std::string& dir, const std::string& name,
                                   std::string_view bytes) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return Status::Error("cannot create " + dir + ": " + error.message());
  std::string temporary = (fs::path(dir) / ("." + name + ".XXXXXX")).string();
  const int fd = mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) return Status::Error(Errno("cannot write in " + dir));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool written = done == bytes.size() && fchmod(fd, 0640) == 0 && fsync(fd) == 0;
  close(fd);
  if (!written) {
    unlink(temporary.c_str());
    return Status::Error(Errno("cannot write " + temporary));
  }
  return temporary;
}

// Moves a temporary file to `dir/name` as MoveNoReplace does, removing it if that fails.
Result<std::string> PlaceTemporary(const std::string& temporary, const std::string& dir,
                                   const std::string& name) {
  auto moved = MoveNoReplace(temporary, dir, name);
  if (!moved.ok()) unlink(temporary.c_str());
  return moved;
}

// Writes bytes to a new file `dir/name` (suffixing as MoveNoReplace does), via a temporary
// name and a rename so readers never see half a file.
Result<std::string> WriteNoReplace(const std::string& dir, const std::string& name,
                                   std::string_view bytes) {
  auto temporary = WriteTemporary(dir, name, bytes);
  if (!temporary.ok()) return temporary.status();
  return PlaceTemporary(*temporary, dir, name);
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

}  // namespace

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

Status InboxLayout::Create() const {
  for (const auto& dir : {inbox, processing(), archive, rejected}) {
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) return Status::Error("cannot create " + dir + ": " + error.message());
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
    case IngestResult::kFailed:
      return name + ": not processed: " + (errors.empty() ? "unknown failure" : errors.front());
    case IngestResult::kDeferred:
      return name + ": not taken now: " + (errors.empty() ? "try again later" : errors.front());
  }
  return name;
}

Result<int> ReturnClaimedFiles(const InboxLayout& layout) {
  std::error_code error;
  int returned = 0;
  for (fs::directory_iterator it(layout.processing(), error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    const std::string back = (fs::path(layout.inbox) / name).string();
    if (renameat2(AT_FDCWD, it->path().c_str(), AT_FDCWD, back.c_str(), RENAME_NOREPLACE) == 0) {
      ++returned;
    } else if (errno != EEXIST && errno != ENOENT) {
      return Status::Error(Errno("cannot return " + it->path().string() + " to the inbox"));
    }
  }
  if (error && error != std::errc::no_such_file_or_directory) {
    return Status::Error("cannot list " + layout.processing() + ": " + error.message());
  }
  return returned;
}

bool IsReportName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.starts_with("~$")) return false;
  if (name.ends_with(".tmp") || name.ends_with(".part")) return false;
  return FormatOf(name).has_value();
}

Ingestor::Ingestor(Store& store, const Catalog& catalog, const Clock& clock, InboxLayout layout,
                   IngestOptions options)
    : store_(store),
      catalog_(catalog),
      clock_(clock),
      layout_(std::move(layout)),
      options_(std::move(options)) {}

IngestOutcome Ingestor::Ingest(const std::string& name, std::string_view bytes, Batch& batch) {
  IngestOutcome outcome;
  outcome.file_name = name;
  outcome.sha256 = batch.sha256 = Sha256Hex(bytes);
  batch.file_name = name;
  batch.size_bytes = static_cast<long long>(bytes.size());
  batch.received_at = FormatRfc3339(clock_.Now());
  auto previous = store_.FindAppliedBatch(batch.sha256);
  if (!previous.ok()) {
    outcome.errors.push_back(previous.status().message());
    return outcome;
  }
  if (previous->has_value()) {
    outcome.result = IngestResult::kDuplicate;
    outcome.batch_id = previous->value().id;
    batch.status = BatchStatus::kDuplicate;
    batch.error_text = "duplicate of batch " + std::to_string(outcome.batch_id);
    return outcome;
  }
  Diagnostics diagnostics;
  const auto format = FormatOf(name);
  Submission submission;
  if (!format) {
    diagnostics.Error(name, 0, 0, "不是 .csv 或 .yaml 文件 / is not a .csv, .yaml or .yml file");
  } else {
    submission =
        ParseReport(bytes, *format, name, catalog_, clock_.Today(), options_.parse, diagnostics);
  }
  if (!diagnostics.has_errors() && submission.values.empty()) {
    diagnostics.Error(name, 0, 0, "没有填写任何完成值 / every value is empty; nothing to apply");
  }
  if (diagnostics.has_errors()) {
    outcome.result = IngestResult::kRejected;
    outcome.error_count = diagnostics.error_count();
    for (const auto& diagnostic : diagnostics.all()) {
      if (outcome.errors.size() >= options_.max_listed_errors) break;
      if (diagnostic.severity == Severity::kError) outcome.errors.push_back(diagnostic.ToString());
    }
    batch.status = BatchStatus::kRejected;
    for (const auto& error : outcome.errors) {
      if (batch.error_text.size() > 4000) break;
      batch.error_text += error + "\n";
    }
    return outcome;
  }
  batch.reporter = submission.MainReporter();
  batch.applied_at = FormatRfc3339(clock_.Now());
  auto applied =
      store_.ApplyBatch(batch, submission.values.size(), StoredValues(submission, catalog_));
  if (!applied.ok()) {
    outcome.errors.push_back(applied.status().message());
    return outcome;
  }
  outcome.result = IngestResult::kApplied;
  outcome.batch_id = applied.value();
  outcome.values = submission.values.size();
  outcome.skipped_rows = submission.skipped_rows;
  batch.status = BatchStatus::kApplied;
  return outcome;
}

IngestOutcome Ingestor::IngestBytes(const std::string& name, std::string_view bytes) {
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
  IngestOutcome outcome = Ingest(name, bytes, batch);
  if (outcome.result == IngestResult::kRejected || outcome.result == IngestResult::kDuplicate) {
    if (auto recorded = store_.RecordBatch(batch); !recorded.ok()) {
      outcome.result = IngestResult::kFailed;
      outcome.errors.insert(outcome.errors.begin(), recorded.status().message());
    }
  }
  return outcome;
}

IngestOutcome Ingestor::IngestFile(const std::string& path) {
  const std::string name = BaseName(path);
  const bool in_inbox = layout_.InInbox(path);
  Batch batch;
  IngestOutcome outcome;
  struct stat link_info {};
  if (lstat(path.c_str(), &link_info) != 0) {
    outcome.file_name = path;
    if (in_inbox) {  // taken back by its writer, or by another ptmon
      outcome.result = IngestResult::kDeferred;
      outcome.errors.push_back("已不在收件箱 / is no longer in the inbox");
      return outcome;
    }
    outcome.errors.push_back(
        Errno(EscapeControl(path)));  // a mistyped path: nothing to record or move
    return outcome;
  }
  // From here on `source` is what is read and moved: the claimed file for the inbox.
  std::string source = path;
  if (in_inbox) {
    auto claimed = MoveNoReplace(path, layout_.processing(), name);
    if (!claimed.ok()) {
      outcome.file_name = path;
      if (lstat(path.c_str(), &link_info) != 0) {
        outcome.result = IngestResult::kDeferred;
        outcome.errors.push_back("已不在收件箱 / is no longer in the inbox");
      } else {
        outcome.errors.push_back(claimed.status().message());
      }
      return outcome;
    }
    source = claimed.value();
  }
  // Back into the inbox under its own name; should that name be taken meanwhile, the file stays
  // claimed and ReturnClaimedFiles brings it back later.
  auto give_back = [&] {
    if (in_inbox) renameat2(AT_FDCWD, source.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
  };
  bool still_being_written = false;
  auto bytes =
      ReadRegularFile(source, options_.max_file_bytes, in_inbox ? &still_being_written : nullptr);
  if (still_being_written) {
    give_back();
    outcome.file_name = path;
    outcome.result = IngestResult::kDeferred;
    outcome.errors.push_back(bytes.status().message() + "; 写完后自动处理 / taken once complete");
    return outcome;
  }
  // A file from outside the inbox is archived as a copy. Writing and syncing it runs beside the
  // checking and the transaction; it is moved into place only once the batch is committed (or
  // found a duplicate).
  std::future<Result<std::string>> archive_copy;
  if (bytes.ok() && !in_inbox) {
    archive_copy = std::async(std::launch::async,
                              [&] { return WriteTemporary(layout_.archive, name, *bytes); });
  }
  auto discard_copy = [&] {
    if (!archive_copy.valid()) return;
    if (auto copy = archive_copy.get(); copy.ok()) unlink(copy->c_str());
  };
  if (bytes.ok()) {
    outcome = Ingest(path, *bytes, batch);
  } else {
    outcome.file_name = path;
    outcome.result = IngestResult::kRejected;
    outcome.error_count = 1;
    outcome.errors.push_back(
        Diagnostic{Severity::kError, path, 0, 0, bytes.status().message()}.ToString());
    batch.file_name = path;
    batch.sha256 = "";
    batch.received_at = FormatRfc3339(clock_.Now());
    batch.status = BatchStatus::kRejected;
    batch.error_text = outcome.errors.front();
  }
  if (outcome.result == IngestResult::kFailed) {  // retry later; leave the file
    discard_copy();
    give_back();
    return outcome;
  }
  if (outcome.result != IngestResult::kApplied) {
    if (auto recorded = store_.RecordBatch(batch); !recorded.ok()) {
      outcome.result = IngestResult::kFailed;
      outcome.errors.insert(outcome.errors.begin(), recorded.status().message());
      discard_copy();
      give_back();
      return outcome;
    }
  }
  // The batch is committed; only now does the file move. A crash before the move leaves it in
  // the inbox, where the next scan finds its hash applied and archives it as a duplicate.
  const Date today = clock_.Today();
  char month_dir[16];
  std::snprintf(month_dir, sizeof month_dir, "%04d/%02d", today.year, today.month);
  const bool rejected = outcome.result == IngestResult::kRejected;
  const std::string dir =
      rejected ? layout_.rejected : (fs::path(layout_.archive) / month_dir).string();
  Result<std::string> placed = Status::Error("not placed");
  if (in_inbox) {
    placed = MoveNoReplace(source, dir, name);
  } else if (bytes.ok() && !rejected) {
    auto copy = archive_copy.get();
    placed = copy.ok() ? PlaceTemporary(*copy, dir, name) : copy.status();
  } else if (bytes.ok()) {
    discard_copy();  // it was written beside the archive; the rejected folder may be elsewhere
    placed = WriteNoReplace(dir, name, *bytes);
  }
  if (placed.ok()) {
    outcome.moved_to = placed.value();
    if (rejected) {
      auto sidecar =
          WriteNoReplace(dir, BaseName(outcome.moved_to) + ".errors.txt", SidecarText(outcome));
      if (!sidecar.ok()) outcome.errors.push_back(sidecar.status().message());
    }
  } else if (in_inbox) {
    outcome.errors.push_back(placed.status().message());
  }
  return outcome;
}

InboxScanner::InboxScanner(std::string inbox, const Clock& clock, std::chrono::milliseconds settle)
    : inbox_(std::move(inbox)), clock_(clock), settle_(settle) {}

void InboxScanner::MarkComplete(const std::string& name) {
  Seen& seen = seen_[name];
  if (seen.deferred_until <= clock_.Now()) seen.complete = true;  // else: our own give-back
}

void InboxScanner::Defer(const std::string& name) {
  Seen& seen = seen_[name];
  seen.complete = false;
  seen.deferred_until = clock_.Now() + settle_;
}

std::vector<std::string> InboxScanner::Ready() {
  const auto now = clock_.Now();
  std::map<std::string, Seen> still_there;
  std::vector<std::string> ready;
  DIR* dir = opendir(inbox_.c_str());
  if (dir == nullptr) return ready;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (!IsReportName(name)) continue;
    struct stat info {};
    if (fstatat(dirfd(dir), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
    Seen seen = seen_.count(name) ? seen_[name] : Seen{};
    const long long mtime_ns = info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec;
    if (seen.size != info.st_size || seen.mtime_ns != mtime_ns) {
      seen.size = info.st_size;
      seen.mtime_ns = mtime_ns;
      seen.stable_since = now;
    }
    const bool deferred = seen.deferred_until > now;
    if (!deferred && (seen.complete || now - seen.stable_since >= settle_)) ready.push_back(name);
    still_there[name] = seen;
  }
  closedir(dir);
  for (auto& name : ready) {
    still_there.erase(name);  // taken away by the caller; forget it
    name = (fs::path(inbox_) / name).string();
  }
  seen_ = std::move(still_there);
  std::sort(ready.begin(), ready.end());
  return ready;
}

}  // namespace ptmon
