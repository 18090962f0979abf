#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ptmon/http/request_body.h>

namespace ptmon {

struct RequestBody::Storage {
  std::string bytes;  // a body in memory
  int fd = -1;        // a spooled one: its file, mapped at `map`
  const char* map = nullptr;
  size_t size = 0;

  Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage() {
    if (map != nullptr) munmap(const_cast<char*>(map), size);
    if (fd >= 0) close(fd);
  }
};

namespace {

std::string ErrnoText() { return std::strerror(errno); }

// What a search of a spooled body reads at a time: the buffer is all it holds in memory.
constexpr size_t kSearchPiece = 256u << 10;

// Reads up to `length` bytes at `offset` of `fd` into `out`; fewer only at the end of the file
// (or on an error, which then reads as the end).
size_t ReadAt(int fd, char* out, size_t length, size_t offset) {
  size_t done = 0;
  while (done < length) {
    const ssize_t n = pread(fd, out + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

}  // namespace

RequestBody::RequestBody(std::string bytes) {
  auto storage = std::make_shared<Storage>();
  storage->size = bytes.size();
  storage->bytes = std::move(bytes);
  size_ = storage->size;
  storage_ = std::move(storage);
}

bool RequestBody::spooled() const { return storage_ && storage_->fd >= 0; }

std::string_view RequestBody::view() const {
  if (!storage_) return {};
  const char* base = spooled() ? storage_->map : storage_->bytes.data();
  return std::string_view(base + offset_, size_);
}

size_t RequestBody::Find(std::string_view needle, size_t from) const {
  if (from > size_ || needle.size() > size_ - from) return std::string_view::npos;
  if (!spooled()) return view().find(needle, from);
  // Pieces overlap by needle.size() - 1 bytes, so a needle across two pieces is found.
  std::vector<char> piece(std::max(kSearchPiece, 2 * needle.size()));
  const size_t step = piece.size() - (needle.empty() ? 0 : needle.size() - 1);
  for (size_t at = from; at < size_; at += step) {
    const size_t got =
        ReadAt(storage_->fd, piece.data(), std::min(piece.size(), size_ - at), offset_ + at);
    const std::string_view text(piece.data(), got);
    if (const size_t found = text.find(needle); found != std::string_view::npos) return at + found;
    if (at + got >= size_ || got < piece.size()) break;
  }
  return std::string_view::npos;
}

std::string RequestBody::Read(size_t offset, size_t length) const {
  if (offset >= size_) return "";
  length = std::min(length, size_ - offset);
  if (!spooled()) return std::string(view().substr(offset, length));
  std::string out(length, '\0');
  out.resize(ReadAt(storage_->fd, out.data(), length, offset_ + offset));
  return out;
}

RequestBody RequestBody::Slice(size_t offset, size_t length) const {
  offset = std::min(offset, size_);
  return RequestBody(storage_, offset_ + offset, std::min(length, size_ - offset));
}

void RequestBody::ReleasePages() const {
  if (!spooled() || size_ == 0) return;
  // Whole pages around the slice: the mapping is read-only and shared with the file, so pages
  // of a neighbouring slice dropped too come back unchanged.
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t begin = offset_ / page * page;
  madvise(const_cast<char*>(storage_->map) + begin, offset_ + size_ - begin, MADV_DONTNEED);
}

Result<BodySpool> BodySpool::Create(const std::string& dir, size_t length) {
  int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    // A filesystem without O_TMPFILE: a name for as long as it takes to unlink it.
    std::string name = dir + "/body-XXXXXX";
    fd = mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) unlink(name.c_str());
  }
  if (fd < 0) {
    return Status::IoError("cannot make a spool file in " + dir + " for a body of " +
                           std::to_string(length) + " bytes: " + ErrnoText());
  }
  return BodySpool(fd, dir, length);
}

BodySpool::BodySpool(BodySpool&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      dir_(std::move(other.dir_)),
      length_(other.length_),
      written_(other.written_) {}

BodySpool& BodySpool::operator=(BodySpool&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    dir_ = std::move(other.dir_);
    length_ = other.length_;
    written_ = other.written_;
  }
  return *this;
}

BodySpool::~BodySpool() {
  if (fd_ >= 0) close(fd_);
}

Status BodySpool::Append(std::string_view bytes) {
  bytes = bytes.substr(0, length_ - written_);
  while (!bytes.empty()) {
    const ssize_t n = write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IoError("cannot write a request body to the spool in " + dir_ + ": " +
                             (n < 0 ? ErrnoText() : std::string("nothing written")));
    }
    written_ += static_cast<size_t>(n);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Result<RequestBody> BodySpool::Finish() {
  auto storage = std::make_shared<RequestBody::Storage>();
  storage->size = written_;
  if (written_ > 0) {
    void* map = mmap(nullptr, written_, PROT_READ, MAP_SHARED, fd_, 0);
    if (map == MAP_FAILED)
      return Status::IoError("cannot map a spooled request body of " + std::to_string(written_) +
                             " bytes: " + ErrnoText());
    storage->map = static_cast<const char*>(map);
  }
  storage->fd = std::exchange(fd_, -1);
  return RequestBody(std::move(storage), 0, written_);
}

Status PrepareSpoolDirectory(const std::string& dir) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Status::IoError("cannot create the spool directory " + dir + ": " + ErrnoText());
  struct stat info {};
  if (lstat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
    return Status::IoError("the spool directory " + dir + " is not a directory");
  // Bodies hold reports before they are checked: only the service account may read them.
  if ((info.st_mode & 077) != 0 && chmod(dir.c_str(), 0700) != 0)
    return Status::IoError("cannot restrict the spool directory " + dir +
                           " to its owner: " + ErrnoText());
  return Status::Ok();
}

}  // namespace ptmon
