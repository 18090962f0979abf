// Shared by the benchmark programs: timing a child process with its peak memory, and writing
// the large synthetic catalogues and reports they measure on.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace ptmon::bench {

struct Timed {
  double seconds = 0;
  double peak_rss_mb = 0;
  int exit_code = -1;
};

// Runs argv to completion, stdout and stderr to /dev/null unless `quiet` is false.
Timed RunTimed(const std::vector<std::string>& argv, bool quiet = true);

// Runs `measure` three times and returns the run with the median time; a failed run (exit code
// not 0) ends the benchmark.
Timed MedianOfThree(const std::function<Timed(int run)>& measure);

// `rounds` rounds of `ours` and `baseline` in turn, and the median run of each: both are
// measured in the same moments, so that the machine's drift between them does not enter their
// ratio. A failed run ends the benchmark.
struct InTurn {
  Timed ours;
  Timed baseline;
};
InTurn MedianInTurn(int rounds, const std::function<Timed(int run)>& ours,
                    const std::function<Timed(int run)>& baseline);

// The wall-clock milliseconds `work` takes.
double MillisecondsOf(const std::function<void()>& work);
double Median(std::vector<double> values);
// The median of `rounds` runs of `work`, in milliseconds.
double MedianMs(int rounds, const std::function<void()>& work);

// VmHWM (peak) or VmRSS (now) of a running process, in MB; 0 when it cannot be read.
double RssMb(pid_t pid, const std::string& field = "VmHWM:");

// The CPU time all threads of a running process have used, in milliseconds, to the
// nanosecond the scheduler counts (/proc/PID/task/*/schedstat); 0 when it cannot be read. A
// server's cost for a request, apart from the client's and the machine's other work.
double CpuMs(pid_t pid);
// The CPU time a running process has used, its ended threads' too (/proc/PID/stat), in
// milliseconds to the clock tick; 0 when it cannot be read.
double ProcessCpuMs(pid_t pid);

// One CSV row per project, indicator and month 1..months (year-to-date values); `revision`
// changes the values so a second file is new content for the same rows.
void WriteSyntheticReport(const std::string& path, int projects, int indicators, int months,
                          int revision = 0);

// The baseline for /metrics: node_exporter's textfile collector serving `exposition` as a .prom
// file (written under `work`), the median of `rounds` plain and gzip GETs in milliseconds (the
// body counted and dropped, as HttpGetDiscarding), and its peak RSS. Empty when node_exporter did
// not start.
struct ExporterTimes {
  double plain_ms = 0;
  double gzip_ms = 0;
  double peak_rss_mb = 0;
};
std::optional<ExporterTimes> NodeExporterTimes(const std::string& work,
                                               const std::string& exposition, int rounds);

void PrintComparison(const std::string& what, const std::string& ours_label, double ours,
                     const std::string& baseline_label, double baseline, const std::string& unit);

// The sizes (copies of the embedded catalogue) named on the command line after the ptmon
// binary, or `defaults`.
std::vector<int> CopiesToMeasure(int argc, char** argv, std::vector<int> defaults);

}  // namespace ptmon::bench
