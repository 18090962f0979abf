#include <ptmon/storage/store.h>

#include "schema.h"
#include "statement.h"
#include "store_rows.h"

namespace ptmon {

using storage_internal::Exec;
using storage_internal::InsertRows;
using storage_internal::Statement;

Result<std::optional<std::string>> CatalogStore::CatalogHash() {
  Statement statement(db_, "SELECT sha256 FROM catalog_load ORDER BY id DESC LIMIT 1");
  if (statement.Step()) return std::optional<std::string>(statement.Text(0));
  if (!statement.status().ok()) return statement.status();
  return std::optional<std::string>();
}

namespace {

// The blob in the first column of the statement's first row, if any.
Result<std::optional<std::string>> FirstBlob(Statement& statement) {
  if (statement.Step()) return std::optional<std::string>(statement.BlobView(0));
  if (!statement.status().ok()) return statement.status();
  return std::optional<std::string>();
}

}  // namespace

Result<std::optional<std::string>> CatalogStore::EncodedCatalog(const std::string& sha256) {
  Statement statement(db_,
                      "SELECT encoded FROM catalog_load WHERE sha256 = ? AND encoded IS NOT NULL"
                      " ORDER BY id DESC LIMIT 1");
  statement.Bind(1, sha256);
  return FirstBlob(statement);
}

// Stored values are numbers in the indicator's unit (a ratio for %, a count for 台); a catalogue
// that changes the unit, or turns a number into a grade, would re-read them with another meaning
// (21 台 as 2100 %). The catalogue last saved (the indicator table) is compared first, without
// reading a value: a catalogue edit rarely changes a unit, and looking for values of all 66,000
// indicators of a province once held the write lock for minutes.
Result<std::vector<CatalogStore::MeaningChange>> CatalogStore::ChangedMeanings(
    const Catalog& catalog) {
  // Catalog::FindProject walks the projects: 10,000 walks of 10,000 took 0.2 s.
  std::unordered_map<std::string_view, const Project*> projects;
  projects.reserve(catalog.projects.size());
  for (const Project& each : catalog.projects) projects.emplace(each.id, &each);
  Statement stored(db_, "SELECT project_id, id, unit, kind = 'qualitative' FROM indicator");
  std::vector<MeaningChange> changes;
  std::string project_id;
  const Project* project = nullptr;
  while (stored.Step()) {
    if (stored.TextView(0) != project_id) {  // saved project by project: one lookup for each
      project_id = stored.TextView(0);
      const auto found = projects.find(project_id);
      project = found == projects.end() ? nullptr : found->second;
    }
    const Indicator* indicator = project ? project->FindIndicator(stored.TextView(1)) : nullptr;
    if (indicator == nullptr) continue;  // dropped: its history stays, nothing re-reads it
    const std::string_view unit = stored.TextView(2);
    const bool qualitative = stored.Int(3) != 0;
    const Target& target = indicator->annual_target;
    const bool now_qualitative = target.kind == TargetKind::kQualitative;
    if (now_qualitative == qualitative && (qualitative || target.unit == unit)) continue;
    const auto shown = [](bool grade, std::string_view u) {
      return grade ? std::string("a grade") : u.empty() ? std::string("no unit") : std::string(u);
    };
    changes.push_back({project_id, indicator->id,
                       shown(qualitative, unit) + " to " + shown(now_qualitative, target.unit)});
  }
  if (!stored.status().ok()) return stored.status();
  return changes;
}

// Only values of the catalogue's own year are read through it: a new year may measure a reused
// id differently without misreading last year's values. Each changed indicator costs a few index
// seeks: its series, its folded year, and its key in each batch applied since the fold.
Status CatalogStore::RefuseReinterpretedValues(const Catalog& catalog,
                                               const std::vector<MeaningChange>& changes) {
  if (changes.empty()) return Status::Ok();
  Statement reported(
      db_,
      "SELECT 1 FROM series s WHERE s.project_id = ?1 AND s.indicator_id = ?2 AND ("
      " EXISTS (SELECT 1 FROM folded_year f WHERE f.year = ?3 AND f.series_id = s.id) OR"
      " EXISTS (SELECT 1 FROM batch b WHERE b.id > (SELECT folded_through FROM latest_fold) AND"
      "  EXISTS (SELECT 1 FROM actual a WHERE a.batch_id = b.id AND a.series_id = s.id AND"
      "   a.period BETWEEN ?4 AND ?5)))");
  std::string problems;
  for (const MeaningChange& change : changes) {
    reported.Reset();
    reported.BindView(1, change.project_id).BindView(2, change.indicator_id);
    reported.Bind(3, static_cast<long long>(catalog.year))
        .Bind(4, static_cast<long long>(catalog.year) * 100 + 1)
        .Bind(5, static_cast<long long>(catalog.year) * 100 + 12);
    if (!reported.Step()) {
      if (!reported.status().ok()) return reported.status();
      continue;
    }
    problems += (problems.empty() ? "" : "; ") + change.project_id + "/" + change.indicator_id +
                " from " + change.description;
  }
  if (problems.empty()) return Status::Ok();
  return Status::Error(
      "指标计量单位已变更, 已有数据会被错读 / the catalogue changes what stored values mean: " +
      problems +
      ". Values reported under the old unit would be read in the new one; give the changed "
      "indicator a new id (the old one's history stays) or keep its unit");
}

// The catalogue's rows go to tables of this connection's own temporary database, which takes no
// lock on the store; the write transaction then changes only the rows that differ. Replacing
// every row of a province's catalogue held the write lock for 0.7–1.3 s.
Status CatalogStore::StageCatalog(const Catalog& catalog) {
  // Kept, emptied, between saves: statements prepared on them stay valid.
  if (Status created = Exec(db_,
                            "CREATE TEMP TABLE IF NOT EXISTS new_project (id TEXT PRIMARY KEY,"
                            " unit_id TEXT, name TEXT, department TEXT, annual_funds_fen INTEGER,"
                            " period_funds_fen INTEGER) WITHOUT ROWID;"
                            "CREATE TEMP TABLE IF NOT EXISTS new_indicator (project_id TEXT,"
                            " id TEXT, level1 TEXT, level2 TEXT, name TEXT, target_text TEXT,"
                            " kind TEXT, op TEXT, target_value REAL, unit TEXT,"
                            " PRIMARY KEY (project_id, id)) WITHOUT ROWID;"
                            "DELETE FROM temp.new_project; DELETE FROM temp.new_indicator");
      !created.ok())
    return created;
  // One transaction of the temporary database alone: the store stays unlocked, and the rows
  // are not committed 64 at a time.
  if (Status begun = Exec(db_, "BEGIN"); !begun.ok()) return begun;
  const Status staged = [&]() -> Status {
    // Bound as views: the catalogue outlives the statements.
    const auto& projects = catalog.projects;
    Status saved = InsertRows(
        db_,
        "INSERT INTO temp.new_project (id, unit_id, name, department, annual_funds_fen,"
        " period_funds_fen) VALUES ",
        6, projects.size(),
        [&](Statement& insert, int p, size_t i) {
          const Project& project = projects[i];
          insert.BindView(p, project.id).BindView(p + 1, project.unit_id);
          insert.BindView(p + 2, project.name).BindView(p + 3, project.department);
          insert.Bind(p + 4, project.annual_funds.total_fen);
          insert.Bind(p + 5, project.period_funds.total_fen);
          return Status::Ok();
        },
        [&](size_t i) { return "project " + projects[i].id; });
    if (!saved.ok()) return saved;
    std::vector<std::pair<const Project*, const Indicator*>> indicators;
    indicators.reserve(catalog.IndicatorCount());
    for (const auto& project : projects) {
      for (const auto& indicator : project.indicators)
        indicators.emplace_back(&project, &indicator);
    }
    return InsertRows(
        db_,
        "INSERT INTO temp.new_indicator (project_id, id, level1, level2, name, target_text, kind,"
        " op, target_value, unit) VALUES ",
        10, indicators.size(),
        [&](Statement& insert, int p, size_t i) {
          const auto& [project, indicator] = indicators[i];
          const Target& target = indicator->annual_target;
          insert.BindView(p, project->id).BindView(p + 1, indicator->id);
          insert.BindView(p + 2, indicator->level1).BindView(p + 3, indicator->level2);
          insert.BindView(p + 4, indicator->name).BindView(p + 5, target.text);
          insert.BindView(p + 6, TargetKindName(target.kind));
          if (target.op)
            insert.BindView(p + 7, ComparisonSymbol(*target.op));
          else
            insert.BindNull(p + 7);
          insert.Bind(p + 8, target.value).BindView(p + 9, target.unit);
          return Status::Ok();
        },
        [&](size_t i) {
          return "indicator " + indicators[i].first->id + "/" + indicators[i].second->id;
        });
  }();
  if (staged.ok()) return Exec(db_, "COMMIT");
  Exec(db_, "ROLLBACK").ok();  // the failure to stage is what matters
  return staged;
}

// Inside the write transaction: a seek per row to compare, and writes only where rows differ
// (a project's catalog_load_id names the load that last changed it).
Status CatalogStore::ApplyStagedCatalog(long long load_id) {
  Statement upsert_projects(
      db_,
      "INSERT INTO project (id, unit_id, name, department, annual_funds_fen, period_funds_fen,"
      " catalog_load_id)"
      " SELECT new_project.*, ?1 FROM temp.new_project WHERE NOT EXISTS (SELECT 1 FROM project p"
      "  WHERE p.id = new_project.id AND p.unit_id = new_project.unit_id"
      "  AND p.name = new_project.name AND p.department = new_project.department"
      "  AND p.annual_funds_fen = new_project.annual_funds_fen"
      "  AND p.period_funds_fen = new_project.period_funds_fen)"
      " ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, name = excluded.name,"
      "  department = excluded.department, annual_funds_fen = excluded.annual_funds_fen,"
      "  period_funds_fen = excluded.period_funds_fen,"
      "  catalog_load_id = excluded.catalog_load_id");
  upsert_projects.Bind(1, load_id);
  if (Status run =
          Exec(db_, "DELETE FROM project WHERE id NOT IN (SELECT id FROM temp.new_project)");
      !run.ok())
    return run;
  if (Status run = upsert_projects.Run(); !run.ok()) return run;
  if (Status run = Exec(db_,
                        "DELETE FROM indicator WHERE NOT EXISTS (SELECT 1 FROM temp.new_indicator n"
                        " WHERE n.project_id = indicator.project_id AND n.id = indicator.id)");
      !run.ok())
    return run;
  return Exec(db_,
              "INSERT INTO indicator (project_id, id, level1, level2, name, target_text, kind, op,"
              " target_value, unit)"
              " SELECT * FROM temp.new_indicator WHERE NOT EXISTS (SELECT 1 FROM indicator i"
              "  WHERE i.project_id = new_indicator.project_id AND i.id = new_indicator.id"
              "  AND i.level1 = new_indicator.level1 AND i.level2 = new_indicator.level2"
              "  AND i.name = new_indicator.name AND i.target_text = new_indicator.target_text"
              "  AND i.kind = new_indicator.kind AND i.op IS new_indicator.op"
              "  AND i.target_value IS new_indicator.target_value AND i.unit = new_indicator.unit)"
              " ON CONFLICT (project_id, id) DO UPDATE SET level1 = excluded.level1,"
              "  level2 = excluded.level2, name = excluded.name,"
              "  target_text = excluded.target_text, kind = excluded.kind, op = excluded.op,"
              "  target_value = excluded.target_value, unit = excluded.unit");
}

Result<std::optional<std::string>> CatalogStore::EncodedCatalogOfYear(int year) {
  Statement query(db_,
                  "SELECT encoded FROM catalog_load WHERE year = ? AND encoded IS NOT NULL "
                  "ORDER BY id DESC LIMIT 1");
  query.Bind(1, static_cast<long long>(year));
  return FirstBlob(query);
}

Result<std::vector<int>> CatalogStore::CatalogYears() {
  Statement query(db_, "SELECT DISTINCT year FROM catalog_load ORDER BY year");
  std::vector<int> years;
  while (query.Step()) years.push_back(static_cast<int>(query.Int(0)));
  if (!query.status().ok()) return query.status();
  return years;
}

Result<bool> CatalogStore::SaveCatalog(const Catalog& catalog, const std::string& loaded_at,
                                       std::string_view encoded) {
  auto previous = CatalogHash();
  if (!previous.ok()) return previous.status();
  if (previous.value() == catalog.sha256) {
    // The same catalogue; only its encoded form may be missing or of an older encoding.
    if (encoded.empty()) return false;
    Statement refresh(db_,
                      "UPDATE catalog_load SET encoded = ? "
                      "WHERE id = (SELECT MAX(id) FROM catalog_load)");
    refresh.BindBlobView(1, encoded);
    if (Status run = refresh.Run(); !run.ok()) return run.WithContext("saving the catalogue");
    return false;
  }
  std::string units;
  for (const auto& unit : catalog.units) units += (units.empty() ? "" : ",") + unit.id;
  // Compared and staged before the write lock is taken: logins, account changes and reports
  // wait behind it.
  auto changes = ChangedMeanings(catalog);
  if (!changes.ok()) return changes.status().WithContext("saving the catalogue");
  if (Status staged = StageCatalog(catalog); !staged.ok())
    return staged.WithContext("saving the catalogue");
  Status status = InTransaction([&]() -> Status {
    // Another process may have saved a catalogue since the comparison.
    auto latest = CatalogHash();
    if (!latest.ok()) return latest.status();
    if (latest.value() != previous.value()) {
      changes = ChangedMeanings(catalog);
      if (!changes.ok()) return changes.status();
    }
    if (Status kept = RefuseReinterpretedValues(catalog, *changes); !kept.ok()) return kept;
    Statement load(db_,
                   "INSERT INTO catalog_load (sha256, year, units, project_count, "
                   "indicator_count, loaded_at, encoded) VALUES (?, ?, ?, ?, ?, ?, ?)");
    load.Bind(1, catalog.sha256)
        .Bind(2, static_cast<long long>(catalog.year))
        .Bind(3, units)
        .Bind(4, static_cast<long long>(catalog.projects.size()))
        .Bind(5, static_cast<long long>(catalog.IndicatorCount()))
        .Bind(6, loaded_at);
    if (encoded.empty()) {
      load.BindNull(7);
    } else {
      load.BindBlobView(7, encoded);
    }
    if (Status run = load.Run(); !run.ok()) return run;
    const long long load_id = sqlite3_last_insert_rowid(db_);
    return ApplyStagedCatalog(load_id);
  });
  // A province's catalogue staged is 20 MB of the temporary database.
  Exec(db_, "DELETE FROM temp.new_project; DELETE FROM temp.new_indicator").ok();
  if (!status.ok()) return status.WithContext("saving the catalogue");
  return true;
}

}  // namespace ptmon
