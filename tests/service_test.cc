// The Service driven in-process, as the binary runs it but with a fixed business date and
// without the process's signals: start, serve a drop, reload, stop.
#include "service.h"

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include <ptmon/base/clock.h>
#include <ptmon/http/gzip.h>

#include "support/daemon.h"
#include "support/faults.h"
#include "support/process.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;

TEST(ServiceTest, StartsServesReloadsAndStopsInProcess) {
  TempDir dir;
  const FixedClock clock(Date{2026, 8, 15});
  ServeOptions options;
  options.config.listen = "127.0.0.1:0";
  options.config.data_dir = dir / "data";
  options.version = "test";
  options.handle_signals = false;
  int reloads = 0;
  options.reload_config = [&](Diagnostics&) -> Result<DaemonConfig> {
    ++reloads;
    DaemonConfig config;
    config.listen = "127.0.0.1:0";
    config.data_dir = dir / "data";
    config.alertmanagers = {"http://127.0.0.1:9"};  // a new list: new delivery counters
    return config;
  };
  Service service(options, clock);
  EXPECT_EQ(service.snapshot(), nullptr);
  ASSERT_TRUE(service.Start().ok());
  ASSERT_NE(service.snapshot(), nullptr) << "Start publishes the first snapshot";
  EXPECT_EQ(service.snapshot()->evaluation->as_of.month, 7);  // the fixed clock's July
  std::thread loop([&] { EXPECT_EQ(service.Run(), 0); });
  const std::string url = "http://127.0.0.1:" + std::to_string(service.port());
  EXPECT_EQ(HttpGet(url + "/readyz").status, 200);

  const std::string temporary =
      dir.Write("data/inbox/.july.tmp",
                "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-07,"
                "12\n");
  fs::rename(temporary, dir / "data/inbox/july.csv");
  EXPECT_TRUE(WaitFor([&] {
    // Held: what the snapshot owns lives as long as this reference to it, not longer.
    const std::shared_ptr<const Snapshot> snapshot = service.snapshot();
    return snapshot->evaluation->projects[0].indicators[0].actual == 12;
  }));

  // The whole status document is compressed once per snapshot and read many times: harder
  // than the fastest level, the same text inflated.
  const auto plain_status = HttpGet(url + "/api/v1/status");
  const auto gzip_status = HttpGet(url + "/api/v1/status", {"Accept-Encoding: gzip"});
  ASSERT_EQ(gzip_status.content_encoding, "gzip");
  EXPECT_EQ(Gunzip(gzip_status.body), plain_status.body);
  EXPECT_LT(gzip_status.body.size(), Gzip(plain_status.body).size());

  service.RequestReload();
  // The delivery counters live in the process's registry and appear as the reload makes them,
  // before its snapshot is published: wait for the snapshot, then read both.
  EXPECT_TRUE(WaitFor([&] { return service.snapshot()->config->alertmanagers.size() == 1u; }));
  EXPECT_NE(HttpGet(url + "/metrics").body.find("alertmanager=\"http://127.0.0.1:9\""),
            std::string::npos);
  EXPECT_EQ(reloads, 1);
  EXPECT_EQ(service.snapshot()->evaluation->projects[0].indicators[0].actual, 12)
      << "the reload keeps the values";

  service.RequestStop();
  loop.join();
  EXPECT_EQ(HttpGet(url + "/healthz").status, 0) << "nothing listens after the stop";
}

// The value of one sample in a /metrics page, or -1 when it is not there.
double Sample(const std::string& metrics, const std::string& series) {
  const size_t at = metrics.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::stod(metrics.substr(at + series.size() + 2));
}

// The disk fails under the running daemon: the inbox file cannot be read, then (once it can)
// the applied file cannot be moved to the archive. Each is tried again with a growing wait,
// shown on /metrics as a file awaiting retry, and once the disk is healed the file is applied
// once and archived, and the gauge returns to 0. The clock is the system's: the back-off waits
// are measured on it (20 ms doubling up to 160 ms here). A reload while the move waits hands it
// on.
TEST(ServiceTest, AnIoFailureIsRetriedWithBackOffAndShownUntilTheDiskHeals) {
  TempDir dir;
  const SystemClock clock;
  FaultyFileSystem files;
  ServeOptions options;
  options.config.listen = "127.0.0.1:0";
  options.config.data_dir = dir / "data";
  options.config.inbox_settle = std::chrono::milliseconds(20);
  options.config.inbox_retry_max = std::chrono::milliseconds(160);
  options.version = "test";
  options.handle_signals = false;
  options.files = &files;
  Service service(options, clock);
  ASSERT_TRUE(service.Start().ok());
  std::thread loop([&] { EXPECT_EQ(service.Run(), 0); });
  const std::string metrics_url = "http://127.0.0.1:" + std::to_string(service.port()) + "/metrics";
  auto metric = [&](const std::string& series) {
    return Sample(HttpGet(metrics_url).body, series);
  };
  const std::string report =
      "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-07,12\n";

  files.Inject({FileCall::kRead, EIO, 1, "july.csv"});
  const std::string temporary = dir.Write("data/inbox/.july.tmp", report);
  fs::rename(temporary, dir / "data/inbox/july.csv");
  EXPECT_TRUE(WaitFor([&] { return files.failed() >= 3; })) << "tried again, more than once";
  // The counter moves after the failure's snapshot is published, a moment after the fault.
  EXPECT_TRUE(WaitFor([&] {
    return metric("ptmon_ingest_files_total{result=\"failed\"}") >= 3 &&
           metric("ptmon_ingest_files_awaiting_retry{stage=\"ingest\"}") == 1;
  })) << HttpGet(metrics_url).body;
  EXPECT_EQ(metric("ptmon_ingest_files_total{result=\"applied\"}"), 0);
  EXPECT_TRUE(fs::exists(dir / "data/inbox/july.csv")) << "left in place";

  // The read heals; the move to the archive fails now.
  files.Inject({FileCall::kRename, ENOSPC, 1, "archive"});
  EXPECT_TRUE(WaitFor([&] {
    return metric("ptmon_ingest_files_total{result=\"applied\"}") == 1 &&
           metric("ptmon_ingest_files_awaiting_retry{stage=\"move\"}") == 1 &&
           metric("ptmon_ingest_files_awaiting_retry{stage=\"ingest\"}") == 0;
  }));
  EXPECT_EQ(service.snapshot()->evaluation->projects[0].indicators[0].actual, 12);
  EXPECT_TRUE(WaitFor([&] { return files.failed() >= 2; })) << "the move is tried again";
  EXPECT_TRUE(fs::exists(dir / "data/inbox/.processing/july.csv"));
  // A reload replaces the ingestor; the unfinished move goes with it to the new one.
  const auto before_reload = service.snapshot()->config;
  service.RequestReload();
  EXPECT_TRUE(WaitFor([&] { return service.snapshot()->config != before_reload; }));

  files.Clear();
  EXPECT_TRUE(
      WaitFor([&] { return metric("ptmon_ingest_files_awaiting_retry{stage=\"move\"}") == 0; }));
  EXPECT_FALSE(fs::exists(dir / "data/inbox/.processing/july.csv"));
  EXPECT_EQ(metric("ptmon_ingest_files_total{result=\"applied\"}"), 1) << "applied once";
  EXPECT_EQ(metric("ptmon_ingest_files_total{result=\"duplicate\"}"), 0);
  int archived = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "data/archive")) {
    archived += entry.path().filename() == "july.csv";
  }
  EXPECT_EQ(archived, 1);

  service.RequestStop();
  loop.join();
}

}  // namespace
}  // namespace ptmon
