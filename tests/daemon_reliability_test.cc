// Each way `ptmon serve` was seen to die, as a test against the real binary: an ordinary month
// with reasons read while it changes, scrapes during start-up, reloads that change the
// Alertmanager list under scrapes, signals before the loop runs, and damaged databases.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;
using Json = nlohmann::json;

class DaemonReliabilityTest : public testing::Test {
 protected:
  std::unique_ptr<ChildProcess> Spawn(std::vector<std::string> extra = {}) {
    port_ = FreePort();
    std::vector<std::string> argv = {
        PTMON_BINARY, "serve",       "--listen", "127.0.0.1:" + std::to_string(port_),
        "--data-dir", dir_ / "data", "--now",    "2026-08-15"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<ChildProcess>(argv, dir_ / "ptmon.log");
  }
  bool WaitReady() const {
    // Generous: sanitizer builds on a loaded machine parse large catalogues slowly.
    return WaitFor([&] { return HttpGet(Url("/readyz")).status == 200; },
                   std::chrono::seconds(180));
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Holds the database's write lock, edits the catalogue and sends SIGHUP: the reload waits
  // for the lock, provably in progress (the gauge says so) until `lock` is released.
  void ReloadHeldByLock(ChildProcess& ptmon, const std::string& edited) const {
    dir_.Write("catalog.yaml", edited);
    ptmon.Signal(SIGHUP);
    ASSERT_TRUE(WaitFor([&] {
      return HttpGet(Url("/metrics")).body.find("ptmon_config_reload_in_progress 1\n") !=
             std::string::npos;
    })) << ptmon.Log();
  }
  void Drop(const std::string& name, const std::string& content) const {
    const std::string temporary = dir_.Write("data/inbox/." + name + ".tmp", content);
    fs::rename(temporary, dir_ / ("data/inbox/" + name));
  }
  static bool Running(ChildProcess& process) {
    return process.Wait(std::chrono::milliseconds(0)) == -1;
  }

  TempDir dir_;
  int port_ = 0;
};

// Reads /api/v1/status and /metrics in a loop until stopped, counting answers that are not 200.
class Readers {
 public:
  Readers(std::vector<std::string> urls, int threads) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, urls, t] {
        for (size_t i = t; !stop_; ++i) {
          const auto result = HttpGet(urls[i % urls.size()]);
          ++reads_;
          if (result.status != 200) ++failures_;
        }
      });
    }
  }
  ~Readers() { Stop(); }
  void Stop() {
    stop_ = true;
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }
  int reads() const { return reads_; }
  int failures() const { return failures_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> reads_{0}, failures_{0};
  std::vector<std::thread> threads_;
};

// The crash of an ordinary July: the managers' reasons were read by HTTP threads from a
// vector the loop was growing.
TEST_F(DaemonReliabilityTest, AnOrdinaryJulyWithReasonsWhileEverythingIsRead) {
  auto ptmon = Spawn();
  ASSERT_TRUE(WaitReady()) << ptmon->Log();
  Readers readers({Url("/api/v1/status"), Url("/metrics"), Url("/api/v1/alerts")}, 3);
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"meetings-training", "sessions-held,2026-07,1"},
      {"building-maintenance", "devices-maintained,2026-07,3"},
      {"retiree-heating", "retirees-paid,2026-07,100"},
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    Drop("r" + std::to_string(i) + ".csv",
         "project,indicator,period,value,reason_category,reason,action,likelihood\n" +
             rows[i].first + "," + rows[i].second + ",人员,培训师资不足" + std::to_string(i) +
             ",外请讲师,有可能\n");
    ASSERT_TRUE(WaitFor([&] {
      return HttpGet(Url("/metrics"))
                 .body.find("ptmon_ingest_files_total{result=\"applied\"} " +
                            std::to_string(i + 1) + "\n") != std::string::npos;
    })) << ptmon->Log();
  }
  readers.Stop();
  ASSERT_TRUE(Running(*ptmon)) << ptmon->Log();
  EXPECT_EQ(readers.failures(), 0);
  EXPECT_GT(readers.reads(), 0);
  const Json status = Json::parse(HttpGet(Url("/api/v1/status")).body);
  int reasons = 0;
  for (const auto& project : status["projects"]) {
    for (const auto& indicator : project["indicators"]) {
      if (indicator.contains("reason") && !indicator["reason"].is_null()) {
        EXPECT_EQ(indicator["reason"]["category"], "人员保障");
        EXPECT_TRUE(indicator["reason"]["text"].get<std::string>().starts_with("培训师资不足"));
        ++reasons;
      }
    }
  }
  EXPECT_EQ(reasons, 3);
}

