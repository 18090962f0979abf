// The daemon's configuration (`ptmon serve --config FILE`), with every default a fresh install
// needs: with no file at all ptmon serves the embedded catalogue on loopback with its data in
// ./ptmon-data. Every problem in the file is reported with its file:line:column.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <ptmon/base/location.h>
#include <ptmon/base/status.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/indicators/evaluation.h>

namespace ptmon {

inline constexpr int kDefaultPort = 10150;

// A write API token: whoever presents it is `name` (recorded as the batches' submitter,
// "api:<name>") and may report for `projects` (empty: every project), only within `unit` when
// one is given.
struct ApiToken {
  std::string name;
  std::string secret;
  std::vector<std::string> projects;
  std::string unit;
  // Where each of `projects` and `unit` was written, so an id the catalogue lacks is reported at
  // its place once the catalogue is loaded (CheckApiScopes).
  std::vector<SourcePlace> project_places;
  SourcePlace unit_place;
};

struct DaemonConfig {
  std::string listen = "127.0.0.1:10150";
  std::string external_url;  // base of links in alerts; default http://<listen>
  std::string data_dir = "ptmon-data";
  std::vector<std::string> catalogs;  // empty: the embedded default

  std::chrono::milliseconds inbox_settle{2000};
  std::chrono::milliseconds inbox_rescan{10000};
  // A file whose ingest failed on I/O is tried again after settle, then twice as long each
  // time, up to this.
  std::chrono::milliseconds inbox_retry_max{std::chrono::minutes(5)};
  size_t max_file_bytes = 64u << 20;
  std::string encoding = "auto";  // auto, utf-8, gbk

  std::chrono::milliseconds evaluation_interval{std::chrono::minutes(5)};
  EvaluationSettings evaluation;

  std::vector<std::string> alertmanagers;
  std::chrono::seconds alert_resend{60};
  std::chrono::seconds alert_for{0};
  std::chrono::seconds alert_resolved_retention{900};
  std::chrono::seconds ingest_stale_after{std::chrono::hours(24 * 35)};
  // PtmonReportDueSoon is raised this many days before a report's due day (0: on the day only).
  int remind_days_before = 3;

  // `api: {token | token_file}` is one all-access token named "api"; `api: {tokens: […]}` lists
  // named, scoped ones. None: the write API is disabled.
  std::vector<ApiToken> api_tokens;
  size_t max_body_bytes = 64u << 20;
  int http_threads = 8;
  // Request bodies (uploads, forms, API posts) read or handled at once per account (a console
  // user, the API token) and per client address; beyond either a request gets 429.
  size_t max_bodies_per_account = 2;
  size_t max_bodies_per_address = 4;
  std::chrono::milliseconds http_request_timeout{
      10000};  // a slow client frees its thread after this

  // HTTPS: the certificate chain and private key (PEM); both empty: plain HTTP. Read at start
  // (a new certificate needs a restart).
  std::string tls_cert_file;
  std::string tls_key_file;

  // The web console (pages under /). The board and project pages need a login unless
  // `open_board`; reporting always does.
  bool console_enabled = true;
  bool console_open_board = false;
  std::chrono::milliseconds session_idle{std::chrono::minutes(30)};
  std::chrono::milliseconds session_lifetime{std::chrono::hours(12)};

  std::string log_level = "info";   // trace, debug, info, warn, error
  std::string log_format = "text";  // text, json

  // The budget unit's time zone (a name under /usr/share/zoneinfo): the times people read and
  // "today" are in it. Set once when ptmon serve starts; a change needs a restart.
  std::string time_zone = "Asia/Shanghai";

  std::string ExternalUrl() const;
};

// Reads a configuration file over the defaults. Problems go to `diagnostics`; the result is an
// error when any is an error. A `token_file` is read relative to the working directory.
Result<DaemonConfig> LoadDaemonConfig(const std::string& path, Diagnostics& diagnostics);

// Reports, at their places in the configuration, the projects and units that API tokens are
// scoped to but that none of `catalogs` has (the served catalogue, and last year's while its
// reports may still arrive), and projects outside their token's unit. Adds errors to
// `diagnostics`; returns whether there were none.
bool CheckApiScopes(const DaemonConfig& config, const std::vector<const Catalog*>& catalogs,
                    Diagnostics& diagnostics);

// "500ms", "2s", "10m", "1h", "35d"; nothing for anything else.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// Whether `listen` is host:port with a port number ([::1]:10150 for IPv6).
bool IsListenAddress(std::string_view listen);

}  // namespace ptmon
