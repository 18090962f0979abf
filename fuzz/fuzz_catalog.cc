// The catalogue loader on any bytes; a catalogue that loads must survive the cache codec.
#include <cstddef>
#include <cstdint>
#include <string>

#include <ptmon/config/catalog_codec.h>
#include <ptmon/config/catalog_loader.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ptmon::Diagnostics diagnostics;
  auto catalog = ptmon::LoadCatalog(
      {{"fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size)}}, diagnostics);
  if (catalog.ok()) {
    const std::string encoded = ptmon::EncodeCatalog(*catalog);
    auto decoded = ptmon::DecodeCatalog(encoded);
    if (!decoded.ok() || ptmon::EncodeCatalog(*decoded) != encoded) __builtin_trap();
  }
  (void)ptmon::DecodeCatalog(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
