// The Service driven in-process, as the binary runs it but with a fixed business date and
// without the process's signals: start, serve a drop, reload, stop.
#include "service.h"

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include <ptmon/base/clock.h>

#include "support/daemon.h"
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

  service.RequestReload();
  EXPECT_TRUE(WaitFor([&] {
    return HttpGet(url + "/metrics").body.find("alertmanager=\"http://127.0.0.1:9\"") !=
           std::string::npos;
  }));
  EXPECT_EQ(reloads, 1);
  EXPECT_EQ(service.snapshot()->config->alertmanagers.size(), 1u);
  EXPECT_EQ(service.snapshot()->evaluation->projects[0].indicators[0].actual, 12)
      << "the reload keeps the values";

  service.RequestStop();
  loop.join();
  EXPECT_EQ(HttpGet(url + "/healthz").status, 0) << "nothing listens after the stop";
}

}  // namespace
}  // namespace ptmon
