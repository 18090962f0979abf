// The store's catalogues and years: the projects and indicators of the catalogue last loaded,
// and every catalogue ever loaded (its hash, year and encoded form), so a data directory keeps
// each year it monitored.
//
// Contract: as Store's (store.h): each write is one transaction, failures come back as a Status
// naming what failed, one thread at a time. Reached as store.catalogs().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/status.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/storage/store_part.h>

namespace ptmon {

class CatalogStore : public storage_internal::StorePart {
 public:
  explicit CatalogStore(Store& store) : StorePart(store) {}

  // Replaces the stored catalogue (projects and indicators) with `catalog` and records its hash
  // (and its encoded form, when given) when it differs from the last one loaded; for the same
  // catalogue, only replaces the encoded form. Returns whether the catalogue changed. Refuses,
  // naming them, indicators whose unit (or number-versus-grade) changes while values are stored.
  Result<bool> SaveCatalog(const Catalog& catalog, const std::string& loaded_at,
                           std::string_view encoded = {});
  // The encoded form saved with the catalogue of this hash, if any.
  Result<std::optional<std::string>> EncodedCatalog(const std::string& sha256);
  // The encoded form of the catalogue last loaded for `year`, if any: a data directory keeps
  // every year it monitored, for that year's figures after the next year's catalogue is served.
  Result<std::optional<std::string>> EncodedCatalogOfYear(int year);
  // The years of every catalogue ever loaded, ascending.
  Result<std::vector<int>> CatalogYears();
  // The hash of the catalogue last saved, if any.
  Result<std::optional<std::string>> CatalogHash();

 private:
  // An indicator whose unit or number-versus-grade a new catalogue changes: "台 to %".
  struct MeaningChange {
    std::string project_id;
    std::string indicator_id;
    std::string description;
  };
  Result<std::vector<MeaningChange>> ChangedMeanings(const Catalog& catalog);
  // Fails, naming them, for the changes whose indicator has values of the catalogue's year.
  Status RefuseReinterpretedValues(const Catalog& catalog,
                                   const std::vector<MeaningChange>& changes);
  // Writes the catalogue's projects and indicators to temporary tables, outside any lock.
  Status StageCatalog(const Catalog& catalog);
  // Makes the project and indicator tables equal the staged ones, writing only what differs.
  Status ApplyStagedCatalog(long long load_id);
};

}  // namespace ptmon