// Every endpoint but /healthz answers 503 until the first snapshot exists; nothing crashes.
TEST_F(DaemonReliabilityTest, RequestsDuringStartUpGet503UntilTheFirstSnapshot) {
  const std::string catalog = dir_.Write("catalog.yaml", SyntheticCatalog(1000, 10));
  auto ptmon = Spawn({"--catalog", catalog});
  std::atomic<bool> ready{false};
  std::atomic<int> unexpected{0}, early{0};
  std::vector<std::thread> clients;
  for (const char* path : {"/metrics", "/api/v1/status", "/api/v1/alerts", "/readyz"}) {
    clients.emplace_back([&, path] {
      while (!ready) {
        const auto result = HttpGet(Url(path));
        if (result.status == 503) ++early;
        if (result.status == 200 && std::string(path) == "/readyz") ready = true;
        if (result.status != 0 && result.status != 503 && result.status != 200) ++unexpected;
      }
    });
  }
  for (auto& client : clients) client.join();
  ASSERT_TRUE(Running(*ptmon)) << ptmon->Log();
  EXPECT_EQ(unexpected, 0);
  EXPECT_GT(early, 0) << "the catalogue loads after HTTP starts, so early requests see 503";
  EXPECT_EQ(HttpGet(Url("/metrics")).status, 200);
}

// Reloads that replace the Alertmanager list (and so the delivery counters) while three
// scrapers render them.
TEST_F(DaemonReliabilityTest, ReloadsThatChangeTheAlertmanagersWhileScraped) {
  const std::string config = dir_ / "ptmon.yaml";
  auto write_config = [&](int generation) {
    std::ofstream(config) << "alerting:\n  alertmanagers: ['http://127.0.0.1:9/am" << generation
                          << "']\n";
  };
  write_config(0);
  auto ptmon = Spawn({"--config", config});
  ASSERT_TRUE(WaitReady()) << ptmon->Log();
  Readers readers({Url("/metrics")}, 3);
  for (int generation = 1; generation <= 40; ++generation) {
    write_config(generation);
    ptmon->Signal(SIGHUP);
    const std::string label = "alertmanager=\"http://127.0.0.1:9/am" + std::to_string(generation);
    ASSERT_TRUE(WaitFor([&] {
      return HttpGet(Url("/metrics")).body.find(label) != std::string::npos;
    })) << ptmon->Log();
  }
  readers.Stop();
  ASSERT_TRUE(Running(*ptmon)) << ptmon->Log();
  EXPECT_EQ(readers.failures(), 0);
}

// A scrape that shows a reload succeeded shows the catalogue it loaded: one snapshot carries
// both.
TEST_F(DaemonReliabilityTest, ReloadSuccessIsNeverSeenWithTheOldCatalogue) {
  const std::string catalog = dir_.Write("catalog.yaml", SyntheticCatalog(20, 5));
  auto ptmon = Spawn({"--catalog", catalog});
  ASSERT_TRUE(WaitReady()) << ptmon->Log();
  dir_.Write("catalog.yaml", "# broken\n" + SyntheticCatalog(20, 5) + "  - id: [\n");
  ptmon->Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return HttpGet(Url("/metrics")).body.find("ptmon_config_reload_success 0\n") !=
           std::string::npos;
  })) << ptmon->Log();
  dir_.Write("catalog.yaml", SyntheticCatalog(21, 5));
  std::atomic<int> mixed{0}, after{0};
  std::atomic<bool> stop{false};
  std::thread scraper([&] {
    while (!stop) {
      const std::string body = HttpGet(Url("/metrics")).body;
      if (body.find("ptmon_config_reload_success 1\n") == std::string::npos) continue;
      ++after;
      if (body.find("project=\"p20\"") == std::string::npos) ++mixed;
    }
  });
  ptmon->Signal(SIGHUP);
  EXPECT_TRUE(WaitFor([&] { return after > 3; })) << ptmon->Log();
  stop = true;
  scraper.join();
  EXPECT_EQ(mixed, 0);
}

