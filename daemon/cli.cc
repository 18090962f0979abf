#include "cli.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/version.h>

namespace ptmon::cli {

std::optional<Catalog> CommonOptions::LoadCatalogOrReport() const {
  auto sources = CatalogSources(catalog_paths);
  if (!sources.ok()) {
    std::cerr << "ptmon: " << sources.status().message() << "\n";
    return std::nullopt;
  }
  Diagnostics diagnostics;
  auto catalog = LoadCatalog(*sources, diagnostics);
  std::cerr << diagnostics.ToString();
  if (!catalog.ok()) {
    std::cerr << "ptmon: " << catalog.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(catalog).value();
}

Result<std::unique_ptr<Clock>> CommonOptions::MakeClock() const {
  if (now.empty()) return std::unique_ptr<Clock>(new SystemClock());
  auto date = ParseDate(now);
  if (!date) return Status::Error("--now " + now + " is not a date like 2026-07-15");
  return std::unique_ptr<Clock>(new FixedClock(*date));
}

namespace {

void AddCatalogOption(CLI::App& command, CommonOptions& options) {
  command.add_option("--catalog", options.catalog_paths,
                     "Catalogue YAML file (repeatable); replaces the embedded default");
}

}  // namespace

int Run(int argc, char** argv) {
  CLI::App app{"ptmon: performance-target (绩效目标) monitoring for budget units"};
  app.set_version_flag("--version", std::string("ptmon ") + PTMON_VERSION);
  app.require_subcommand(1);
  CommonOptions options;
  std::string format = "table";
  int exit_code = kExitOk;

  auto* check = app.add_subcommand("check-config", "Validate the catalogue; exit 1 with located errors");
  AddCatalogOption(*check, options);
  check->callback([&] { exit_code = RunCheckConfig(options); });

  auto* catalog = app.add_subcommand("catalog", "Show the projects and indicators of the catalogue");
  AddCatalogOption(*catalog, options);
  catalog->add_option("--format", format, "table or json")->check(CLI::IsMember({"table", "json"}));
  catalog->callback([&] { exit_code = RunCatalog(options, format); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitFailure;
  }
  return exit_code;
}

}  // namespace ptmon::cli
