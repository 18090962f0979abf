// The schema as an ordered list of migrations: migration i takes a database from
// user_version i to i + 1. Append only; never edit a migration that has shipped.
#pragma once

#include <array>
#include <string_view>

namespace ptmon::storage_internal {

inline constexpr std::array<std::string_view, 10> kMigrations = {
    R"sql(
CREATE TABLE catalog_load (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  year INTEGER NOT NULL,
  units TEXT NOT NULL,
  project_count INTEGER NOT NULL,
  indicator_count INTEGER NOT NULL,
  loaded_at TEXT NOT NULL,
  -- The validated catalogue, so an unchanged one is not parsed again (catalog_codec.h).
  encoded BLOB
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
-- Every (project, indicator) ever reported; never deleted, so values outlive a catalogue that
-- drops their indicator. "spent" is the project's budget spending.
CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL,
  indicator_id TEXT NOT NULL,
  UNIQUE (project_id, indicator_id)
);
-- The manager's explanation of a deviation; few values carry one.
CREATE TABLE note (
  id INTEGER PRIMARY KEY,
  reason_category TEXT NOT NULL,
  reason TEXT NOT NULL,
  action TEXT NOT NULL,
  likelihood TEXT NOT NULL
);
-- Append-only: a later value for the same series and period supersedes, history stays.
-- period is year * 100 + month. Rows are written only by Store::ApplyBatch, in the transaction
-- that creates their batch, series and note, so the references hold by construction; declaring
-- them as foreign keys would add three lookups per row and double the cost of a large file.
CREATE TABLE actual (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  series_id INTEGER NOT NULL,
  period INTEGER NOT NULL CHECK (period % 100 BETWEEN 1 AND 12),
  value REAL,
  grade TEXT CHECK (grade IS NULL OR grade IN ('达成', '部分达成', '未达成')),
  note_id INTEGER,
  reporter TEXT NOT NULL DEFAULT '',
  CHECK ((value IS NULL) <> (grade IS NULL))
);
CREATE INDEX actual_by_series ON actual(series_id, period, id);
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
    // Version 2: values keyed by their batch. Batches only ever append, so a million-row file
    // becomes an append to the end of one B-tree instead of a million random inserts into a
    // second index by series (which tripled the cost of a large file). One series' history
    // seeks the key (batch, series) once per batch, and batches are files: few.
    R"sql(
CREATE TABLE actual_by_batch (
  batch_id INTEGER NOT NULL,
  series_id INTEGER NOT NULL,
  period INTEGER NOT NULL CHECK (period % 100 BETWEEN 1 AND 12),
  value REAL,
  grade TEXT CHECK (grade IS NULL OR grade IN ('达成', '部分达成', '未达成')),
  note_id INTEGER,
  reporter TEXT NOT NULL DEFAULT '',
  CHECK ((value IS NULL) <> (grade IS NULL)),
  -- A file holds one value per series and period (duplicates are refused), and a later batch
  -- supersedes an earlier one.
  PRIMARY KEY (batch_id, series_id, period)
) WITHOUT ROWID;
INSERT INTO actual_by_batch
  SELECT batch_id, series_id, period, value, grade, note_id, reporter FROM actual
  ORDER BY batch_id, series_id, period;
DROP TABLE actual;
ALTER TABLE actual_by_batch RENAME TO actual;
)sql",
    // Version 3: the web console's accounts (accounts.h) and the record of who did what.
    R"sql(
CREATE TABLE console_user (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'manager', 'admin')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
-- The projects a manager reports for.
CREATE TABLE console_user_project (
  user_name TEXT NOT NULL REFERENCES console_user(name) ON DELETE CASCADE,
  project_id TEXT NOT NULL,
  PRIMARY KEY (user_name, project_id)
) WITHOUT ROWID;
-- Append-only: every login (failed ones too), logout, report and account change.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_name TEXT NOT NULL,
  peer TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
)sql",
    // Version 4: the newest value of every series and period as of one batch, so start-up reads
    // those and the rows of later batches instead of every revision ever stored (Store::Fold).
    R"sql(
CREATE TABLE latest_value (
  series_id INTEGER NOT NULL,
  period INTEGER NOT NULL,
  batch_id INTEGER NOT NULL,
  value REAL,
  grade TEXT,
  note_id INTEGER,
  PRIMARY KEY (series_id, period)
) WITHOUT ROWID;
-- latest_value holds what the batches up to folded_through say; 0 before the first fold.
CREATE TABLE latest_fold (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  folded_through INTEGER NOT NULL
);
INSERT INTO latest_fold VALUES (1, 0);
)sql",
    // Version 5: the newest values folded into one row per series and year (folded_year.h): a
    // province's start reads 76,000 rows instead of 760,000. Nothing is folded yet; the daemon
    // folds every batch again after its next start.
    R"sql(
DROP TABLE latest_value;
CREATE TABLE folded_year (
  year INTEGER NOT NULL,
  series_id INTEGER NOT NULL,
  months BLOB NOT NULL,
  PRIMARY KEY (year, series_id)
) WITHOUT ROWID;
-- folded_year holds what the batches up to folded_through say; 0 before the first fold.
UPDATE latest_fold SET folded_through = 0;
)sql",
    // Version 6: who sent each batch, as authenticated (a console user, an API token's name,
    // inbox, cli:<user>), beside the 填报人 the file names (reporter). Unknown before: ''.
    R"sql(
