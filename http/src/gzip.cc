#include <libdeflate.h>

#include <ptmon/http/gzip.h>

namespace ptmon {

std::string Gzip(std::string_view text, GzipEffort effort) {
  // One compressor per thread and effort, kept: it is a few hundred KB, and a whole exposition
  // is thousands of members.
  using Compressor = std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)>;
  thread_local Compressor fastest(libdeflate_alloc_compressor(1), &libdeflate_free_compressor);
  thread_local Compressor read_many(nullptr, &libdeflate_free_compressor);
  Compressor* compressor = &fastest;
  if (effort == GzipEffort::kReadMany) {
    if (!read_many) read_many.reset(libdeflate_alloc_compressor(4));
    compressor = &read_many;
  }
  std::string out(libdeflate_gzip_compress_bound(compressor->get(), text.size()), '\0');
  out.resize(libdeflate_gzip_compress(compressor->get(), text.data(), text.size(), out.data(),
                                      out.size()));
  out.shrink_to_fit();  // cached for the life of an evaluation: keep what it uses, not the bound
  return out;
}

size_t GzipTextSize(std::string_view member) {
  if (member.size() < 18) return 0;  // a 10-byte header and the 8-byte trailer at the least
  const auto* trailer = reinterpret_cast<const unsigned char*>(member.data() + member.size() - 4);
  return static_cast<size_t>(trailer[0]) | static_cast<size_t>(trailer[1]) << 8 |
         static_cast<size_t>(trailer[2]) << 16 | static_cast<size_t>(trailer[3]) << 24;
}

bool AppendGunzipped(std::string_view member, std::string& out) {
  thread_local const std::unique_ptr<libdeflate_decompressor,
                                     decltype(&libdeflate_free_decompressor)>
      decompressor(libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  const size_t before = out.size();
  out.resize(before + GzipTextSize(member));
  size_t written = 0;
  const bool inflated = libdeflate_gzip_decompress(decompressor.get(), member.data(), member.size(),
                                                   out.data() + before, out.size() - before,
                                                   &written) == LIBDEFLATE_SUCCESS;
  out.resize(before + (inflated ? written : 0));
  return inflated;
}

void GzipWriter::Flush() {
  if (buffer_.empty()) return;
  members_.push_back(std::make_shared<const std::string>(Gzip(buffer_, effort_)));
  buffer_.clear();
}

}  // namespace ptmon
