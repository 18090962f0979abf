#include "store_keeper.h"

#include <chrono>
#include <filesystem>

#include <asio/post.hpp>
#include <spdlog/spdlog.h>

#include <ptmon/base/file_system.h>
#include <ptmon/http/request_body.h>

namespace ptmon {

namespace {

// Databases up to this size get the full integrity check at start-up; larger ones the quick
// check, which reads every page but skips the index cross-check.
constexpr uintmax_t kFullCheckUpTo = 64u << 20;

}  // namespace

std::string SpoolDirectory(const DaemonConfig& config) {
  return (std::filesystem::path(config.data_dir) / "spool").string();
}

StoreKeeper::~StoreKeeper() {
  if (check_.valid()) check_.wait();
}

Status StoreKeeper::Open(const DaemonConfig& config) {
  if (Status made = PosixFileSystem().MakeDirectories(config.data_dir); !made.ok())
    return made.WithContext("creating the data directory");
  auto locked = DataDirLock::Acquire(config.data_dir, "ptmon serve");
  if (!locked.ok()) return locked.status();
  lock_ = std::move(locked).value();
  if (Status spool = PrepareSpoolDirectory(SpoolDirectory(config)); !spool.ok()) return spool;
  const std::string path = (std::filesystem::path(config.data_dir) / "ptmon.db").string();
  if (Status empty = Store::RefuseEmptyFile(path); !empty.ok()) return empty;
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(path, error);
  mode_ = !error && size > kFullCheckUpTo ? IntegrityCheck::kQuick : IntegrityCheck::kFull;
  auto opened = Store::Open(path);
  if (!opened.ok()) return opened.status();
  for (const std::string& warning : Store::ExposedFiles(path)) spdlog::warn("{}", warning);
  store_ = std::move(opened).value();
  path_ = path;
  return Status::Ok();
}

// The integrity check reads every page: 1–2 s for a province's 200 MB. It starts once the
// first snapshot is published (so it does not take the second core from the loading) and runs
// beside the serving, on a connection of its own; reads are served at once, and reports (the
// inbox, the write API) and reloads wait until it passes.
void StoreKeeper::StartCheck(std::function<void()> finished) {
  check_ = std::async(std::launch::async, [this, finished = std::move(finished)] {
    const auto start = std::chrono::steady_clock::now();
    CheckResult result{
        Store::CheckFile(path_, mode_),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
    asio::post(loop_, finished);
    return result;
  });
}

std::optional<Status> StoreKeeper::TakeCheck() {
  if (!check_.valid()) return std::nullopt;
  const CheckResult result = check_.get();
  if (result.status.ok()) {
    check_seconds_ = result.seconds;
    check_timestamp_ = UnixSeconds(clock_.Now());
    spdlog::info("database {} checked ({} check) in {:.3f} s", path_,
                 mode_ == IntegrityCheck::kFull ? "full" : "quick", result.seconds);
  }
  return result.status;
}

void StoreKeeper::Close() {
  store_.reset();
  lock_.reset();
}

}  // namespace ptmon