// Holds the database's write lock while a catalogue edit is reloaded, so the reload is provably
// in progress (ptmon_config_reload_in_progress 1) for as long as the test needs: scrapes are
// answered meanwhile, from the previous catalogue, and the new one is served whole once the
// lock goes.
TEST_F(DaemonReliabilityTest, AReloadInProgressNeverStopsTheScrapes) {
  const std::string catalog = dir_.Write("catalog.yaml", SyntheticCatalog(1000, 10));
  auto ptmon = Spawn({"--catalog", catalog});
  ASSERT_TRUE(WaitReady()) << ptmon->Log();
  DatabaseWriteLock lock(dir_ / "data/ptmon.db");
  ASSERT_NO_FATAL_FAILURE(ReloadHeldByLock(*ptmon, SyntheticCatalog(1001, 10)));
  for (int i = 0; i < 10; ++i) {
    const HttpResult scrape = HttpGet(Url("/metrics"));
    ASSERT_EQ(scrape.status, 200);
    EXPECT_NE(scrape.body.find("ptmon_config_reload_in_progress 1\n"), std::string::npos);
    EXPECT_EQ(scrape.body.find("project=\"p1000\""), std::string::npos);
    EXPECT_EQ(HttpGet(Url("/healthz")).status, 200);
  }
  lock.Release();
  EXPECT_TRUE(WaitFor([&] {
    const std::string body = HttpGet(Url("/metrics")).body;
    return body.find("ptmon_config_reload_in_progress 0\n") != std::string::npos &&
           body.find("project=\"p1000\"") != std::string::npos;
  })) << ptmon->Log();
  EXPECT_NE(HttpGet(Url("/metrics")).body.find("ptmon_config_reload_success 1\n"),
            std::string::npos);
}

// SIGTERM ends a load in progress, at the start or on a reload, within the second the README
// promises (a writer holding the database's lock would otherwise keep it waiting ten). Both
// runs append to one log: each looks for its own occurrence of a line.
TEST_F(DaemonReliabilityTest, SigtermCancelsALoadInProgress) {
  const std::string catalog = dir_.Write("catalog.yaml", SyntheticCatalog(300, 10));
  const auto count = [](const std::string& log, const std::string& line) {
    size_t found = 0;
    for (size_t at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++found;
    return found;
  };
  auto exits_soon = [&](ChildProcess& ptmon, size_t run) {
    const auto sent = std::chrono::steady_clock::now();
    ptmon.Signal(SIGTERM);
    EXPECT_EQ(ptmon.Wait(std::chrono::seconds(60)), 0) << ptmon.Log();
    // Generous for a busy machine, and still short of the lock's ten-second wait.
    EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(8));
    EXPECT_EQ(count(ptmon.Log(), "cancelled: ptmon is stopping"), run) << ptmon.Log();
  };
  {
    auto ptmon = Spawn({"--catalog", catalog});
    ASSERT_TRUE(WaitReady()) << ptmon->Log();
    DatabaseWriteLock lock(dir_ / "data/ptmon.db");
    ASSERT_NO_FATAL_FAILURE(ReloadHeldByLock(*ptmon, SyntheticCatalog(301, 10)));
    exits_soon(*ptmon, 1);
  }
  DatabaseWriteLock lock(dir_ / "data/ptmon.db");
  dir_.Write("catalog.yaml", SyntheticCatalog(302, 10));
  auto ptmon = Spawn({"--catalog", catalog});
  ASSERT_TRUE(WaitFor([&] {
    return count(ptmon->Log(), "loading the catalogue and stored values") == 2;
  })) << ptmon->Log();
  exits_soon(*ptmon, 2);
}