ALTER TABLE batch ADD COLUMN submitted_by TEXT NOT NULL DEFAULT '';
)sql",
    // Version 7: the batches that reported for each project, so an indicator's history seeks
    // the few batches of its project instead of every batch ever applied (the console reads one
    // history per indicator of a page: a province's 12,000 batches a year, 66 times over). One
    // row per project a file reports for, not per value: applying a file costs no more. The
    // newest applied time by index, not by reading every batch.
    R"sql(
CREATE TABLE batch_project (
  project_id TEXT NOT NULL,
  batch_id INTEGER NOT NULL,
  PRIMARY KEY (project_id, batch_id)
) WITHOUT ROWID;
INSERT INTO batch_project
  SELECT DISTINCT s.project_id, a.batch_id FROM actual a JOIN series s ON s.id = a.series_id;
CREATE INDEX batch_last_applied ON batch(applied_at) WHERE status = 'applied';
)sql",
    // Version 8: how each account's person is reached (accounts.h Contacts), where reminders are
    // routed; '' when not given. The managers of a project are sought by project.
    R"sql(
ALTER TABLE console_user ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE console_user ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE console_user ADD COLUMN wecom TEXT NOT NULL DEFAULT '';
CREATE INDEX console_user_project_by_project ON console_user_project(project_id, user_name);
)sql",
    // Version 9: alert state in columns (store.h AlertRecord): the rule as its number
    // (alerts.h AlertRule), the subject's label values, the phase and Unix times as integers,
    // instead of a fingerprint, labels and annotations as JSON text (a bad year's 51,616
    // alerts took 28 MB of text, now 13 MB). Rows of an unknown rule are dropped: the rules
    // recreate what still holds.
    R"sql(
CREATE TABLE alert (
  rule INTEGER NOT NULL,
  budget_unit TEXT NOT NULL,
  project TEXT NOT NULL,
  indicator TEXT NOT NULL,
  owner TEXT NOT NULL,
  phase INTEGER NOT NULL CHECK (phase IN (0, 1, 2)),
  active_since INTEGER NOT NULL,
  fired_at INTEGER,
  resolved_at INTEGER,
  generator_url TEXT NOT NULL,
  annotations_json TEXT NOT NULL,
  PRIMARY KEY (rule, budget_unit, project, indicator, owner)
) WITHOUT ROWID;
INSERT OR REPLACE INTO alert
  SELECT rule, coalesce(json_extract(labels_json, '$.budget_unit'), ''),
         coalesce(json_extract(labels_json, '$.project'), ''),
         coalesce(json_extract(labels_json, '$.indicator'), ''),
         coalesce(json_extract(labels_json, '$.owner'), ''),
         CASE state WHEN 'pending' THEN 0 WHEN 'firing' THEN 1 ELSE 2 END,
         CAST(strftime('%s', active_since) AS INTEGER),
         CAST(strftime('%s', fired_at) AS INTEGER),
         CAST(strftime('%s', resolved_at) AS INTEGER),
         coalesce(json_extract(annotations_json, '$.__generator_url'), ''),
         json_remove(annotations_json, '$.__generator_url')
  FROM (SELECT *, CASE json_extract(labels_json, '$.alertname') || '/' ||
                       json_extract(labels_json, '$.severity')
                    WHEN 'PtmonIndicatorBehind/warning' THEN 1
                    WHEN 'PtmonIndicatorBehind/critical' THEN 2
                    WHEN 'PtmonTargetFarExceeded/info' THEN 3
                    WHEN 'PtmonReportOverdue/warning' THEN 4
                    WHEN 'PtmonBudgetExecutionLagging/warning' THEN 5
                    WHEN 'PtmonBudgetExecutionLagging/critical' THEN 6
                    WHEN 'PtmonReportDueSoon/info' THEN 7
                    WHEN 'PtmonIngestStale/warning' THEN 8
                  END AS rule
        FROM alert_state WHERE json_valid(labels_json) AND json_valid(annotations_json))
  WHERE rule IS NOT NULL;
DROP TABLE alert_state;
)sql",
    // Version 10: the same checks on values, the grades' spelled as comparisons. SQLite checks
    // `grade IN (three names)` by building a temporary table of the names for every graded row
    // written: a quarter of what writing a province's file cost SQLite. Every row is copied
    // across once, in key order.
    R"sql(
CREATE TABLE actual_checked (
  batch_id INTEGER NOT NULL,
  series_id INTEGER NOT NULL,
  period INTEGER NOT NULL CHECK (period % 100 BETWEEN 1 AND 12),
  value REAL,
  grade TEXT CHECK (grade IS NULL OR grade = '达成' OR grade = '部分达成' OR grade = '未达成'),
  note_id INTEGER,
  reporter TEXT NOT NULL DEFAULT '',
  CHECK ((value IS NULL) <> (grade IS NULL)),
  PRIMARY KEY (batch_id, series_id, period)
) WITHOUT ROWID;
INSERT INTO actual_checked
  SELECT batch_id, series_id, period, value, grade, note_id, reporter FROM actual
  ORDER BY batch_id, series_id, period;
DROP TABLE actual;
ALTER TABLE actual_checked RENAME TO actual;
)sql",
};

}  // namespace ptmon::storage_internal
