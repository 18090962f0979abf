#include "bench_support.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tests/support/daemon.h"
#include "../tests/support/process.h"

namespace ptmon::bench {

Timed RunTimed(const std::vector<std::string>& argv, bool quiet) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (quiet) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
    }
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  Timed timed;
  timed.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  timed.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  timed.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return timed;
}

void WriteSyntheticReport(const std::string& path, int projects, int indicators, int months,
                          int revision) {
  std::ofstream out(path, std::ios::binary);
  out << "project,indicator,period,value\n";
  char line[96];
  for (int p = 0; p < projects; ++p) {
    for (int i = 0; i < indicators; ++i) {
      for (int m = 1; m <= months; ++m) {
        const int length = std::snprintf(line, sizeof line, "p%d,i%d,2026-%02d,%d\n", p, i, m,
                                         (p + i) % 7 * 10 + m * 95 + revision);
        out.write(line, length);
      }
    }
  }
}

namespace {

// Ends the benchmark when a measured run failed.
const Timed& Succeeded(const Timed& run) {
  if (run.exit_code != 0) {
    std::fprintf(stderr, "a measured run failed with exit code %d\n", run.exit_code);
    std::exit(1);
  }
  return run;
}

Timed MedianRun(std::vector<Timed> runs) {
  std::sort(runs.begin(), runs.end(),
            [](const Timed& a, const Timed& b) { return a.seconds < b.seconds; });
  return runs[runs.size() / 2];
}

}  // namespace

Timed MedianOfThree(const std::function<Timed(int run)>& measure) {
  std::vector<Timed> runs;
  for (int run = 0; run < 3; ++run) runs.push_back(Succeeded(measure(run)));
  return MedianRun(std::move(runs));
}

InTurn MedianInTurn(int rounds, const std::function<Timed(int run)>& ours,
                    const std::function<Timed(int run)>& baseline) {
  std::vector<Timed> our_runs, baseline_runs;
  for (int run = 0; run < rounds; ++run) {
    baseline_runs.push_back(Succeeded(baseline(run)));
    our_runs.push_back(Succeeded(ours(run)));
  }
  return {MedianRun(std::move(our_runs)), MedianRun(std::move(baseline_runs))};
}

double MillisecondsOf(const std::function<void()>& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double MedianMs(int rounds, const std::function<void()>& work) {
  std::vector<double> times;
  for (int i = 0; i < rounds; ++i) times.push_back(MillisecondsOf(work));
  return Median(std::move(times));
}

double RssMb(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field, 0) == 0) return std::stod(line.substr(field.size())) / 1024.0;
  }
  return 0;
}

double CpuMs(pid_t pid) {
  std::error_code error;
  double ms = 0;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error)) {
    std::ifstream schedstat(task.path() / "schedstat");
    double nanoseconds = 0;
    if (schedstat >> nanoseconds) ms += nanoseconds / 1e6;
  }
  return ms;
}

double ProcessCpuMs(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // After the command's closing parenthesis: state is field 3, utime and stime fields 14, 15.
  std::istringstream fields(text.substr(text.rfind(')') + 1));
  std::string field;
  double ticks = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index >= 14) ticks += std::stod(field);
  }
  return ticks * 1000 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::optional<ExporterTimes> NodeExporterTimes(const std::string& work,
                                               const std::string& exposition, int rounds) {
  using namespace testing_support;
  const std::filesystem::path textfile = std::filesystem::path(work) / "textfile";
  std::filesystem::create_directories(textfile);
  std::ofstream(textfile / "ptmon.prom") << exposition;
  const int port = FreePort();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  ChildProcess node_exporter(
      // Without its own process_* series, which ptmon's exposition has too: node_exporter
      // refuses to serve a name twice (500 on every scrape).
      {"prometheus-node-exporter", "--collector.disable-defaults", "--web.disable-exporter-metrics",
       "--collector.textfile", "--collector.textfile.directory=" + textfile.string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(port)},
      (std::filesystem::path(work) / "node_exporter.log").string());
  // Ready once it accepts: a first scrape of a province's exposition can take longer on a busy
  // machine than any fixed wait for it.
  const bool listening = WaitFor(
      [&] {
        const int fd = ConnectLoopback(port);
        if (fd >= 0) close(fd);
        return fd >= 0;
      },
      std::chrono::seconds(60));
  if (!listening) {
    std::fprintf(stderr, "node_exporter did not start:\n%s", node_exporter.Log().c_str());
    return std::nullopt;
  }
  ExporterTimes times;
  size_t bytes = 0;
  bool answered = true;
  // A province's exposition takes node_exporter longer than the tests' 30 s on a busy machine.
  auto scrape = [&](const std::vector<std::string>& headers) {
    answered =
        HttpGetDiscarding(url, headers, bytes, std::chrono::minutes(10)).status == 200 && answered;
  };
  times.plain_ms = MedianMs(rounds, [&] { scrape({}); });
  times.gzip_ms = MedianMs(rounds, [&] { scrape({"Accept-Encoding: gzip"}); });
  if (!answered) {
    std::fprintf(stderr, "node_exporter did not answer every scrape:\n%s",
                 node_exporter.Log().c_str());
    return std::nullopt;
  }
  times.peak_rss_mb = RssMb(node_exporter.pid());
  return times;
}

void PrintComparison(const std::string& what, const std::string& ours_label, double ours,
                     const std::string& baseline_label, double baseline, const std::string& unit) {
  std::printf("%-34s ptmon %-22s %10.3f %s | baseline %-34s %10.3f %s | ratio %.2fx\n",
              what.c_str(), ours_label.c_str(), ours, unit.c_str(), baseline_label.c_str(),
              baseline, unit.c_str(), ours / baseline);
}

std::vector<int> CopiesToMeasure(int argc, char** argv, std::vector<int> defaults) {
  std::vector<int> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  return sizes.empty() ? defaults : sizes;
}

}  // namespace ptmon::bench
