// What reaches the store is exactly what was dropped, against the real binary: a correction
// renamed over the original while ptmon reads it, a writer that pauses with the file open, a
// second daemon on the same data directory, and `ptmon ingest` beside a running daemon.
#include <filesystem>
#include <set>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;
using Json = nlohmann::json;

const std::string kHeader = "project,indicator,period,value\n";

std::string Row(const std::string& period, int value) {
  return "building-maintenance,devices-maintained," + period + "," + std::to_string(value) + "\n";
}

class InboxClaimTest : public testing::Test {
 protected:
  std::unique_ptr<ChildProcess> Spawn(int port, const std::string& log) {
    const std::string config =
        dir_.Write("ptmon.yaml", "inbox:\n  settle: 300ms\n  rescan_interval: 1s\n");
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{PTMON_BINARY, "serve", "--config", config, "--listen",
                                 "127.0.0.1:" + std::to_string(port), "--data-dir", Data(), "--now",
                                 "2026-08-15"},
        dir_ / log);
  }
  void Start() {
    port_ = FreePort();
    ptmon_ = Spawn(port_, "ptmon.log");
    ASSERT_TRUE(WaitFor([&] { return HttpGet(Url("/readyz")).status == 200; })) << ptmon_->Log();
  }
  std::string Data() const { return dir_ / "data"; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // The counter's value on /metrics, -1 when absent.
  double Metric(const std::string& series) const {
    const std::string metrics = HttpGet(Url("/metrics")).body;
    const size_t at = metrics.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(metrics.substr(at + series.size() + 2));
  }
  double Files(const std::string& result) const {
    return Metric("ptmon_ingest_files_total{result=\"" + result + "\"}");
  }
  std::vector<double> HistoryValues() const {
    const auto history =
        RunPtmon({"history", "--data-dir", Data(), "--project", "building-maintenance",
                  "--indicator", "devices-maintained", "--format", "json", "--now", "2026-08-15"});
    EXPECT_EQ(history.exit_code, 0) << history.err;
    std::vector<double> values;
    for (const auto& revision : Json::parse(history.out)) values.push_back(revision["value"]);
    return values;
  }
  std::set<std::string> AppliedHashes() const {
    std::set<std::string> hashes;
    sqlite3* db = nullptr;
    sqlite3_open_v2((dir_ / "data/ptmon.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "SELECT sha256 FROM batch WHERE status = 'applied'", -1, &statement,
                       nullptr);
    while (sqlite3_step(statement) == SQLITE_ROW)
      hashes.insert(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return hashes;
  }
  static std::string Sha256Of(const std::string& path) {
    const auto sum = RunProcess({"sha256sum", path});
    return sum.out.substr(0, 64);
  }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> ptmon_;
};

// The write-then-rename pattern, twice in a row under one name: whichever version ptmon claims,
// it applies what it claimed, and the correction always lands.
TEST_F(InboxClaimTest, ACorrectionRenamedOverTheOriginalIsAlwaysApplied) {
  Start();
  constexpr int kFiles = 40;
  for (int i = 0; i < kFiles; ++i) {
    const std::string name = "rs-" + std::to_string(i) + ".csv";
    const std::string original =
        dir_.Write("data/inbox/.v1.tmp", kHeader + Row("2026-07", 100 + i));
    fs::rename(original, dir_ / ("data/inbox/" + name));
    // Writing the correction is all the gap there is: ptmon may or may not have claimed the
    // original by the time it replaces it.
    const std::string correction =
        dir_.Write("data/inbox/.v2.tmp", kHeader + Row("2026-07", 1000 + i));
    fs::rename(correction, dir_ / ("data/inbox/" + name));
  }
  ASSERT_TRUE(WaitFor([&] { return FilesWaitingIn(dir_ / "data/inbox") == 0; })) << ptmon_->Log();
  ASSERT_TRUE(WaitFor([&] { return Files("applied") + Files("duplicate") >= kFiles; }))
      << ptmon_->Log();
  const std::vector<double> values = HistoryValues();
  const std::set<double> seen(values.begin(), values.end());
  for (int i = 0; i < kFiles; ++i) EXPECT_TRUE(seen.count(1000 + i)) << "correction " << i;
  // Whatever order a backlog is taken in (by name), an original never lands after its correction.
  EXPECT_GE(values.back(), 1000);
  // The archive holds exactly the bytes each batch recorded.
  const std::set<std::string> applied = AppliedHashes();
  int archived = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "data/archive")) {
    if (!entry.is_regular_file()) continue;
    ++archived;
    EXPECT_TRUE(applied.count(Sha256Of(entry.path()))) << entry.path();
  }
  EXPECT_EQ(archived, static_cast<int>(values.size()));
}

