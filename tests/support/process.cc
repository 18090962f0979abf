#include "process.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ptmon::testing_support {

namespace {

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test support: ") + what + " failed");
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input,
                         const std::string& cwd) {
  int in[2], out[2], err[2];
  Check(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0,
        "pipe");
  const pid_t pid = fork();
  Check(pid >= 0, "fork");
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  ProcessResult result;
  size_t written = 0;
  if (input.empty()) close(in[1]);
  bool stdin_open = !input.empty();
  bool out_open = true, err_open = true;
  char buffer[65536];
  while (out_open || err_open) {
    pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
    poll(fds, stdin_open ? 3 : 2, -1);
    for (int i = 0; i < 2; ++i) {
      if (!(i == 0 ? out_open : err_open) || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        (i == 0 ? out_open : err_open) = false;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
      }
    }
    if (stdin_open && (fds[2].revents & (POLLOUT | POLLERR))) {
      const ssize_t n = write(in[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n <= 0 || written == input.size()) {
        close(in[1]);
        stdin_open = false;
      }
    }
  }
  if (stdin_open) close(in[1]);
  close(out[0]);
  close(err[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  result.peak_rss_kb = usage.ru_maxrss;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

ProcessResult RunPtmon(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv = {PTMON_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, input);
}

TempDir::TempDir() {
  char pattern[] = "/tmp/ptmon-test-XXXXXX";
  Check(mkdtemp(pattern) != nullptr, "mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  const std::filesystem::path path = std::filesystem::path(path_) / name;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string SyntheticCatalog(int projects, int indicators) {
  std::string text = "unit: {id: bench, name: 基准单位}\nyear: 2026\nprojects:\n";
  for (int p = 0; p < projects; ++p) {
    const std::string id = "p" + std::to_string(p);
    text +=
        "  - id: " + id + "\n    name: 项目" + std::to_string(p) +
        "\n    department: bench\n    funds:\n      period: {total: 1200000, provincial: 1200000}\n"
        "      annual: {total: 1200000, provincial: 1200000}\n    indicators:\n";
    for (int i = 0; i < indicators; ++i) {
      text += "      - {id: i" + std::to_string(i) +
              ", level1: 产出指标, level2: 数量指标, name: 指标" + std::to_string(i) +
              ", target: \"≥1200人\"}\n";
    }
  }
  return text;
}

}  // namespace ptmon::testing_support
