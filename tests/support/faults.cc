#include "faults.h"

#include <atomic>
#include <cerrno>

#include <sqlite3.h>

namespace ptmon::testing_support {

std::string_view FileCallName(FileCall call) {
  switch (call) {
    case FileCall::kStat:
      return "stat";
    case FileCall::kList:
      return "list";
    case FileCall::kRead:
      return "read";
    case FileCall::kCreate:
      return "create";
    case FileCall::kWrite:
      return "write";
    case FileCall::kSync:
      return "sync";
    case FileCall::kClose:
      return "close";
    case FileCall::kRename:
      return "rename";
    case FileCall::kRemove:
      return "remove";
    case FileCall::kMakeDirectories:
      return "mkdir";
    case FileCall::kSyncDirectory:
      return "sync-dir";
  }
  return "?";
}

void FaultyFileSystem::Inject(FileFault fault) {
  std::lock_guard lock(mutex_);
  fault_ = std::move(fault);
  armed_ = true;
  matching_calls_ = 0;
  failed_ = 0;
}

void FaultyFileSystem::Clear() {
  std::lock_guard lock(mutex_);
  armed_ = false;
}

int FaultyFileSystem::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

Status FaultyFileSystem::Check(FileCall call, const std::string& path) {
  std::lock_guard lock(mutex_);
  if (!armed_ || call != fault_.call || path.find(fault_.path_part) == std::string::npos)
    return Status::Ok();
  if (++matching_calls_ < fault_.first) return Status::Ok();
  ++failed_;
  return StatusFromErrno(std::string("injected ") + std::string(FileCallName(call)) + " " + path,
                         fault_.error);
}

namespace {

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(std::unique_ptr<WritableFile> real, FaultyFileSystem& faults)
      : real_(std::move(real)), faults_(faults) {}
  const std::string& path() const override { return real_->path(); }
  Status Append(std::string_view bytes) override {
    if (Status fault = faults_.Check(FileCall::kWrite, path()); !fault.ok()) return fault;
    return real_->Append(bytes);
  }
  Status Sync() override {
    if (Status fault = faults_.Check(FileCall::kSync, path()); !fault.ok()) return fault;
    return real_->Sync();
  }
  Status Close() override {
    Status real = real_->Close();  // the descriptor is closed either way, as close(2) does
    if (Status fault = faults_.Check(FileCall::kClose, path()); !fault.ok()) {
      if (real.ok()) PosixFileSystem().Remove(path()).ok();  // as if never written
      return fault;
    }
    return real;
  }

 private:
  std::unique_ptr<WritableFile> real_;
  FaultyFileSystem& faults_;
};

}  // namespace

Result<FileInfo> FaultyFileSystem::Stat(const std::string& path) {
  if (Status fault = Check(FileCall::kStat, path); !fault.ok()) return fault;
  return real_.Stat(path);
}

Result<std::vector<DirectoryEntry>> FaultyFileSystem::List(const std::string& dir) {
  if (Status fault = Check(FileCall::kList, dir); !fault.ok()) return fault;
  return real_.List(dir);
}

Result<FileContents> FaultyFileSystem::ReadFile(const std::string& path,
                                                const ReadOptions& options) {
  if (Status fault = Check(FileCall::kRead, path); !fault.ok()) return fault;
  return real_.ReadFile(path, options);
}

Result<std::unique_ptr<WritableFile>> FaultyFileSystem::CreateTemporary(const std::string& dir,
                                                                        const std::string& name) {
  if (Status fault = Check(FileCall::kCreate, dir + "/" + name); !fault.ok()) return fault;
  auto file = real_.CreateTemporary(dir, name);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(std::move(file).value(), *this));
}

Status FaultyFileSystem::Rename(const std::string& from, const std::string& to) {
  if (Status fault = Check(FileCall::kRename, from + " -> " + to); !fault.ok()) return fault;
  return real_.Rename(from, to);
}

Status FaultyFileSystem::Remove(const std::string& path) {
  if (Status fault = Check(FileCall::kRemove, path); !fault.ok()) return fault;
  return real_.Remove(path);
}

Status FaultyFileSystem::MakeDirectories(const std::string& dir) {
  if (Status fault = Check(FileCall::kMakeDirectories, dir); !fault.ok()) return fault;
  return real_.MakeDirectories(dir);
}

Status FaultyFileSystem::SyncDirectory(const std::string& dir) {
  if (Status fault = Check(FileCall::kSyncDirectory, dir); !fault.ok()) return fault;
  return real_.SyncDirectory(dir);
}

// --- SQLite ---------------------------------------------------------------------------------

