// The fixture of the tests that run `ptmon serve` as operators run it: the real binary on a free
// loopback port, its data in a temporary directory, reports dropped as writers should drop them.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon::testing_support {

inline const std::string kData = PTMON_TEST_DATA;
inline const std::string kToken = "test-token-0123456789abcdef";

class ServeTest : public testing::Test {
 protected:
  void Start(std::vector<std::string> extra = {}) {
    port_ = FreePort();
    std::vector<std::string> argv = {
        PTMON_BINARY, "serve",       "--listen", "127.0.0.1:" + std::to_string(port_),
        "--data-dir", dir_ / "data", "--now",    now_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ptmon_ = std::make_unique<ChildProcess>(argv, dir_ / "ptmon.log");
    ASSERT_TRUE(WaitFor([&] { return HttpGet(Url("/readyz")).status == 200; })) << ptmon_->Log();
  }
  // A real Prometheus scraping this ptmon every second, with `extra` configuration (rules).
  std::unique_ptr<ChildProcess> StartPrometheus(int port, const std::string& extra = "") const {
    const std::string config = dir_.Write(
        "prometheus.yml", "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n" + extra +
                              "scrape_configs:\n  - job_name: ptmon\n    static_configs:\n"
                              "      - targets: ['127.0.0.1:" +
                              std::to_string(port_) + "']\n");
    std::filesystem::create_directories(dir_ / "tsdb");
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"prometheus", "--config.file=" + config,
                                 "--storage.tsdb.path=" + (dir_ / "tsdb"),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port)},
        dir_ / "prometheus.log");
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string Metrics() const { return HttpGet(Url("/metrics")).body; }
  // Drops a report the way writers should: a temporary name, then a rename into place.
  void Drop(const std::string& name, const std::string& content) const {
    const std::string temporary = dir_.Write("data/inbox/." + name + ".tmp", content);
    std::filesystem::rename(temporary, dir_ / ("data/inbox/" + name));
  }
  bool MetricsContain(const std::string& line) const {
    return Metrics().find(line + "\n") != std::string::npos;
  }
  // A console account whose password is "correct horse 2026" (form-encoded:
  // correct+horse+2026), with `options` such as --role.
  void AddConsoleUser(const std::string& name, const std::vector<std::string>& options) const {
    std::vector<std::string> argv = {"user",
                                     "add",
                                     name,
                                     "--password-file",
                                     dir_.Write("password", "correct horse 2026\n"),
                                     "--data-dir",
                                     dir_ / "data"};
    argv.insert(argv.end(), options.begin(), options.end());
    ASSERT_EQ(RunPtmon(argv).exit_code, 0);
  }

  // The value attribute of the first input named `name` in a page.
  static std::string InputValue(const std::string& page, const std::string& name) {
    const std::string marker = "name=\"" + name + "\" value=\"";
    const size_t at = page.find(marker);
    if (at == std::string::npos) return "";
    const size_t start = at + marker.size();
    return page.substr(start, page.find('"', start) - start);
  }

  // The header that carries a session of an account AddConsoleUser made ("" when refused).
  std::string SessionCookie(const std::string& name) const {
    return "Cookie: ptmon_session=" + ConsoleLogin(Url(""), name, "correct+horse+2026");
  }

  TempDir dir_;
  int port_ = 0;
  std::string now_ = "2026-08-15";
  std::unique_ptr<ChildProcess> ptmon_;
};

}  // namespace ptmon::testing_support