// A writer that keeps the file open and pauses past the settle time: nothing of the first rows
// is applied until the file is closed, and then every row is.
TEST_F(InboxClaimTest, AFileStillOpenForWritingWaitsUntilItIsClosed) {
  Start();
  const std::string path = dir_ / "data/inbox/paused.csv";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  const std::string first = kHeader + Row("2026-01", 1) + Row("2026-02", 2) + Row("2026-03", 3);
  ASSERT_EQ(write(fd, first.data(), first.size()), static_cast<ssize_t>(first.size()));
  // Settled but open: ptmon takes it, sees the writer, and gives it back.
  ASSERT_TRUE(WaitFor([&] { return Files("deferred") >= 1; })) << ptmon_->Log();
  EXPECT_EQ(Files("applied"), 0);
  EXPECT_EQ(Files("rejected"), 0);
  const std::string rest =
      Row("2026-04", 4) + Row("2026-05", 5) + Row("2026-06", 6) + Row("2026-07", 7);
  ASSERT_EQ(write(fd, rest.data(), rest.size()), static_cast<ssize_t>(rest.size()));
  close(fd);
  ASSERT_TRUE(WaitFor([&] { return Files("applied") == 1; })) << ptmon_->Log();
  EXPECT_EQ(Metric("ptmon_ingest_values_total"), 7);
  EXPECT_EQ(HistoryValues().size(), 7u);
  EXPECT_EQ(ReadFile(dir_ / "data/archive/2026/08/paused.csv"), first + rest);
}

TEST_F(InboxClaimTest, ASecondDaemonOnTheSameDataDirectoryIsRefused) {
  Start();
  auto second = Spawn(FreePort(), "second.log");
  EXPECT_EQ(second->Wait(std::chrono::seconds(60)), 2);  // an environment failure
  EXPECT_NE(second->Log().find("ptmon serve (pid " + std::to_string(ptmon_->pid()) +
                               ") is using the data directory"),
            std::string::npos)
      << second->Log();
  EXPECT_EQ(HttpGet(Url("/healthz")).status, 200);
  // Once the first has stopped, the directory is free again, with nothing to clean up.
  ptmon_->Signal(SIGKILL);
  ptmon_->Wait();
  port_ = FreePort();
  ptmon_ = Spawn(port_, "third.log");
  EXPECT_TRUE(WaitFor([&] { return HttpGet(Url("/readyz")).status == 200; })) << ptmon_->Log();
}

// `ptmon ingest` writes to the daemon's database; the daemon serves the values within a second
// or so, and its own next file for the same series (created by the command) applies cleanly.
TEST_F(InboxClaimTest, IngestBesideARunningDaemonIsServedAtOnce) {
  Start();
  const std::string file = dir_.Write("outside/june.csv", kHeader + Row("2026-06", 21));
  const auto ingested = RunPtmon({"ingest", "--data-dir", Data(), "--now", "2026-08-15", file});
  ASSERT_EQ(ingested.exit_code, 0) << ingested.out << ingested.err;
  const std::string actual =
      "ptmon_indicator_actual{project=\"building-maintenance\",indicator=\"devices-maintained\"}";
  ASSERT_TRUE(WaitFor([&] { return Metric(actual) == 21; })) << ptmon_->Log();
  const std::string temporary = dir_.Write("data/inbox/.july.tmp", kHeader + Row("2026-07", 25));
  fs::rename(temporary, dir_ / "data/inbox/july.csv");
  ASSERT_TRUE(WaitFor([&] { return Metric(actual) == 25; })) << ptmon_->Log();
  EXPECT_EQ(ptmon_->Log().find("UNIQUE"), std::string::npos) << ptmon_->Log();
  // The inbox is the daemon's: the command does not take files from it beside the daemon.
  const auto inbox = RunPtmon({"ingest", "--data-dir", Data(), "--now", "2026-08-15"});
  EXPECT_EQ(inbox.exit_code, 2);
  EXPECT_NE(inbox.err.find("ptmon serve (pid " + std::to_string(ptmon_->pid()) + ") is using"),
            std::string::npos)
      << inbox.err;
}

}  // namespace
}  // namespace ptmon
