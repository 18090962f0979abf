// The schema as an ordered list of migrations: migration i takes a database from
// user_version i to i + 1. Append only; never edit a migration that has shipped.
#pragma once

#include <array>
#include <string_view>

namespace ptmon::storage_internal {

inline constexpr std::array<std::string_view, 1> kMigrations = {
    R"sql(
CREATE TABLE catalog_load (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  year INTEGER NOT NULL,
  units TEXT NOT NULL,
  project_count INTEGER NOT NULL,
  indicator_count INTEGER NOT NULL,
  loaded_at TEXT NOT NULL
);
CREATE TABLE project (
  id TEXT PRIMARY KEY,
  unit_id TEXT NOT NULL,
  name TEXT NOT NULL,
  department TEXT NOT NULL,
  annual_funds_fen INTEGER NOT NULL,
  period_funds_fen INTEGER NOT NULL,
  catalog_load_id INTEGER NOT NULL REFERENCES catalog_load(id)
);
CREATE TABLE indicator (
  project_id TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  level1 TEXT NOT NULL,
  level2 TEXT NOT NULL,
  name TEXT NOT NULL,
  target_text TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('positive', 'reverse', 'equal', 'qualitative')),
  op TEXT,
  target_value REAL,
  unit TEXT NOT NULL,
  PRIMARY KEY (project_id, id)
);
CREATE TABLE batch (
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  reporter TEXT NOT NULL DEFAULT '',
  received_at TEXT NOT NULL,
  applied_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('applied', 'rejected', 'duplicate')),
  row_count INTEGER NOT NULL DEFAULT 0,
  error_text TEXT NOT NULL DEFAULT ''
);
-- The same content is applied at most once, whatever happens to the file afterwards.
CREATE UNIQUE INDEX batch_applied_once ON batch(sha256) WHERE status = 'applied';
-- Append-only: a later value for the same indicator and period supersedes, history stays.
-- Values are kept for indicators a later catalogue drops, so there is no key to indicator.
CREATE TABLE actual (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL REFERENCES batch(id),
  project_id TEXT NOT NULL,
  indicator_id TEXT NOT NULL,
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  value REAL,
  grade TEXT CHECK (grade IS NULL OR grade IN ('达成', '部分达成', '未达成')),
  reason_category TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL DEFAULT '',
  likelihood TEXT NOT NULL DEFAULT '',
  reporter TEXT NOT NULL DEFAULT '',
  CHECK ((value IS NULL) <> (grade IS NULL))
);
CREATE INDEX actual_by_indicator ON actual(project_id, indicator_id, period, id);
CREATE TABLE alert_state (
  fingerprint TEXT PRIMARY KEY,
  labels_json TEXT NOT NULL,
  annotations_json TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  active_since TEXT NOT NULL,
  fired_at TEXT,
  resolved_at TEXT,
  last_sent_at TEXT
);
)sql",
};

}  // namespace ptmon::storage_internal
