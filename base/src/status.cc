#include <ptmon/base/status.h>

namespace ptmon {

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status::Error(context + ": " + message_);
}

}  // namespace ptmon
