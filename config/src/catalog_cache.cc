#include <ptmon/config/catalog_cache.h>
#include <ptmon/config/catalog_codec.h>

namespace ptmon {

Result<CatalogRead> ReadCatalogCached(Store& store, const std::vector<CatalogSource>& sources,
                                      Diagnostics& diagnostics) {
  auto cached = store.catalogs().EncodedCatalog(CatalogSourcesHash(sources));
  if (!cached.ok()) return cached.status();
  if (cached->has_value()) {
    // Bytes of an older encoding fail to decode; the catalogue is then parsed and re-saved.
    if (auto decoded = DecodeCatalog(**cached); decoded.ok()) {
      // Switching back to a catalogue seen before is a change like any other: it is checked
      // against what is stored and becomes the one the store describes.
      auto last = store.catalogs().CatalogHash();
      if (!last.ok()) return last.status();
      const bool recorded = *last == decoded->sha256;
      return CatalogRead{std::move(decoded).value(), recorded, true};
    }
  }
  auto catalog = LoadCatalog(sources, diagnostics);
  if (!catalog.ok()) return catalog.status();
  return CatalogRead{std::move(catalog).value(), false, false};
}

Status RecordCatalog(Store& store, const CatalogRead& read, const std::string& loaded_at) {
  if (read.recorded) return Status::Ok();
  // Encoded here, on the recording's thread when it has one.
  auto saved = store.catalogs().SaveCatalog(read.catalog, loaded_at,
                                            read.cached ? "" : EncodeCatalog(read.catalog));
  return saved.ok() ? Status::Ok() : saved.status();
}

Result<Catalog> LoadCatalogCached(Store& store, const std::vector<CatalogSource>& sources,
                                  const std::string& loaded_at, Diagnostics& diagnostics) {
  auto read = ReadCatalogCached(store, sources, diagnostics);
  if (!read.ok()) return read.status();
  if (Status recorded = RecordCatalog(store, *read, loaded_at); !recorded.ok()) return recorded;
  return std::move(read->catalog);
}

Result<Catalog> StoredCatalogOfYear(Store& store, int year) {
  auto encoded = store.catalogs().EncodedCatalogOfYear(year);
  if (!encoded.ok()) return encoded.status();
  if (!encoded->has_value()) {
    auto years = store.catalogs().CatalogYears();
    if (!years.ok()) return years.status();
    std::string held;
    for (int each : *years) held += (held.empty() ? "" : ", ") + std::to_string(each);
    return Status::WithCode(
        StatusCode::kNotFound,
        "no catalogue of " + std::to_string(year) + " was ever loaded in this data directory" +
            (held.empty() ? "" : " (it holds " + held + ")") + "; give it with --catalog FILE");
  }
  auto catalog = DecodeCatalog(**encoded);
  if (!catalog.ok()) {
    return Status::Error("the catalogue of " + std::to_string(year) +
                         " is stored in an older form; give it with --catalog FILE");
  }
  return catalog;
}

}  // namespace ptmon
