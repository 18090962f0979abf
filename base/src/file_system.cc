#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ptmon/base/file_system.h>

namespace ptmon {

namespace {

Status ErrnoStatus(const std::string& what, int error = errno) {
  return StatusFromErrno(what, error);
}

FileInfo InfoOf(const struct stat& info) {
  FileInfo result;
  result.type = S_ISREG(info.st_mode)   ? FileInfo::Type::kRegular
                : S_ISDIR(info.st_mode) ? FileInfo::Type::kDirectory
                : S_ISLNK(info.st_mode) ? FileInfo::Type::kSymlink
                                        : FileInfo::Type::kOther;
  result.size = info.st_size;
  result.mtime_ns = info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec;
  return result;
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) close(fd_);
    if (!closed_) unlink(path_.c_str());  // never leave half a file behind
  }

  const std::string& path() const override { return path_; }

  Status Append(std::string_view bytes) override {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("cannot write " + path_);
      done += static_cast<size_t>(n);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (fsync(fd_) != 0) return ErrnoStatus("cannot sync " + path_);
    synced_ = true;
    return Status::Ok();
  }

  Status Close() override {
    const int fd = fd_;
    fd_ = -1;
    if (close(fd) != 0) return ErrnoStatus("cannot close " + path_);
    closed_ = synced_;
    return closed_ ? Status::Ok() : Status::Error("closed " + path_ + " before syncing it");
  }

 private:
  int fd_;
  std::string path_;
  bool synced_ = false;
  bool closed_ = false;
};

class Posix final : public FileSystem {
 public:
  Result<FileInfo> Stat(const std::string& path) override {
    struct stat info {};
    if (lstat(path.c_str(), &info) != 0) return ErrnoStatus("cannot look at " + path);
    return InfoOf(info);
  }

