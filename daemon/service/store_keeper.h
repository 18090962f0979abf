// The store keeper: the data directory's lock, the database connection the loop writes
// through, and the integrity check that runs beside the serving after the start.
//
// Threads: the loop owns the keeper and its store; the check runs on a thread of its own, on a
// read-only connection of its own, and reports to the loop by posting `finished`.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include <asio/io_context.hpp>

#include <ptmon/base/clock.h>
#include <ptmon/config/daemon_config.h>
#include <ptmon/storage/data_dir_lock.h>
#include <ptmon/storage/store.h>

namespace ptmon {

// Where large request bodies wait (request_body.h): in the data directory, on its disk.
std::string SpoolDirectory(const DaemonConfig& config);

class StoreKeeper {
 public:
  // `clock` (for when the check passed) must outlive the keeper.
  StoreKeeper(asio::io_context& loop, const Clock& clock) : loop_(loop), clock_(clock) {}
  ~StoreKeeper();  // waits for a check in progress
  StoreKeeper(const StoreKeeper&) = delete;
  StoreKeeper& operator=(const StoreKeeper&) = delete;

  // Creates the data directory, takes its lock (one daemon per directory), prepares the spool,
  // refuses an emptied database file, opens (and migrates) the database and warns about its
  // files that other accounts may read. Fails naming what went wrong.
  Status Open(const DaemonConfig& config);
  Store& store() { return *store_; }
  const std::string& path() const { return path_; }

  // Starts the integrity check (full up to 64 MB, quick above) on a thread of its own;
  // `finished` is posted to the loop when it ends, and should call TakeCheck.
  void StartCheck(std::function<void()> finished);
  // The check, run now on this thread: when the start failed before the check began, damage
  // shows first wherever a damaged page is read, and the check names it and says what to do.
  Status CheckNow() const { return Store::CheckFile(path_, mode_); }
  // The check's outcome the first time it is asked for after the check (waiting for it while
  // it runs), then nothing: a check that passed is logged and its figures kept.
  std::optional<Status> TakeCheck();
  double check_timestamp() const { return check_timestamp_; }  // Unix seconds; 0 before
  double check_seconds() const { return check_seconds_; }

  // Closes the database, then releases the data directory's lock.
  void Close();

 private:
  struct CheckResult {
    Status status;
    double seconds = 0;
  };

  asio::io_context& loop_;
  const Clock& clock_;
  std::unique_ptr<DataDirLock> lock_;
  std::unique_ptr<Store> store_;
  std::string path_;
  IntegrityCheck mode_ = IntegrityCheck::kFull;
  std::future<CheckResult> check_;  // the integrity check, until the loop takes it
  double check_timestamp_ = 0;
  double check_seconds_ = 0;
};

}  // namespace ptmon
