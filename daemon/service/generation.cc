#include "generation.h"

#include <asio/post.hpp>
#include <spdlog/spdlog.h>

#include <ptmon/config/catalog_cache.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/indicators/last_year.h>
#include <ptmon/storage/store.h>

#include "logging.h"

namespace ptmon {

namespace {

// How often, in SQLite virtual-machine steps, the loader's connection looks at the stop flag:
// a few thousand steps take well under a millisecond.
constexpr int kStepsBetweenChecks = 4096;

// The loader's connection waits for another writer as a Store does (kBusyTimeoutMs), in short
// sleeps so that a stop is not kept waiting behind a long `ptmon ingest`.
constexpr int kBusySleepMs = 10;

const Status& Cancelled() {
  static const Status cancelled = Status::Error("cancelled: ptmon is stopping");
  return cancelled;
}

}  // namespace

Result<std::unique_ptr<ActualsIndex>> ReadActuals(Store& store, const Catalog& catalog) {
  auto actuals = std::make_unique<ActualsIndex>(catalog);
  if (auto values = store.values().LoadLatestValues(*actuals); !values.ok()) return values.status();
  store.ReleaseMemory();  // all values were read at once; keep the daemon small
  return actuals;
}

std::shared_ptr<const Evaluation> EvaluatePastYear(const Generation& generation, Date today) {
  if (!generation.past_evaluator) return nullptr;
  return std::make_shared<const Evaluation>(generation.past_evaluator->EvaluateAll(
      *generation.past_actuals, DefaultAsOf(today, generation.past_catalog->year), today));
}

void AttachPastYear(const Generation& generation, Evaluation& evaluation,
                    const std::vector<uint32_t>* projects) {
  if (generation.past_catalog && generation.past_actuals)
    AttachLastYear(evaluation, *generation.past_catalog, *generation.past_actuals, projects);
}

void AttachIngestor(Generation& generation, Store& store, const Clock& clock, FileSystem& files,
                    const InboxLayout& layout) {
  const DaemonConfig& config = *generation.config;
  IngestOptions ingest;
  ingest.max_file_bytes = config.max_file_bytes;
  ingest.parse.encoding = config.encoding == "gbk"     ? TextEncoding::kGb18030
                          : config.encoding == "utf-8" ? TextEncoding::kUtf8
                                                       : TextEncoding::kAuto;
  generation.ingestor =
      std::make_unique<Ingestor>(store, *generation.catalog, clock, files, layout, ingest);
  if (generation.past_catalog) generation.ingestor->AddOtherYear(generation.past_catalog);
}

GenerationLoader::GenerationLoader(asio::io_context& loop, std::string store_path)
    : loop_(loop), store_path_(std::move(store_path)) {}

GenerationLoader::~GenerationLoader() {
  Cancel();
  Join();
}

void GenerationLoader::Cancel() { cancelled_ = true; }

void GenerationLoader::Join() {
  if (thread_.joinable()) thread_.join();
}

void GenerationLoader::Start(std::function<Result<DaemonConfig>()> read_config, Date today,
                             std::chrono::system_clock::time_point now,
                             std::function<void(Result<Generation>)> done) {
  Join();  // the previous load's thread, finished: its result reached the loop
  busy_ = true;
  thread_ = std::thread(
      [this, read_config = std::move(read_config), today, now, done = std::move(done)]() mutable {
        auto loaded = std::make_shared<Result<Generation>>(Load(read_config, today, now));
        asio::post(loop_, [this, loaded, done = std::move(done)] {
          busy_ = false;
          done(std::move(*loaded));
        });
      });
}

Result<Generation> GenerationLoader::Load(const std::function<Result<DaemonConfig>()>& read_config,
                                          Date today, std::chrono::system_clock::time_point now) {
  const auto cancelled = [this] { return cancelled_.load(); };
  auto result = [&]() -> Result<Generation> {
    auto config = read_config();
    if (!config.ok()) return config.status();
    auto sources = CatalogSources(config->catalogs);
    if (!sources.ok()) return sources.status();
    auto opened = Store::Open(store_path_);
    if (!opened.ok()) return opened.status();
    Store& store = **opened;
    sqlite3_progress_handler(
        store.handle(), kStepsBetweenChecks,
        [](void* flag) { return static_cast<std::atomic<bool>*>(flag)->load() ? 1 : 0; },
        &cancelled_);
    sqlite3_busy_handler(
        store.handle(),
        [](void* flag, int tries) {
          if (static_cast<std::atomic<bool>*>(flag)->load() ||
              tries * kBusySleepMs >= kBusyTimeoutMs)
            return 0;
          sqlite3_sleep(kBusySleepMs);
          return 1;
        },
        &cancelled_);
    Diagnostics diagnostics;
    auto catalog = LoadCatalogCached(store, *sources, FormatRfc3339(now), diagnostics);
    LogDiagnostics(diagnostics);
    if (!catalog.ok()) return catalog.status();
    if (cancelled()) return Cancelled();
    Generation loaded;
    loaded.config = std::make_shared<const DaemonConfig>(std::move(config).value());
    loaded.catalog = std::make_shared<const Catalog>(std::move(catalog).value());
    auto actuals = ReadActuals(store, *loaded.catalog);
    if (!actuals.ok()) return actuals.status();
    loaded.actuals = std::move(actuals).value();
    loaded.evaluator = std::make_unique<Evaluator>(*loaded.catalog, loaded.config->evaluation);
    auto past = StoredCatalogOfYear(store, loaded.catalog->year - 1);
    if (past.ok()) {
      loaded.past_catalog = std::make_shared<const Catalog>(std::move(past).value());
      auto past_actuals = ReadActuals(store, *loaded.past_catalog);
      if (!past_actuals.ok()) return past_actuals.status();
      loaded.past_actuals = std::move(past_actuals).value();
      loaded.past_evaluator =
          std::make_unique<Evaluator>(*loaded.past_catalog, loaded.config->evaluation);
    } else if (past.status().IsIoError()) {
      return past.status();
    }
    // A token scoped to a project neither year has is a mistake to name, not to serve.
    std::vector<const Catalog*> years{loaded.catalog.get()};
    if (loaded.past_catalog) years.push_back(loaded.past_catalog.get());
    if (Diagnostics scopes; !CheckApiScopes(*loaded.config, years, scopes)) {
      LogDiagnostics(scopes);
      return Status::Error(
          "the configuration's API tokens name projects or units the catalogue lacks");
    }
    if (cancelled()) return Cancelled();
    auto evaluation = std::make_shared<Evaluation>(loaded.evaluator->EvaluateAll(
        *loaded.actuals, DefaultAsOf(today, loaded.catalog->year), today));
    AttachPastYear(loaded, *evaluation, nullptr);
    loaded.evaluation = std::move(evaluation);
    loaded.past_evaluation = EvaluatePastYear(loaded, today);
    return loaded;
  }();
  // Whatever an interrupted statement said, the reason is the stop.
  if (!result.ok() && cancelled()) {
    spdlog::info("loading the configuration and catalogue {}", Cancelled().message());
    return Cancelled();
  }
  return result;
}

}  // namespace ptmon
