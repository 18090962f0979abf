// What the report fuzzers share: the embedded catalogue, loaded once.
#pragma once

#include <ptmon/config/catalog_loader.h>

namespace ptmon::fuzzing {

inline const Catalog& EmbeddedCatalog() {
  static const Catalog catalog = [] {
    Diagnostics diagnostics;
    return LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  }();
  return catalog;
}

}  // namespace ptmon::fuzzing
