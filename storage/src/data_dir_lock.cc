#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <ptmon/storage/data_dir_lock.h>

namespace ptmon {

Result<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(const std::string& data_dir,
                                                          const std::string& holder) {
  const std::string path = (std::filesystem::path(data_dir) / "ptmon.lock").string();
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char text[128] = {};
    const ssize_t n = pread(fd, text, sizeof text - 1, 0);
    close(fd);
    if (error != EWOULDBLOCK) {
      return Status::Error("cannot lock " + path + ": " + std::strerror(error));
    }
    // "1234 ptmon serve\n", written by the holder; empty if it has only just taken the lock.
    std::string written(text, n > 0 ? static_cast<size_t>(n) : 0);
    while (!written.empty() && (written.back() == '\n' || written.back() == ' '))
      written.pop_back();
    const size_t space = written.find(' ');
    const std::string who = space == std::string::npos ? "another ptmon"
                                                       : written.substr(space + 1) + " (pid " +
                                                             written.substr(0, space) + ")";
    return Status::Error("数据目录正被占用 / " + who + " is using the data directory " + data_dir +
                         "; stop it first, or use another data directory");
  }
  const std::string text = std::to_string(getpid()) + " " + holder + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, text.data(), text.size(), 0) < 0) {
    // The lock holds all the same; only the message for a second one lacks the name.
  }
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() { close(fd_); }

}  // namespace ptmon
