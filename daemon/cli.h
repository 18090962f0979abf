// The `ptmon` command line: subcommands, their options, and the exit codes they map to.
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ptmon/base/clock.h>
#include <ptmon/base/status.h>
#include <ptmon/config/daemon_config.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/indicators/evaluation.h>
#include <ptmon/storage/accounts.h>
#include <ptmon/storage/store.h>

namespace ptmon::cli {

// Exit codes: 0 success, 1 the input or data was refused (located errors on stderr),
// 2 usage or an environment failure (cannot open the database, unreadable files).
inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitFailure = 2;

// The store of the data directory with the catalogue it monitors, and the clock.
struct DataSession {
  std::unique_ptr<Store> store;
  std::shared_ptr<const Catalog> catalog;
  std::unique_ptr<Clock> clock;
  std::string data_dir;         // --data-dir, else the configuration's, else ./ptmon-data
  EvaluationSettings settings;  // the configuration's (lights, scoring), else the defaults
  // A new catalogue being recorded in the store on a connection of its own (OpenData's
  // kInBackground); invalid when recording was done, or not needed, before OpenData returned.
  std::shared_future<Status> catalog_recording;

  // Waits for the catalogue to be recorded: nothing may be written to the store before, since
  // a batch is checked and kept against the catalogue the store describes. Ok when it is.
  Status CatalogRecorded() const {
    return catalog_recording.valid() ? catalog_recording.get() : Status::Ok();
  }
};

// Whether OpenData records a new catalogue before it returns, or beside what follows.
enum class CatalogRecording { kBeforeReturning, kInBackground };

// Writes `text` to `out`, or to standard output when `out` is empty; an exit code.
int WriteOutput(const std::string& text, const std::string& out);

// Options shared by every subcommand that reads the catalogue, data or the clock.
struct CommonOptions {
  std::vector<std::string> catalog_paths;  // empty: the configuration's, else the embedded one
  std::string data_dir;                    // empty: the configuration's, else ./ptmon-data
  std::string config_path;                 // the daemon's configuration file, if given
  std::string now;  // YYYY-MM-DD standing in for today; empty: the system clock
  // A year other than the catalogue's: its catalogue as this data directory last loaded it.
  std::optional<int> year;

  std::string DataDir() const { return data_dir.empty() ? "ptmon-data" : data_dir; }

  // The catalogue, with every located problem printed to stderr; nothing on failure.
  std::optional<Catalog> LoadCatalogOrReport() const;
  // The clock every subcommand uses; reports a malformed --now.
  Result<std::unique_ptr<Clock>> MakeClock() const;
  // Reads the configuration file (when given; flags win over it), makes the clock, opens
  // <data-dir>/ptmon.db (creating the directory) and loads the catalogue, from the store when it
  // has this one already, otherwise from YAML, recording it in the store. Prints the located
  // errors or the failure and returns nothing when that fails. Recording a new catalogue costs
  // about as long as checking a large report; kInBackground lets the caller check meanwhile, and
  // leaves reporting a failure to record to the caller (DataSession::CatalogRecorded).
  std::optional<DataSession> OpenData(
      CatalogRecording recording = CatalogRecording::kBeforeReturning) const;
};

// `ptmon serve` flags that override the configuration file.
struct ServeFlags {
  std::string config_path;
  std::string listen;
  std::string data_dir;
  std::vector<std::string> catalogs;
  std::vector<std::string> alertmanagers;
  std::string alert_for;
  std::string log_format;
  // The configuration file (if any) with these overrides applied.
  Result<DaemonConfig> Resolve(Diagnostics& diagnostics) const;
};

int Run(int argc, char** argv);
int RunServe(const ServeFlags& flags, const std::string& now);
int RunCheckDaemonConfig(const ServeFlags& flags);

int RunCheckConfig(const CommonOptions& options);
// Writes the catalogue imported from `inputs` to `out` (standard output when empty); the
// review lines go to stderr. 0 when the catalogue written loads, 1 otherwise.
int RunImport(const std::vector<std::string>& inputs, const std::string& out,
              std::optional<int> year);
int RunCatalog(const CommonOptions& options, const std::string& format);
int RunIngest(const CommonOptions& options, const std::vector<std::string>& files,
              const std::string& encoding);
int RunTemplate(const CommonOptions& options, const std::string& period,
                const std::string& project_id, const std::string& encoding,
                const std::string& format, const std::string& out);
int RunStatus(const CommonOptions& options, const std::string& as_of, const std::string& project_id,
              const std::string& format);
// `ptmon report`: the official tables, or (draft_texts) the 自评表's drafted texts as the YAML
// file that texts_path reads back once the finance office has edited it.
struct ReportOptions {
  std::string kind = "monitor";  // monitor or self-eval
  std::string as_of;
  std::string project_id;
  std::string format = "md";  // csv, md, html or xlsx
  std::string out;
  std::string texts_path;
  bool draft_texts = false;
};
int RunReport(const CommonOptions& options, const ReportOptions& report);
int RunBackup(const CommonOptions& options, const std::string& to);
int RunRevert(const CommonOptions& options, long long batch_id, const std::string& by,
              const std::string& why);
int RunAlerts(const CommonOptions& options, const std::string& format);
// `ptmon user add|edit|passwd|disable|enable|list`: the console's accounts in
// <data-dir>/ptmon.db.
int RunUserAdd(const CommonOptions& options, const std::string& name, const std::string& role,
               const std::vector<std::string>& projects, const std::string& password_file,
               const Contacts& contacts);
// Changes the contacts given (an empty one clears it), keeps the others.
int RunUserEdit(const CommonOptions& options, const std::string& name,
                const std::optional<std::string>& email, const std::optional<std::string>& phone,
                const std::optional<std::string>& wecom);
// Every account of the data directory; nothing (having said why) when they cannot be read.
std::optional<std::vector<ConsoleUser>> ListAccounts(const CommonOptions& options);
// `ptmon user export-alertmanager`: the routes by owner and their receivers (user_export.cc).
int RunUserExportAlertmanager(const CommonOptions& options, const std::string& webhook_url,
                              bool wecom_app, const std::string& template_path);
int RunUserPasswd(const CommonOptions& options, const std::string& name,
                  const std::string& password_file);
int RunUserDisable(const CommonOptions& options, const std::string& name, bool disabled);
int RunUserList(const CommonOptions& options);
int RunHistory(const CommonOptions& options, const std::string& project_id,
               const std::string& indicator_id, const std::string& format);

}  // namespace ptmon::cli