namespace {

struct SqliteFault {
  std::atomic<bool> armed{false};
  std::atomic<int> call{0};
  std::atomic<int> allowed{0};
  std::atomic<int> code{SQLITE_IOERR};
  std::atomic<int> seen{0};
  std::atomic<int> hit{0};
};
SqliteFault sqlite_fault;
sqlite3_vfs* real_vfs = nullptr;

struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;  // follows this struct in the same allocation
};

sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<FaultyFile*>(file)->real; }

bool Fails(SqliteCall call) {
  if (!sqlite_fault.armed || sqlite_fault.call != static_cast<int>(call)) return false;
  if (sqlite_fault.seen++ < sqlite_fault.allowed) return false;
  ++sqlite_fault.hit;
  return true;
}

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
  return Real(f)->pMethods->xRead(Real(f), buffer, amount, offset);
}
int Write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
  if (Fails(SqliteCall::kWrite)) return sqlite_fault.code;
  return Real(f)->pMethods->xWrite(Real(f), buffer, amount, offset);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  if (Fails(SqliteCall::kSync)) return sqlite_fault.code;
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int remove) { return Real(f)->pMethods->xShmUnmap(Real(f), remove); }
int Fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), offset, amount, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return Real(f)->pMethods->xUnfetch(Real(f), offset, page);
}

const sqlite3_io_methods kMethods = {3,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReservedLock,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics,
                                     ShmMap,
                                     ShmLock,
                                     ShmBarrier,
                                     ShmUnmap,
                                     Fetch,
                                     Unfetch};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* faulty = reinterpret_cast<FaultyFile*>(file);
  faulty->real = reinterpret_cast<sqlite3_file*>(faulty + 1);
  const int code = real_vfs->xOpen(real_vfs, name, faulty->real, flags, out_flags);
  faulty->base.pMethods = faulty->real->pMethods != nullptr ? &kMethods : nullptr;
  return code;
}

}  // namespace

void RegisterFaultySqliteVfs() {
  static sqlite3_vfs vfs = [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    sqlite3_vfs copy = *real_vfs;
    copy.zName = kFaultyVfsName;
    copy.szOsFile = static_cast<int>(sizeof(FaultyFile)) + real_vfs->szOsFile;
    copy.pNext = nullptr;
    copy.xOpen = Open;
    // Every other call (delete, access, full path, time …) is the real VFS's, with its own
    // pointer: the functions receive the vfs they were called through, so hand them the real one.
    copy.xDelete = [](sqlite3_vfs*, const char* name, int sync) {
      return real_vfs->xDelete(real_vfs, name, sync);
    };
    copy.xAccess = [](sqlite3_vfs*, const char* name, int flags, int* out) {
      return real_vfs->xAccess(real_vfs, name, flags, out);
    };
    copy.xFullPathname = [](sqlite3_vfs*, const char* name, int size, char* out) {
      return real_vfs->xFullPathname(real_vfs, name, size, out);
    };
    copy.xDlOpen = nullptr;
    copy.xDlError = nullptr;
    copy.xDlSym = nullptr;
    copy.xDlClose = nullptr;
    copy.xRandomness = [](sqlite3_vfs*, int size, char* out) {
      return real_vfs->xRandomness(real_vfs, size, out);
    };
    copy.xSleep = [](sqlite3_vfs*, int micros) { return real_vfs->xSleep(real_vfs, micros); };
    copy.xCurrentTime = [](sqlite3_vfs*, double* out) {
      return real_vfs->xCurrentTime(real_vfs, out);
    };
    copy.xGetLastError = [](sqlite3_vfs*, int size, char* out) {
      return real_vfs->xGetLastError(real_vfs, size, out);
    };
    copy.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* out) {
      return real_vfs->xCurrentTimeInt64(real_vfs, out);
    };
    copy.xSetSystemCall = nullptr;
    copy.xGetSystemCall = nullptr;
    copy.xNextSystemCall = nullptr;
    return copy;
  }();
  static const bool registered = sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
  (void)registered;
}

void ArmSqliteFault(SqliteCall call, int allowed, int code) {
  sqlite_fault.armed = false;
  sqlite_fault.call = static_cast<int>(call);
  sqlite_fault.allowed = allowed;
  sqlite_fault.code = code;
  sqlite_fault.seen = 0;
  sqlite_fault.hit = 0;
  sqlite_fault.armed = true;
}

void ClearSqliteFault() { sqlite_fault.armed = false; }

int SqliteFaultsHit() { return sqlite_fault.hit; }

}  // namespace ptmon::testing_support
