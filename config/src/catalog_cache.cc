#include <ptmon/config/catalog_cache.h>
#include <ptmon/config/catalog_codec.h>

namespace ptmon {

Result<Catalog> LoadCatalogCached(Store& store, const std::vector<CatalogSource>& sources,
                                  const std::string& loaded_at, Diagnostics& diagnostics) {
  auto cached = store.EncodedCatalog(CatalogSourcesHash(sources));
  if (!cached.ok()) return cached.status();
  if (cached->has_value()) {
    // Bytes of an older encoding fail to decode; the catalogue is then parsed and re-saved.
    if (auto decoded = DecodeCatalog(**cached); decoded.ok()) {
      // Switching back to a catalogue seen before is a change like any other: it is checked
      // against what is stored and becomes the one the store describes.
      auto last = store.CatalogHash();
      if (!last.ok()) return last.status();
      if (*last != decoded->sha256) {
        if (auto saved = store.SaveCatalog(*decoded, loaded_at); !saved.ok()) return saved.status();
      }
      return decoded;
    }
  }
  auto catalog = LoadCatalog(sources, diagnostics);
  if (!catalog.ok()) return catalog.status();
  if (auto saved = store.SaveCatalog(*catalog, loaded_at, EncodeCatalog(*catalog)); !saved.ok()) {
    return saved.status();
  }
  return catalog;
}

}  // namespace ptmon
