// A YAML report on any bytes, against the embedded catalogue: yaml-cpp's parser under ptmon's
// depth and alias limits, then every field check.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <ptmon/ingest/actuals.h>

#include "report_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ptmon::Diagnostics diagnostics;
  ptmon::ParseReport(bytes, ptmon::ReportFormat::kYaml, "fuzz.yaml",
                     ptmon::fuzzing::EmbeddedCatalog(), ptmon::Date{2026, 12, 31}, {}, diagnostics);
  return 0;
}
