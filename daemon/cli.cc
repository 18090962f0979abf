#include "cli.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include <ptmon/base/file_system.h>
#include <ptmon/config/catalog_cache.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/revision.h>
#include <ptmon/version.h>

#include "service.h"

namespace ptmon::cli {

namespace {

// Prints every located problem a load found and, when it failed, why; the value when it did not.
template <typename T>
std::optional<T> ValueOrReport(Result<T> loaded, const Diagnostics& diagnostics) {
  std::cerr << diagnostics.ToString();
  if (!loaded.ok()) {
    std::cerr << "ptmon: " << loaded.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(loaded).value();
}

// Parses and validates, printing every located problem.
std::optional<Catalog> ParseCatalogOrReport(const std::vector<CatalogSource>& sources) {
  Diagnostics diagnostics;
  auto catalog = LoadCatalog(sources, diagnostics);
  return ValueOrReport(std::move(catalog), diagnostics);
}

}  // namespace

std::optional<Catalog> CommonOptions::LoadCatalogOrReport() const {
  auto sources = CatalogSources(catalog_paths);
  if (!sources.ok()) {
    std::cerr << "ptmon: " << sources.status().message() << "\n";
    return std::nullopt;
  }
  return ParseCatalogOrReport(*sources);
}

Result<std::unique_ptr<Clock>> CommonOptions::MakeClock() const {
  if (now.empty()) return std::unique_ptr<Clock>(new SystemClock());
  auto date = ParseDate(now);
  if (!date) return Status::Error("--now " + now + " is not a date like 2026-07-15");
  return std::unique_ptr<Clock>(new FixedClock(*date));
}

int WriteOutput(const std::string& text, const std::string& out) {
  if (out.empty()) {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream file(out, std::ios::binary);
  file << text;
  if (!file.flush()) {
    std::cerr << "ptmon: cannot write " << out << "\n";
    return kExitFailure;
  }
  std::cout << "wrote " << out << "\n";
  return kExitOk;
}

std::optional<DataSession> CommonOptions::OpenData(CatalogRecording recording) const {
  auto clock = MakeClock();
  if (!clock.ok()) {
    std::cerr << "ptmon: " << clock.status().message() << "\n";
    return std::nullopt;
  }
  DaemonConfig config;
  config.data_dir = DataDir();
  if (!config_path.empty()) {
    Diagnostics diagnostics;
    auto loaded = LoadDaemonConfig(config_path, diagnostics);
    auto file = ValueOrReport(std::move(loaded), diagnostics);
    if (!file) return std::nullopt;
    config = std::move(*file);
    if (!data_dir.empty()) config.data_dir = data_dir;
  }
  auto sources = CatalogSources(catalog_paths.empty() ? config.catalogs : catalog_paths);
  if (!sources.ok()) {
    std::cerr << "ptmon: " << sources.status().message() << "\n";
    return std::nullopt;
  }
  if (Status made = PosixFileSystem().MakeDirectories(config.data_dir); !made.ok()) {
    std::cerr << "ptmon: " << made.WithContext("creating the data directory").message() << "\n";
    return std::nullopt;
  }
  const std::string db_path = (std::filesystem::path(config.data_dir) / "ptmon.db").string();
  auto store = Store::Open(db_path);
  if (!store.ok()) {
    std::cerr << "ptmon: " << store.status().message() << "\n";
    return std::nullopt;
  }
  DataSession session;
  session.store = std::move(store).value();
  session.clock = std::move(clock).value();
  session.data_dir = config.data_dir;
  session.settings = config.evaluation;
  Diagnostics diagnostics;
  auto read = ValueOrReport(ReadCatalogCached(*session.store, *sources, diagnostics), diagnostics);
  if (!read) return std::nullopt;
  const std::string loaded_at = FormatRfc3339(session.clock->Now());
  if (recording == CatalogRecording::kInBackground && !read->recorded && !year) {
    // The thread owns what it reads: the catalogue (shared with the session) and a connection.
    auto shared = std::make_shared<const CatalogRead>(std::move(*read));
    session.catalog = std::shared_ptr<const Catalog>(shared, &shared->catalog);
    session.catalog_recording = std::async(std::launch::async, [shared, loaded_at, db_path] {
                                  auto connection = Store::Open(db_path);
                                  if (!connection.ok()) return connection.status();
                                  return RecordCatalog(**connection, *shared, loaded_at);
                                }).share();
    return session;
  }
  if (Status recorded = RecordCatalog(*session.store, *read, loaded_at); !recorded.ok()) {
    std::cerr << "ptmon: " << recorded.message() << "\n";
    return std::nullopt;
  }
  session.catalog = std::make_shared<const Catalog>(std::move(read->catalog));
  if (year && *year != session.catalog->year) {
    auto stored = StoredCatalogOfYear(*session.store, *year);
    if (!stored.ok()) {
      std::cerr << "ptmon: --year " << *year << ": " << stored.status().message() << "\n";
      return std::nullopt;
    }
    session.catalog = std::make_shared<const Catalog>(std::move(*stored));
  }
  return session;
}

namespace {

void AddCatalogOption(CLI::App& command, CommonOptions& options) {
  command.add_option("--catalog", options.catalog_paths,
                     "Catalogue YAML file (repeatable); replaces the embedded default");
}

void AddNowOption(CLI::App& command, CommonOptions& options) {
  command.add_option("--now", options.now, "Stand-in for today, YYYY-MM-DD (reproducible runs)");
}

void AddDataOptions(CLI::App& command, CommonOptions& options) {
  AddCatalogOption(command, options);
  command.add_option("--data-dir", options.data_dir, "Data directory (default ./ptmon-data)");
  AddNowOption(command, options);
  command.add_option("--config", options.config_path,
                     "The daemon's configuration file: its data_dir, catalogs and evaluation "
                     "settings apply (the flags above win)");
}

void AddYearOption(CLI::App& command, CommonOptions& options) {
  command.add_option("--year", options.year,
                     "A past (or other) year: its catalogue as this data directory last loaded it, "
                     "and that year's values");
}

}  // namespace

int Run(int argc, char** argv) {
  CLI::App app{"ptmon: performance-target (绩效目标) monitoring for budget units"};
  app.set_version_flag("--version",
                       std::string("ptmon ") + PTMON_VERSION + " (commit " + PTMON_REVISION + ")");
  app.require_subcommand(1);
  CommonOptions options;
  std::string format = "table";
  int exit_code = kExitOk;

  auto* check =
      app.add_subcommand("check-config", "Validate the catalogue; exit 1 with located errors");
  ServeFlags serve_flags;
  AddCatalogOption(*check, options);
  check->add_option("--config", serve_flags.config_path,
                    "Daemon configuration file to check as well");
  check->callback([&] {
    if (serve_flags.config_path.empty()) {
      exit_code = RunCheckConfig(options);
    } else {
      serve_flags.catalogs = options.catalog_paths;
      exit_code = RunCheckDaemonConfig(serve_flags);
    }
  });

  auto* catalog =
      app.add_subcommand("catalog", "Show the projects and indicators of the catalogue");
  AddCatalogOption(*catalog, options);
  catalog->add_option("--format", format, "table or json")->check(CLI::IsMember({"table", "json"}));
  catalog->callback([&] { exit_code = RunCatalog(options, format); });

  std::vector<std::string> import_inputs;
  std::string import_out;
  std::optional<int> import_year;
  auto* import_command = app.add_subcommand(
      "import",
      "Write a catalogue from a unit's published target tables: a 部门预算公开 PDF or its text, "
      "or a budget system's target-table export (CSV or XLSX)");
  import_command->add_option("INPUT", import_inputs, "PDF, text, CSV or XLSX files")->required();
  import_command->add_option("--out", import_out, "Write to this file instead of standard output");
  import_command->add_option("--year", import_year,
                             "The catalogue's year, when the tables do not say");
  import_command->callback([&] { exit_code = RunImport(import_inputs, import_out, import_year); });

  std::vector<std::string> files;
  std::string encoding = "auto";
  auto* ingest = app.add_subcommand(
      "ingest", "Check and apply report files (CSV or YAML); no FILE: the inbox");
  AddDataOptions(*ingest, options);
  ingest->add_option("--encoding", encoding, "CSV encoding: auto (UTF-8, else GBK), utf-8 or gbk")
      ->check(CLI::IsMember({"auto", "utf-8", "gbk"}));
  ingest->add_option("FILE", files, "Report files");
  ingest->callback([&] { exit_code = RunIngest(options, files, encoding); });

  std::string period, project, out, indicator;
  std::string template_encoding = "utf-8-bom", template_format = "csv";
  auto* templ = app.add_subcommand(
      "template", "Write a report template with every indicator, as CSV or an Excel workbook");
  AddCatalogOption(*templ, options);
  templ->add_option("--data-dir", options.data_dir,
                    "Show each indicator's value reported last (column 上次填报) from this data "
                    "directory");
  templ->add_option("--config", options.config_path,
                    "The daemon's configuration file: its data_dir and catalogs apply");
  AddNowOption(*templ, options);
  templ->add_option("--period", period,
                    "The month reported, e.g. 2026-07 (default: the month before today's)");
  templ->add_option("--project", project, "Only this project (id or name)");
  templ
      ->add_option("--format", template_format,
                   "csv (default) or xlsx: one sheet per project, dropdowns, only the cells to "
                   "fill unlocked (needs --out or a pipe)")
      ->check(CLI::IsMember({"csv", "xlsx"}));
  templ->add_option("--encoding", template_encoding, "CSV: utf-8-bom (default) or gbk")
      ->check(CLI::IsMember({"utf-8-bom", "gbk"}));
  templ->add_option("--out", out, "Write to this file instead of standard output");
  templ->callback([&] {
    exit_code = RunTemplate(options, period, project, template_encoding, template_format, out);
  });

  auto* history = app.add_subcommand("history", "Every revision of one indicator's values");
  AddDataOptions(*history, options);
  AddYearOption(*history, options);
  history->add_option("--project", project, "Project id")->required();
  history->add_option("--indicator", indicator, "Indicator id (or 'spent')")->required();
  history->add_option("--format", format, "table or json")->check(CLI::IsMember({"table", "json"}));
  history->callback([&] { exit_code = RunHistory(options, project, indicator, format); });

  std::string as_of;
  auto* status = app.add_subcommand(
      "status", "Evaluate every indicator as of a month: lights, forecast, score");
  AddDataOptions(*status, options);
  AddYearOption(*status, options);
  status->add_option("--as-of", as_of,
                     "Month to evaluate, e.g. 2026-07 (default: the last month due)");
  status->add_option("--project", project, "Only this project (id)");
  status->add_option("--format", format, "table or json")->check(CLI::IsMember({"table", "json"}));
  status->callback([&] { exit_code = RunStatus(options, as_of, project, format); });

  ReportOptions report_options;
  auto* report = app.add_subcommand(
      "report", "The official tables: monitoring (监控表) or self-evaluation (自评表)");
  AddDataOptions(*report, options);
  AddYearOption(*report, options);
  report->add_option("--kind", report_options.kind, "monitor or self-eval")
      ->check(CLI::IsMember({"monitor", "self-eval"}));
  report->add_option("--as-of", report_options.as_of,
                     "Month to evaluate, e.g. 2026-07 (default: the last month due)");
  report->add_option("--project", report_options.project_id, "Only this project (id)");
  report
      ->add_option("--format", report_options.format,
                   "csv, md, html or xlsx (needs --out or a pipe)")
      ->check(CLI::IsMember({"csv", "md", "html", "xlsx"}));
  report->add_option("--out", report_options.out, "Write to this file instead of standard output");
  report->add_option("--texts", report_options.texts_path,
                     "The 自评表's 评价结论, 存在问题, 改进措施 and signatories as edited (YAML, "
                     "from --draft-texts)");
  report->add_flag("--draft-texts", report_options.draft_texts,
                   "Write the 自评表's drafted texts as YAML to edit, instead of the tables");
  report->callback([&] { exit_code = RunReport(options, report_options); });

  auto* alerts = app.add_subcommand(
      "alerts", "List the alerts ptmon serve holds (pending, firing, recently resolved)");
  alerts->add_option("--data-dir", options.data_dir, "Data directory (default ./ptmon-data)");
  alerts->add_option("--format", format, "table or json")->check(CLI::IsMember({"table", "json"}));
  alerts->callback([&] { exit_code = RunAlerts(options, format); });

  long long revert_batch = 0;
  std::string revert_by, revert_why;
  auto* revert = app.add_subcommand(
      "revert", "Make an earlier batch's values current again (recorded as a new batch)");
  AddDataOptions(*revert, options);
  revert->add_option("--batch", revert_batch, "The batch to return to (ptmon history shows it)")
      ->required();
  revert->add_option("--by", revert_by, "Who reverts (recorded as the new batch's reporter)")
      ->required();
  revert->add_option("--reason", revert_why, "Why (recorded with the new batch)");
  revert->callback([&] { exit_code = RunRevert(options, revert_batch, revert_by, revert_why); });

  std::string backup_to;
  auto* backup =
      app.add_subcommand("backup", "Copy the database consistently, also while ptmon serve runs");
  backup->add_option("--data-dir", options.data_dir, "Data directory (default ./ptmon-data)");
  backup->add_option("--to", backup_to, "The new file to write")->required();
  backup->callback([&] { exit_code = RunBackup(options, backup_to); });

  auto* user =
      app.add_subcommand("user", "The web console's accounts (stored in the data directory)");
  user->require_subcommand(1);
  std::string user_name, user_role, password_file;
  std::vector<std::string> user_projects;
  auto add_account_options = [&](CLI::App& command) {
    command.add_option("NAME", user_name, "The user's login name")->required();
    command.add_option("--data-dir", options.data_dir, "Data directory (default ./ptmon-data)");
  };
  auto* user_add = user->add_subcommand("add", "Create an account");
  add_account_options(*user_add);
  AddCatalogOption(*user_add, options);
  user_add->add_option("--config", options.config_path,
                       "The daemon's configuration file: its data_dir and catalogs apply");
  user_add->add_option("--role", user_role, "viewer, manager or admin")
      ->required()
      ->check(CLI::IsMember({"viewer", "manager", "admin"}));
  user_add->add_option("--project", user_projects,
                       "A project the manager reports for, by id or published name (repeatable)");
  user_add->add_option("--password-file", password_file,
                       "Read the password from this file's first line (else asked twice)");
  // Given or not: `user edit` changes only the contacts named, and "" clears one.
  std::optional<std::string> email, phone, wecom;
  auto add_contact_options = [&](CLI::App& command) {
    command.add_option("--email", email, "Where reminders are mailed (name@example.gov.cn)");
    command.add_option("--phone", phone, "A phone number (+86-138-0000-0000)");
    command.add_option("--wecom", wecom, "The WeCom (企业微信) user id");
  };
  add_contact_options(*user_add);
  user_add->callback([&] {
    exit_code = RunUserAdd(options, user_name, user_role, user_projects, password_file,
                           {email.value_or(""), phone.value_or(""), wecom.value_or("")});
  });
  auto* user_edit = user->add_subcommand("edit", "Change an account's contacts");
  add_account_options(*user_edit);
  add_contact_options(*user_edit);
  user_edit->callback([&] { exit_code = RunUserEdit(options, user_name, email, phone, wecom); });
  std::string webhook_url, am_template;
  auto* user_export = user->add_subcommand(
      "export-alertmanager",
      "Alertmanager routes and receivers by owner for the accounts with contacts (YAML)");
  user_export->add_option("--data-dir", options.data_dir, "Data directory (default ./ptmon-data)");
  user_export->add_option(
      "--webhook-url", webhook_url,
      "A webhook for each owner (a WeCom or DingTalk bridge); {owner} {wecom} {phone} {email} "
      "are replaced");
  bool wecom_app = false;
  user_export->add_flag("--wecom-app", wecom_app,
                        "Send to each --wecom id through Alertmanager's WeCom app receiver "
                        "(wechat_configs; global wechat_api_* set in the configuration)");
  user_export->add_option("--template", am_template,
                          "An Alertmanager configuration with the lines '# ptmon:owner-routes' "
                          "and '# ptmon:owner-receivers': printed with the fragment put there");
  user_export->callback(
      [&] { exit_code = RunUserExportAlertmanager(options, webhook_url, wecom_app, am_template); });
  auto* user_passwd =
      user->add_subcommand("passwd", "Set a new password (ends the user's sessions)");
  add_account_options(*user_passwd);
  user_passwd->add_option("--password-file", password_file,
                          "Read the password from this file's first line (else asked twice)");
  user_passwd->callback([&] { exit_code = RunUserPasswd(options, user_name, password_file); });
  auto* user_disable =
      user->add_subcommand("disable", "Refuse the user's logins and end their sessions");
  add_account_options(*user_disable);
  user_disable->callback([&] { exit_code = RunUserDisable(options, user_name, true); });
  auto* user_enable = user->add_subcommand("enable", "Allow a disabled user to log in again");
  add_account_options(*user_enable);
  user_enable->callback([&] { exit_code = RunUserDisable(options, user_name, false); });
  auto* user_list = user->add_subcommand("list", "Name, role, state and projects of every account");
  user_list->add_option("--data-dir", options.data_dir, "Data directory (default ./ptmon-data)");
  user_list->callback([&] { exit_code = RunUserList(options); });

  std::string serve_now;
  auto* serve =
      app.add_subcommand("serve", "Run the daemon: watch the inbox, serve /metrics, send alerts");
  serve->add_option("--config", serve_flags.config_path,
                    "Configuration file (YAML); flags below override it");
  serve->add_option("--listen", serve_flags.listen,
                    "HOST:PORT to serve HTTP on (default 127.0.0.1:10150)");
  serve->add_option("--data-dir", serve_flags.data_dir, "Data directory (default ./ptmon-data)");
  serve->add_option("--catalog", serve_flags.catalogs, "Catalogue YAML file (repeatable)");
  serve->add_option("--alertmanager", serve_flags.alertmanagers,
                    "Alertmanager base URL (repeatable)");
  serve->add_option("--alert-for", serve_flags.alert_for,
                    "How long a condition holds before it fires, e.g. 0s, 10m");
  serve->add_option("--log-format", serve_flags.log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  serve->add_option("--now", serve_now,
                    "Stand-in for today's date, YYYY-MM-DD (time keeps running)");
  serve->callback([&] { exit_code = RunServe(serve_flags, serve_now); });
  // Runs before the chosen command: only `serve` keeps the signals main blocked for its loop.
  app.parse_complete_callback([serve] {
    if (serve->count() == 0) UnblockServiceSignals();
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitFailure;
  }
  return exit_code;
}  // namespace ptmon::cli

}  // namespace ptmon::cli
