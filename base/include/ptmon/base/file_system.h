// The filesystem as ptmon's ingest path sees it — the inbox scan, the claim, the read, the
// archive and rejected copies, the return of claimed files — behind one seam, as leveldb's Env:
// the daemon and the commands run on PosixFileSystem(), tests wrap it to make any call fail
// (EACCES, EIO, ENOSPC …) and check that nothing is lost and nothing is recorded twice.
//
// Every failure is a Status naming the call, the path and the system's reason, with a code:
// kNotFound (ENOENT), kAlreadyExists (EEXIST), kInvalid for what is wrong with the file itself
// (a symlink, a folder, too large) and kIoError for everything else, which is the machine's
// fault, not the file's, and worth retrying.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/status.h>

namespace ptmon {

struct FileInfo {
  enum class Type { kRegular, kDirectory, kSymlink, kOther };
  Type type = Type::kOther;
  long long size = 0;
  long long mtime_ns = 0;
};

struct DirectoryEntry {
  std::string name;
  FileInfo info;
};

// A new file being written; it is removed again unless Close() succeeds after a Sync().
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual const std::string& path() const = 0;
  virtual Status Append(std::string_view bytes) = 0;
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
};

struct ReadOptions {
  size_t max_bytes = 64u << 20;
  // Gives back no bytes but still_being_written when someone still has the file open for
  // writing — where Linux can tell: a read lease is refused then — or it changes while read.
  bool refuse_while_written = false;
};

struct FileContents {
  std::string bytes;
  bool still_being_written = false;  // only with refuse_while_written; bytes are empty then
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Facts about `path` itself, not what a symlink points to.
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  // The entries of `dir` (without . and ..), with Stat's facts; an entry that vanishes while
  // listed is left out.
  virtual Result<std::vector<DirectoryEntry>> List(const std::string& dir) = 0;
  // Reads a whole regular file without following a symlink, so a link planted in the inbox can
  // never make ptmon read something outside it. Refuses (kInvalid) symlinks, anything not a
  // regular file and files over options.max_bytes.
  virtual Result<FileContents> ReadFile(const std::string& path, const ReadOptions& options) = 0;
  // Creates a new hidden file ".NAME.XXXXXX" in `dir` (mode 0640): hidden names are never
  // taken for reports, and the random suffix keeps concurrent writers apart.
  virtual Result<std::unique_ptr<WritableFile>> CreateTemporary(const std::string& dir,
                                                                const std::string& name) = 0;
  // Renames without ever replacing: kAlreadyExists when `to` is taken.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status Remove(const std::string& path) = 0;
  // Creates `dir` and its missing parents; an existing folder is fine.
  virtual Status MakeDirectories(const std::string& dir) = 0;
  // Makes the names created, renamed or removed in `dir` durable.
  virtual Status SyncDirectory(const std::string& dir) = 0;
};

// The machine's filesystem; lives as long as the process.
FileSystem& PosixFileSystem();

// A failed call as the seam reports it: "WHAT: <the system's reason>", coded by `error`.
Status StatusFromErrno(const std::string& what, int error);

// For libraries that write only to files (libxlsxwriter): runs `write` on a new private file in
// $TMPDIR (or /tmp) whose name ends in `suffix`, returns what it wrote and removes the file.
Result<std::string> ThroughTemporaryFile(const std::string& suffix,
                                         const std::function<Status(const std::string&)>& write);

// Writes `bytes` to a new temporary file in `dir` and syncs it; returns its path.
Result<std::string> WriteTemporaryFile(FileSystem& fs, const std::string& dir,
                                       const std::string& name, std::string_view bytes);

}  // namespace ptmon
