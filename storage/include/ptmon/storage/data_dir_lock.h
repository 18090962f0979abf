// One owner per data directory's inbox. `ptmon serve` takes an exclusive flock on
// <dir>/ptmon.lock and holds it for its whole life; `ptmon ingest` holds it while it takes files
// from the inbox. The kernel drops the lock when the process ends, however it ends, so there is
// never a stale lock to clean up. The file names the holder ("1234 ptmon serve") for the message
// that refuses a second one. Files given by path from elsewhere need no lock: SQLite serialises
// the writes, and the daemon notices them through the database.
#pragma once

#include <memory>
#include <string>

#include <ptmon/base/status.h>

namespace ptmon {

class DataDirLock {
 public:
  // Fails, naming the holder and its pid, when another process has the lock. `holder` says who
  // asks, e.g. "ptmon serve".
  static Result<std::unique_ptr<DataDirLock>> Acquire(const std::string& data_dir,
                                                      const std::string& holder);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace ptmon
