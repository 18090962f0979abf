// Runs programs (the real ptmon binary, promtool, …) from tests and captures what they print.
#pragma once

#include <string>
#include <vector>

namespace ptmon::testing_support {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
  long peak_rss_kb = 0;  // the child's VmHWM (wait4's ru_maxrss)
};

// Runs `argv` to completion with `input` on stdin, in `cwd` when given.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input = "",
                         const std::string& cwd = "");

// The ptmon binary under test, with `args`.
ProcessResult RunPtmon(const std::vector<std::string>& args, const std::string& input = "");

// A fresh directory under /tmp, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  // Writes a file below the directory, creating parent directories.
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);

// A catalogue of `projects` × `indicators` positive count indicators ("≥1200人"), year 2026,
// for tests and benchmarks at scale.
std::string SyntheticCatalog(int projects, int indicators);

}  // namespace ptmon::testing_support
