// The catalogue generation and its loading: everything one configuration load makes (the
// configuration, the catalogue and last year's, their stored values and evaluation), built
// whole off the loop thread and handed to the loop, which swaps it in at once.
//
// Threads: GenerationLoader's load runs on a thread of its own, on a database connection of its
// own, and touches nothing the service holds; its result is handed to the loop. The loop owns
// the Generation it adopted. Cancel() may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <asio/io_context.hpp>

#include <ptmon/base/clock.h>
#include <ptmon/base/file_system.h>
#include <ptmon/config/daemon_config.h>
#include <ptmon/indicators/evaluation.h>
#include <ptmon/ingest/ingestor.h>

namespace ptmon {

class Store;

// Everything one configuration load makes, replaced together on reload: the routes and the
// evaluation never see one load's catalogue with another's index or settings.
struct Generation {
  std::shared_ptr<const DaemonConfig> config;
  std::shared_ptr<const Catalog> catalog;
  std::unique_ptr<ActualsIndex> actuals;
  std::unique_ptr<Evaluator> evaluator;
  // The loaded values evaluated as of the load's day; the loop re-evaluates from here on.
  std::shared_ptr<const Evaluation> evaluation;
  // Set by the loop (AttachIngestor): refers to *catalog and the loop's store.
  std::unique_ptr<Ingestor> ingestor;
  // The year before the catalogue's, as the store last loaded it; all null when it holds none.
  std::shared_ptr<const Catalog> past_catalog;
  std::unique_ptr<ActualsIndex> past_actuals;
  std::unique_ptr<Evaluator> past_evaluator;
  std::shared_ptr<const Evaluation> past_evaluation;
};

// The latest stored value of every indicator of `catalog`.
Result<std::unique_ptr<ActualsIndex>> ReadActuals(Store& store, const Catalog& catalog);

// Last year as of its December: final once December's reports are due. Null without a past
// catalogue.
std::shared_ptr<const Evaluation> EvaluatePastYear(const Generation& generation, Date today);

// Sets last year's figure beside each indicator of `evaluation` (of the generation's catalogue)
// for `projects`, or all when null; nothing without a past catalogue.
void AttachPastYear(const Generation& generation, Evaluation& evaluation,
                    const std::vector<uint32_t>* projects);

// The ingestor of `generation`'s catalogue (and last year's), writing to `store`: made on the
// thread that will use it.
void AttachIngestor(Generation& generation, Store& store, const Clock& clock, FileSystem& files,
                    const InboxLayout& layout);

// Loads configurations one at a time, each on a new thread with its own connection to the
// database, so that the loop goes on applying files and HTTP goes on serving the snapshot
// published before. A load reads (and when it changed, records) the catalogue, checks the
// API tokens' scopes, reads the stored values of its year and the year before, and evaluates
// them; it fails, changing nothing the service holds, naming what was wrong.
class GenerationLoader {
 public:
  // `store_path`: the database the service serves. `loop` runs every `done`.
  GenerationLoader(asio::io_context& loop, std::string store_path);
  // Cancels a load in progress and waits for its thread (about a second at most).
  ~GenerationLoader();
  GenerationLoader(const GenerationLoader&) = delete;
  GenerationLoader& operator=(const GenerationLoader&) = delete;

  // Starts a load (loop thread; only when !busy()): `read_config` runs first, on the loader's
  // thread; `today` and `now` are the day evaluated and the time recorded. `done` is posted to
  // the loop with the generation (without an ingestor) or the failure.
  void Start(std::function<Result<DaemonConfig>()> read_config, Date today,
             std::chrono::system_clock::time_point now,
             std::function<void(Result<Generation>)> done);
  bool busy() const { return busy_; }  // loop thread
  // Makes the load in progress stop within about a second: SQLite's statements are interrupted
  // and the steps between them not begun; it fails saying it was cancelled. Thread-safe.
  void Cancel();
  // Waits for the loader's thread to end (after Cancel, within about a second).
  void Join();

 private:
  Result<Generation> Load(const std::function<Result<DaemonConfig>()>& read_config, Date today,
                          std::chrono::system_clock::time_point now);

  asio::io_context& loop_;
  const std::string store_path_;
  std::thread thread_;
  bool busy_ = false;
  std::atomic<bool> cancelled_{false};
};

}  // namespace ptmon
