#include <ptmon/base/status.h>

namespace ptmon {

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace ptmon
