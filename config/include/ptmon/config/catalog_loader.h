// Loading the indicator catalogue from YAML (the format is documented in docs/catalogue.md and
// shown by config/default-catalog.yaml, which is compiled into the binary as the default).
#pragma once

#include <string>
#include <vector>

#include <ptmon/base/location.h>
#include <ptmon/base/status.h>
#include <ptmon/indicators/catalog.h>

namespace ptmon {

struct CatalogSource {
  std::string name;  // shown in messages: a path, or "<embedded>/default-catalog.yaml"
  std::string text;
};

// The catalogue compiled into the binary.
CatalogSource EmbeddedCatalogSource();

// Reads a catalogue file; fails with a message naming the path when it cannot be read.
Result<CatalogSource> ReadCatalogFile(const std::string& path);

// Parses and validates one or more catalogue files into one catalogue (one file per budget
// unit, all for the same year). Every problem found is added to `diagnostics` with its place;
// the result is an error when any of them is an error (warnings alone still load).
Result<Catalog> LoadCatalog(const std::vector<CatalogSource>& sources, Diagnostics& diagnostics);

// The identity of a catalogue: the sha256 of its sources' texts, as LoadCatalog records it.
std::string CatalogSourcesHash(const std::vector<CatalogSource>& sources);

// The sources named on the command line, or the embedded default when none are.
Result<std::vector<CatalogSource>> CatalogSources(const std::vector<std::string>& paths);

}  // namespace ptmon
