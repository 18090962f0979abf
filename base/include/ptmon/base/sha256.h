// SHA-256 of file contents and catalogues, as lower-case hex; the identity of a submission.
#pragma once

#include <string>
#include <string_view>

namespace ptmon {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  std::string HexDigest();  // finishes the hash; call once

 private:
  struct Context;
  Context* context_;
};

std::string Sha256Hex(std::string_view bytes);

}  // namespace ptmon
