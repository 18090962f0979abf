// Failures on demand, for the fault-injection suites: a FileSystem whose calls fail as a disk, a
// filesystem or permissions would (EACCES, EIO, ENOSPC …), and a SQLite VFS whose writes and
// syncs fail in the middle of a transaction. Both pass everything else to the real thing.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/file_system.h>

namespace ptmon::testing_support {

// Every call of the FileSystem seam, including those of the files it creates.
enum class FileCall {
  kStat,
  kList,
  kRead,
  kCreate,
  kWrite,
  kSync,
  kClose,
  kRename,
  kRemove,
  kMakeDirectories,
  kSyncDirectory,
};
inline constexpr FileCall kEveryFileCall[] = {FileCall::kStat,         FileCall::kList,
                                              FileCall::kRead,         FileCall::kCreate,
                                              FileCall::kWrite,        FileCall::kSync,
                                              FileCall::kClose,        FileCall::kRename,
                                              FileCall::kRemove,       FileCall::kMakeDirectories,
                                              FileCall::kSyncDirectory};
std::string_view FileCallName(FileCall call);

// Fails `call` with `error` from its `first`-th occurrence (1-based, counting only calls whose
// path contains `path_part`) until cleared: a disk stays full until someone frees space.
struct FileFault {
  FileCall call = FileCall::kRead;
  int error = 0;
  int first = 1;
  std::string path_part;
};

class FaultyFileSystem final : public FileSystem {
 public:
  explicit FaultyFileSystem(FileSystem& real = PosixFileSystem()) : real_(real) {}

  void Inject(FileFault fault);
  void Clear();
  // How many calls the fault has failed since it was injected.
  int failed() const;

  Result<FileInfo> Stat(const std::string& path) override;
  Result<std::vector<DirectoryEntry>> List(const std::string& dir) override;
  Result<FileContents> ReadFile(const std::string& path, const ReadOptions& options) override;
  Result<std::unique_ptr<WritableFile>> CreateTemporary(const std::string& dir,
                                                        const std::string& name) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Status MakeDirectories(const std::string& dir) override;
  Status SyncDirectory(const std::string& dir) override;

  // The failure `call` on `path` meets now, if any (thread-safe; files it created ask too).
  Status Check(FileCall call, const std::string& path);

 private:
  FileSystem& real_;
  mutable std::mutex mutex_;
  bool armed_ = false;
  FileFault fault_;
  int matching_calls_ = 0;
  int failed_ = 0;
};

// A SQLite VFS named "ptmon-faults" over the default one: once armed, the writes (or syncs) of
// the database and its journal fail with `code` after `allowed` of them have succeeded, until
// cleared. Open a Store with StoreOptions::vfs = kFaultyVfsName.
inline constexpr const char* kFaultyVfsName = "ptmon-faults";
enum class SqliteCall { kWrite, kSync };
void RegisterFaultySqliteVfs();
void ArmSqliteFault(SqliteCall call, int allowed, int code);
void ClearSqliteFault();
int SqliteFaultsHit();  // calls failed since armed

}  // namespace ptmon::testing_support
