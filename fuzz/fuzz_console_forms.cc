// libFuzzer entry for fuzz_console_forms; the body is in bodies.cc (the regression test replays
// it).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ptmon::fuzzing::ConsoleForms(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
