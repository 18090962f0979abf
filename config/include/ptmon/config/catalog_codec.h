// A validated catalogue as bytes, so a large catalogue that has not changed (same sha256) is
// read back from the store instead of being parsed and validated again. The encoding carries a
// version; bytes of another version or damaged bytes decode to an error, never to a catalogue.
#pragma once

#include <string>
#include <string_view>

#include <ptmon/base/status.h>
#include <ptmon/indicators/catalog.h>

namespace ptmon {

std::string EncodeCatalog(const Catalog& catalog);
Result<Catalog> DecodeCatalog(std::string_view bytes);

}  // namespace ptmon
