// Text kept and sent as gzip members (RFC 1952). Concatenated members are one valid gzip
// stream, so cached pieces of a document are sent as they are to a client that accepts gzip,
// and inflated one at a time, as they are written, for one that does not. libdeflate: its
// fastest level compresses and inflates about twice as fast as zlib's.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ptmon {

// How hard to compress. kFastest for what is compressed about as often as it is read (the
// exposition, at every evaluation); kReadMany for a document compressed once per snapshot and
// read many times: on a province's status document, it inflates a fifth faster per byte and is
// 15% smaller, for about twice the compression time (libdeflate's level 4 against 1).
enum class GzipEffort { kFastest, kReadMany };

// One gzip member of `text`.
std::string Gzip(std::string_view text, GzipEffort effort = GzipEffort::kFastest);

// The size of a member's text, from its trailer (ISIZE: exact below 4 GiB, which every member
// ptmon makes is). 0 for anything shorter than a gzip trailer.
size_t GzipTextSize(std::string_view member);

// Appends the text of one member that Gzip made to `out`; false (and `out` as it was) when
// `member` is not one.
bool AppendGunzipped(std::string_view member, std::string& out);

using GzipMembers = std::vector<std::shared_ptr<const std::string>>;

// Builds a document as gzip members of about `piece_bytes` of text each: the caller appends
// text to `buffer()` and calls Cut() where a piece may end; the text is compressed and
// dropped as it goes, so a large document is never whole in memory.
class GzipWriter {
 public:
  explicit GzipWriter(size_t piece_bytes = 1 << 20, GzipEffort effort = GzipEffort::kFastest)
      : piece_bytes_(piece_bytes), effort_(effort) {}
  std::string& buffer() { return buffer_; }
  // Compresses the buffer into a member once it holds a piece's worth.
  void Cut() {
    if (buffer_.size() >= piece_bytes_) Flush();
  }
  GzipMembers Finish() {
    Flush();
    return std::move(members_);
  }

 private:
  void Flush();

  size_t piece_bytes_;
  GzipEffort effort_;
  std::string buffer_;
  GzipMembers members_;
};

}  // namespace ptmon
