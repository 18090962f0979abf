// The target-expression parser on any bytes: "≥60000人", "不超过20万元", … and garbage.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <ptmon/indicators/target.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto target = ptmon::ParseTarget(text);
  if (target.ok() && target->value && *target->value < 0)
    __builtin_trap();  // negative targets are refused
  (void)ptmon::ParseQuantity(text);
  return 0;
}
