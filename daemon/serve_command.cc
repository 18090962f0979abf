// `ptmon serve`: the configuration file, the command-line overrides, and the daemon.
#include <cstdlib>
#include <ctime>
#include <iostream>

#include <ptmon/config/daemon_config.h>
#include <ptmon/revision.h>
#include <ptmon/version.h>

#include "cli.h"
#include "logging.h"
#include "service.h"

namespace ptmon::cli {

namespace {

// Today stands still at --now while the wall clock (alert and metric timestamps, which
// Prometheus and Alertmanager compare with their own clocks) keeps running.
class BusinessDateClock final : public Clock {
 public:
  explicit BusinessDateClock(Date today) : today_(today) {}
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
  Date Today() const override { return today_; }

 private:
  Date today_;
};

}  // namespace

Result<DaemonConfig> ServeFlags::Resolve(Diagnostics& diagnostics) const {
  DaemonConfig config;
  if (!config_path.empty()) {
    auto loaded = LoadDaemonConfig(config_path, diagnostics);
    if (!loaded.ok()) return loaded.status();
    config = std::move(loaded).value();
  }
  if (!listen.empty()) {
    if (!IsListenAddress(listen))
      return Status::Error("--listen " + listen + " is not host:port (e.g. 127.0.0.1:10150)");
    config.listen = listen;
  }
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (!catalogs.empty()) config.catalogs = catalogs;
  if (!alertmanagers.empty()) config.alertmanagers = alertmanagers;
  if (!alert_for.empty()) {
    auto duration = ParseDuration(alert_for);
    if (!duration)
      return Status::Error("--alert-for " + alert_for + " is not a duration like 0s, 30s or 10m");
    config.alert_for = std::chrono::duration_cast<std::chrono::seconds>(*duration);
  }
  if (!log_format.empty()) config.log_format = log_format;
  return config;
}

namespace {

// The resolved configuration, with every located problem printed; nothing on failure.
std::optional<DaemonConfig> ResolveOrReport(const ServeFlags& flags) {
  Diagnostics diagnostics;
  auto config = flags.Resolve(diagnostics);
  std::cerr << diagnostics.ToString();
  if (!config.ok()) {
    std::cerr << "ptmon: " << config.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(config).value();
}

}  // namespace

int RunCheckDaemonConfig(const ServeFlags& flags) {
  auto config = ResolveOrReport(flags);
  if (!config) return kExitRefused;
  CommonOptions options;
  options.catalog_paths = config->catalogs;
  auto catalog = options.LoadCatalogOrReport();
  if (!catalog) return kExitRefused;
  Diagnostics scopes;
  if (!CheckApiScopes(*config, {&*catalog}, scopes)) {
    std::cerr << scopes.ToString() << "ptmon: the configuration has errors\n";
    return kExitRefused;
  }
  std::cout << "configuration OK: listen " << config->listen << ", data in " << config->data_dir
            << ", " << catalog->projects.size() << " projects, " << catalog->IndicatorCount()
            << " indicators, " << config->alertmanagers.size() << " Alertmanager(s), write API "
            << (config->api_tokens.empty() ? "disabled" : "enabled") << "\n";
  // The tokens by name and scope; their secrets are never printed.
  for (const ApiToken& token : config->api_tokens) {
    std::string projects;
    for (const auto& id : token.projects) projects += (projects.empty() ? "" : ", ") + id;
    std::cout << "  API token " << token.name << ": "
              << (projects.empty() ? "every project" : "projects " + projects)
              << (token.unit.empty() ? "" : " of unit " + token.unit) << "\n";
  }
  return kExitOk;
}

int RunServe(const ServeFlags& flags, const std::string& now) {
  auto config = ResolveOrReport(flags);
  if (!config) return kExitRefused;
  // The unit's zone for every local time (today, the times people read), set while this is the
  // only thread: setenv is not safe beside others.
  setenv("TZ", (":" + config->time_zone).c_str(), 1);
  tzset();
  if (!SetUpLogging(config->log_level, config->log_format)) {
    std::cerr << "ptmon: unknown log level or format\n";
    return kExitFailure;
  }
  std::unique_ptr<Clock> clock;
  if (now.empty()) {
    clock = std::make_unique<SystemClock>();
  } else if (auto date = ParseDate(now)) {
    clock = std::make_unique<BusinessDateClock>(*date);
  } else {
    std::cerr << "ptmon: --now " << now << " is not a date like 2026-07-15\n";
    return kExitFailure;
  }
  ServeOptions options;
  options.config = std::move(*config);
  options.version = PTMON_VERSION;
  options.revision = PTMON_REVISION;
  options.reload_config = [flags](Diagnostics& reload_diagnostics) {
    return flags.Resolve(reload_diagnostics);
  };
  return Serve(std::move(options), *clock) == 0 ? kExitOk : kExitFailure;
}

}  // namespace ptmon::cli
