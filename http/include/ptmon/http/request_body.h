// A request's body as the routes and the write path hold it: small ones in memory, large ones in
// a temporary file of the spool directory that has no name (O_TMPFILE, or created and unlinked
// at once), so nothing of them survives the process and a queue of waiting writes holds files,
// not memory. The file is mapped for `view()`: its pages are file-backed and only those read
// count against the process.
//
// Thread-safety: a RequestBody is an immutable value; copies and slices share the bytes, which
// live (and the file stays open) until the last of them goes away. Any thread may read it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <ptmon/base/status.h>

namespace ptmon {

class RequestBody {
 public:
  RequestBody() = default;  // empty
  // A body held in memory (a small request's, or one the daemon made itself, like the form's
  // CSV).
  explicit RequestBody(std::string bytes);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Whether the bytes are in a spool file rather than in memory.
  bool spooled() const;

  // All the bytes. For a spooled body the pages of the mapping are read in as they are touched:
  // a parser that reads the whole view brings the whole file in.
  std::string_view view() const;
  // The first `needle` at or after `from`, npos when there is none. A spooled body is read in
  // pieces of a fixed buffer, so a search through 60 MB touches none of the mapping.
  size_t Find(std::string_view needle, size_t from) const;
  // At most `length` bytes from `offset` (fewer at the end), copied out; for small windows.
  std::string Read(size_t offset, size_t length) const;
  // The bytes [offset, offset + length) as a body of their own, sharing these; clamped to the
  // body.
  RequestBody Slice(size_t offset, size_t length) const;
  // Gives back the pages of a spooled body that reading its view brought in: they stay in the
  // page cache and are read in again if the view is read again. For a body that was checked
  // and now waits; a no-op in memory.
  void ReleasePages() const;

  struct Storage;

 private:
  RequestBody(std::shared_ptr<const Storage> storage, size_t offset, size_t size)
      : storage_(std::move(storage)), offset_(offset), size_(size) {}
  friend class BodySpool;

  std::shared_ptr<const Storage> storage_;
  size_t offset_ = 0;
  size_t size_ = 0;
};

// Writes a body into the spool as it arrives. Not thread-safe: one connection's steps.
class BodySpool {
 public:
  // An unnamed file in `dir` (which must exist) for a body of `length` bytes; fails naming the
  // directory when the file cannot be made.
  static Result<BodySpool> Create(const std::string& dir, size_t length);
  BodySpool(BodySpool&&) noexcept;
  BodySpool& operator=(BodySpool&&) noexcept;
  ~BodySpool();

  // Appends bytes; never more than the announced length in all. Fails on a write error (a full
  // disk), naming it.
  Status Append(std::string_view bytes);
  size_t written() const { return written_; }
  // The body once all of it is written: the file mapped read-only. Fails when it cannot be
  // mapped.
  Result<RequestBody> Finish();

 private:
  BodySpool(int fd, std::string dir, size_t length)
      : fd_(fd), dir_(std::move(dir)), length_(length) {}

  int fd_ = -1;
  std::string dir_;
  size_t length_ = 0;
  size_t written_ = 0;
};

// Creates the spool directory (mode 0700) if it is missing; fails naming it.
Status PrepareSpoolDirectory(const std::string& dir);

}  // namespace ptmon