  Result<std::vector<DirectoryEntry>> List(const std::string& dir) override {
    DIR* handle = opendir(dir.c_str());
    if (handle == nullptr) return ErrnoStatus("cannot list " + dir);
    std::vector<DirectoryEntry> entries;
    errno = 0;
    while (const dirent* entry = readdir(handle)) {
      const std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      struct stat info {};
      if (fstatat(dirfd(handle), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0) {
        entries.push_back({name, InfoOf(info)});
      }
      errno = 0;
    }
    const int error = errno;
    closedir(handle);
    if (error != 0) return ErrnoStatus("cannot list " + dir, error);
    return entries;
  }

  Result<FileContents> ReadFile(const std::string& path, const ReadOptions& options) override {
    const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ELOOP)
        return Status::Error("是符号链接, 不予处理 / is a symbolic link; copy the file itself");
      return ErrnoStatus("cannot open " + path);
    }
    FileContents contents;
    Status status = ReadOpened(fd, path, options, contents);
    close(fd);  // releases the lease, if one was taken
    if (!status.ok()) return status;
    return contents;
  }

  Result<std::unique_ptr<WritableFile>> CreateTemporary(const std::string& dir,
                                                        const std::string& name) override {
    std::string path = dir + "/." + name + ".XXXXXX";
    const int fd = mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot create a file in " + dir);
    if (fchmod(fd, 0640) != 0) {
      const int error = errno;
      close(fd);
      unlink(path.c_str());
      return ErrnoStatus("cannot set the mode of " + path, error);
    }
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(fd, path));
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0)
      return ErrnoStatus("cannot move " + from + " to " + to);
    return Status::Ok();
  }

  Status Remove(const std::string& path) override {
    if (unlink(path.c_str()) != 0) return ErrnoStatus("cannot remove " + path);
    return Status::Ok();
  }

  Status MakeDirectories(const std::string& dir) override {
    if (dir.empty()) return Status::Ok();
    // Each missing parent in turn, from the top.
    for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
      const std::string prefix = dir.substr(0, slash);
      if (mkdir(prefix.c_str(), 0750) != 0 && errno != EEXIST)
        return ErrnoStatus("cannot create " + prefix);
      if (slash == std::string::npos) break;
    }
    struct stat info {};
    if (stat(dir.c_str(), &info) != 0) return ErrnoStatus("cannot create " + dir);
    if (!S_ISDIR(info.st_mode)) return Status::Error("cannot create " + dir + ": not a folder");
    return Status::Ok();
  }

  Status SyncDirectory(const std::string& dir) override {
    const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open " + dir);
    const bool synced = fsync(fd) == 0;
    const int error = errno;
    close(fd);
    if (!synced) return ErrnoStatus("cannot sync " + dir, error);
    return Status::Ok();
  }

 private:
  static Status ReadOpened(int fd, const std::string& path, const ReadOptions& options,
                           FileContents& contents) {
    struct stat before {};
    if (fstat(fd, &before) != 0) return ErrnoStatus("cannot look at " + path);
    if (!S_ISREG(before.st_mode))
      return Status::Error("不是普通文件 / is not a regular file (a folder, pipe or device)");
    // Held only while reading; no one else knows a claimed path, so no one breaks the lease.
    if (options.refuse_while_written && fcntl(fd, F_SETLEASE, F_RDLCK) != 0 && errno == EAGAIN) {
      contents.still_being_written = true;
      return Status::Ok();
    }
    if (static_cast<size_t>(before.st_size) > options.max_bytes) {
      return Status::Error("文件太大 / is " + std::to_string(before.st_size) +
                           " bytes, over the limit of " + std::to_string(options.max_bytes) +
                           "; split it into smaller files");
    }
    contents.bytes.assign(static_cast<size_t>(before.st_size), '\0');
    size_t done = 0;
    while (done < contents.bytes.size()) {
      const ssize_t n = read(fd, contents.bytes.data() + done, contents.bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("cannot read " + path);
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    struct stat after {};
    if (fstat(fd, &after) != 0) return ErrnoStatus("cannot look at " + path);
    const bool unchanged =
        after.st_size == before.st_size && after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
        after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && done == contents.bytes.size();
    if (!unchanged) {
      contents.bytes.clear();
      if (options.refuse_while_written) {
        contents.still_being_written = true;
        return Status::Ok();
      }
      return Status::IoError("cannot read " + path + ": it changed while being read");
    }
    return Status::Ok();
  }
};

}  // namespace

Status StatusFromErrno(const std::string& what, int error) {
  const std::string message = what + ": " + std::strerror(error);
  switch (error) {
    case ENOENT:
      return Status::WithCode(StatusCode::kNotFound, message);
    case EEXIST:
      return Status::WithCode(StatusCode::kAlreadyExists, message);
    default:
      return Status::IoError(message);
  }
}

FileSystem& PosixFileSystem() {
  static Posix* const posix = new Posix;  // never destroyed: used until the process ends
  return *posix;
}

Result<std::string> ThroughTemporaryFile(const std::string& suffix,
                                         const std::function<Status(const std::string&)>& write) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path =
      std::string(tmpdir != nullptr && *tmpdir ? tmpdir : "/tmp") + "/ptmon-XXXXXX" + suffix;
  const int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) return ErrnoStatus("cannot create a temporary file like " + path);
  close(fd);
  Status status = write(path);
  std::string bytes;
  if (status.ok()) {
    std::ifstream file(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    if (file.bad()) status = Status::IoError("cannot read back " + path);
  }
  unlink(path.c_str());
  if (!status.ok()) return status;
  return bytes;
}

Result<std::string> WriteTemporaryFile(FileSystem& fs, const std::string& dir,
                                       const std::string& name, std::string_view bytes) {
  auto file = fs.CreateTemporary(dir, name);
  if (!file.ok()) return file.status();
  WritableFile& writing = **file;
  if (Status status = writing.Append(bytes); !status.ok()) return status;
  if (Status status = writing.Sync(); !status.ok()) return status;
  if (Status status = writing.Close(); !status.ok()) return status;
  return writing.path();
}

}  // namespace ptmon
