// The catalogue for a run: read back from the store when its sources are unchanged (same
// sha256), else parsed, validated and saved with its encoded form for the next run. Parsing a
// 100,000-indicator catalogue takes over a second; reading it back takes a tenth of that.
#pragma once

#include <string>
#include <vector>

#include <ptmon/base/location.h>
#include <ptmon/base/status.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/storage/store.h>

namespace ptmon {

// Problems of a parse go to `diagnostics`; `loaded_at` (RFC 3339) is recorded when the
// catalogue is saved. A store that fails to read or save is an error.
Result<Catalog> LoadCatalogCached(Store& store, const std::vector<CatalogSource>& sources,
                                  const std::string& loaded_at, Diagnostics& diagnostics);

// LoadCatalogCached in two steps, for a caller that records the catalogue beside other work:
// reading writes nothing, and recording (on any connection to the same store) must end before
// anything written depends on the catalogue.
struct CatalogRead {
  Catalog catalog;
  bool recorded = false;  // the store describes this catalogue already: nothing to record
  bool cached = false;    // the store holds its encoded form: recording does not encode it
};
Result<CatalogRead> ReadCatalogCached(Store& store, const std::vector<CatalogSource>& sources,
                                      Diagnostics& diagnostics);
// Makes `read` the catalogue the store describes; refuses one that changes what stored values
// mean (Store::SaveCatalog).
Status RecordCatalog(Store& store, const CatalogRead& read, const std::string& loaded_at);

// The catalogue last loaded for `year` in this store: the figures of a year stay readable after
// the next year's catalogue is served. Fails, naming the years the store holds, when none was.
Result<Catalog> StoredCatalogOfYear(Store& store, int year);

}  // namespace ptmon