// Whether ptmon's main has begun, from /proc: the process is ptmon (exec is done) and SIGHUP,
// SIGINT and SIGTERM are blocked (held pending until the loop's handlers exist) or already
// caught by those handlers. Before exec the child is a copy of the test, whose mask says
// nothing about ptmon (a sanitizer's fork may block every signal there for a moment); before
// main, a signal is the default action, and no program can help that.
bool MainHasBegun(pid_t pid) {
  std::error_code error;
  const auto exe = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", error);
  if (error || fs::weakly_canonical(exe, error) != fs::weakly_canonical(PTMON_BINARY, error))
    return false;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  const unsigned long long wanted =
      (1ull << (SIGHUP - 1)) | (1ull << (SIGINT - 1)) | (1ull << (SIGTERM - 1));
  std::string line;
  while (std::getline(status, line)) {
    for (const char* field : {"SigBlk:", "SigCgt:"}) {
      if (line.starts_with(field) && (std::stoull(line.substr(7), nullptr, 16) & wanted) == wanted)
        return true;
    }
  }
  return false;
}

// A signal that arrives once main runs, before the loop has its handlers, waits for them.
TEST_F(DaemonReliabilityTest, SignalsDuringStartUpAreHandledNotFatal) {
  const std::string catalog = dir_.Write("catalog.yaml", SyntheticCatalog(300, 10));
  {
    auto ptmon = Spawn({"--catalog", catalog});
    ASSERT_TRUE(WaitFor([&] { return MainHasBegun(ptmon->pid()); }));
    ptmon->Signal(SIGHUP);
    ASSERT_TRUE(WaitReady()) << ptmon->Log();
    EXPECT_TRUE(WaitFor([&] { return ptmon->Log().find("reloaded:") != std::string::npos; }))
        << ptmon->Log();
    ptmon->Signal(SIGTERM);
    EXPECT_EQ(ptmon->Wait(std::chrono::seconds(60)), 0) << ptmon->Log();
  }
  auto ptmon = Spawn({"--catalog", catalog});
  ASSERT_TRUE(WaitFor([&] { return MainHasBegun(ptmon->pid()); }));
  ptmon->Signal(SIGTERM);
  EXPECT_EQ(ptmon->Wait(std::chrono::seconds(60)), 0) << ptmon->Log();
}

// Damaged databases are refused with what to do; a healthy one reports its check.
TEST_F(DaemonReliabilityTest, ADamagedOrEmptiedDatabaseIsRefused) {
  {
    auto ptmon = Spawn();
    ASSERT_TRUE(WaitReady()) << ptmon->Log();
    Drop("july.csv",
         "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-07,3\n");
    ASSERT_TRUE(WaitFor([&] {
      return HttpGet(Url("/metrics")).body.find("ptmon_ingest_files_total{result=\"applied\"} 1") !=
             std::string::npos;
    }));
    const std::string metrics = HttpGet(Url("/metrics")).body;
    EXPECT_EQ(metrics.find("ptmon_store_check_timestamp_seconds 0\n"), std::string::npos);
    EXPECT_NE(metrics.find("ptmon_store_check_timestamp_seconds "), std::string::npos);
    ptmon->Signal(SIGTERM);
    ASSERT_EQ(ptmon->Wait(), 0) << ptmon->Log();
  }
  const std::string db = dir_ / "data/ptmon.db";
  ASSERT_EQ(RunProcess({"sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"}).exit_code, 0);
  const std::string healthy = ReadFile(db);
  ASSERT_GE(healthy.size(), 16u * 4096);
  for (const double where : {0.25, 0.5, 0.75}) {
    std::string damaged = healthy;
    const size_t offset = static_cast<size_t>(damaged.size() * where) / 4096 * 4096;
    for (size_t i = 0; i < 4096; ++i) damaged[offset + i] = static_cast<char>(i * 131 + 7);
    std::ofstream(db, std::ios::binary | std::ios::trunc) << damaged;
    auto ptmon = Spawn();
    EXPECT_EQ(ptmon->Wait(std::chrono::seconds(60)), 2) << "page at " << offset;
    EXPECT_NE(ptmon->Log().find("ptmon backup"), std::string::npos) << ptmon->Log();
  }
  std::ofstream(db, std::ios::binary | std::ios::trunc).flush();
  auto ptmon = Spawn();
  EXPECT_EQ(ptmon->Wait(std::chrono::seconds(60)), 2);
  EXPECT_NE(ptmon->Log().find("is empty (0 bytes)"), std::string::npos) << ptmon->Log();
}

}  // namespace
}  // namespace ptmon
