// The ingest path under I/O faults. Every call of the FileSystem seam is made to fail with
// EACCES, EIO and ENOSPC, at each of its occurrences in turn (until a run no longer reaches it),
// and every write and sync of the database in the middle of the transaction. Whatever fails:
//   - a good file is never rejected, and is applied whole or not at all;
//   - its bytes are never lost: exactly one copy is in the inbox, processing or the archive;
//   - once the machine is healed, the retries the daemon makes (FinishMoves, the inbox file
//     taken again) end with the file archived and exactly one batch recorded for it.
#include <cstring>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <ptmon/base/sha256.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/ingest/ingestor.h>

#include "support/faults.h"
#include "support/process.h"

namespace ptmon {
namespace {

// Files dropped in the inbox: the operator's trust, every project.
const Submitter kInbox = Submitter::Everything("inbox");

namespace fs = std::filesystem;
using namespace testing_support;

const std::string kReports = std::string(PTMON_TEST_DATA) + "/reports";

const Catalog& TestCatalog() {
  static const Catalog catalog = [] {
    Diagnostics diagnostics;
    return LoadCatalog({ReadCatalogFile(kReports + "/catalog.yaml").value()}, diagnostics).value();
  }();
  return catalog;
}

// One data directory with its store and an ingestor on a FaultyFileSystem: one run of a sweep.
struct World {
  // `ingest` decides whether a file is written beside its last checks (write_beside_from_values).
  explicit World(const std::string& vfs = "", IngestOptions ingest = {}) {
    layout = InboxLayout::ForDataDir(dir.path());
    EXPECT_TRUE(layout.Create(files).ok());
    StoreOptions options;
    options.vfs = vfs;
    store = Store::Open(dir / "ptmon.db", options).value();
    ingestor = std::make_unique<Ingestor>(*store, TestCatalog(), clock, files, layout, ingest);
  }

  // What the daemon's watcher does: list the inbox, take each ready file.
  std::vector<IngestOutcome> TakeInbox() {
    InboxScanner scanner(layout.inbox, clock, files, std::chrono::milliseconds(0));
    std::vector<IngestOutcome> outcomes;
    auto ready = scanner.Ready();
    if (!ready.ok()) return outcomes;
    for (const auto& path : *ready) outcomes.push_back(ingestor->IngestFile(path, kInbox));
    return outcomes;
  }

  // The retries once the machine is healed: unfinished moves first, then the inbox again.
  void Heal() {
    files.Clear();
    ClearSqliteFault();
    const auto problems = ingestor->FinishMoves();
    EXPECT_TRUE(problems.empty()) << problems.front();
    for (const auto& outcome : TakeInbox()) {
      EXPECT_NE(outcome.result, IngestResult::kFailed) << outcome.Summary();
    }
    EXPECT_EQ(ingestor->unfinished_moves(), 0u);
  }

  // Files anywhere under the data directory holding exactly `bytes` (hidden temporaries too:
  // a copy left behind under a hidden name is a leak).
  std::vector<std::string> CopiesOf(const std::string& bytes) const {
    std::vector<std::string> copies;
    for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
      if (entry.is_regular_file() && entry.path().filename() != "ptmon.db" &&
          !entry.path().filename().string().starts_with("ptmon.db-") &&
          ReadFile(entry.path()) == bytes) {
        copies.push_back(fs::relative(entry.path(), dir.path()).string());
      }
    }
    return copies;
  }

  long long Count(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(store->handle(), sql.c_str(), -1, &statement, nullptr);
    sqlite3_step(statement);
    const long long count = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return count;
  }
  long long Batches(const std::string& status) {
    return Count("SELECT COUNT(*) FROM batch WHERE status = '" + status + "'");
  }

  TempDir dir;
  FixedClock clock{Date{2026, 8, 5}};
  FaultyFileSystem files;
  InboxLayout layout;
  std::unique_ptr<Store> store;
  std::unique_ptr<Ingestor> ingestor;
};

const std::string& GoodReport() {
  static const std::string bytes = ReadFile(kReports + "/good/july-utf8-bom.csv");
  return bytes;
}

long long ValuesOfGoodReport() {
  static const long long values = [] {
    World world;
    world.dir.Write("inbox/july.csv", GoodReport());
    world.TakeInbox();
    return world.Count("SELECT COUNT(*) FROM actual");
  }();
  return values;
}

std::string Describe(FileCall call, int error, int first) {
  return std::string(FileCallName(call)) + " fails with " + std::strerror(error) +
         " from its call " + std::to_string(first);
}

// During the fault: applied whole or not at all, never rejected, never lost.
void CheckDuringFault(World& world, const std::vector<IngestOutcome>& outcomes,
                      const std::string& context) {
  SCOPED_TRACE(context);
  for (const auto& outcome : outcomes) {
    EXPECT_TRUE(outcome.result == IngestResult::kApplied || outcome.result == IngestResult::kFailed)
        << outcome.Summary();
  }
  const long long applied = world.Batches("applied");
  EXPECT_LE(applied, 1);
  EXPECT_EQ(world.Batches("rejected") + world.Batches("duplicate"), 0);
  EXPECT_EQ(world.Count("SELECT COUNT(*) FROM actual"), applied * ValuesOfGoodReport());
  const auto copies = world.CopiesOf(GoodReport());
  ASSERT_EQ(copies.size(), 1u) << testing::PrintToString(copies);
  EXPECT_TRUE(copies[0].starts_with("inbox/") || copies[0].starts_with("archive/")) << copies[0];
}

// After healing: archived once, one applied batch with the file's hash, nothing else.
void CheckHealed(World& world, const std::string& context) {
  SCOPED_TRACE(context);
  EXPECT_EQ(world.Batches("applied"), 1);
  EXPECT_EQ(world.Count("SELECT COUNT(*) FROM batch"), 1) << "a batch recorded twice";
  EXPECT_EQ(
      world.Count("SELECT COUNT(*) FROM batch WHERE sha256 = '" + Sha256Hex(GoodReport()) + "'"),
      1);
  EXPECT_EQ(world.Count("SELECT COUNT(*) FROM actual"), ValuesOfGoodReport());
  const auto copies = world.CopiesOf(GoodReport());
  ASSERT_EQ(copies.size(), 1u) << testing::PrintToString(copies);
  EXPECT_EQ(copies[0], "archive/2026/08/july.csv");
  EXPECT_TRUE(fs::is_empty(world.layout.processing()));
}

using Calls = std::set<std::string_view>;

TEST(IngestFaultTest, EveryFileSystemCallFailingAtEveryPointLosesNothing) {
  int runs = 0;
  Calls met;
  for (const FileCall call : kEveryFileCall) {
    for (const int error : {EACCES, EIO, ENOSPC}) {
      for (int first = 1;; ++first) {
        const std::string context = Describe(call, error, first);
        World world;
        world.dir.Write("inbox/july.csv", GoodReport());
        world.files.Inject({call, error, first, ""});
        const auto outcomes = world.TakeInbox();
        ++runs;
        if (world.files.failed() == 0) {  // this run no longer reaches the call
          world.Heal();
          CheckHealed(world, context + " (not reached)");
          break;
        }
        met.insert(FileCallName(call));
        CheckDuringFault(world, outcomes, context);
        world.Heal();
        CheckHealed(world, context);
        if (testing::Test::HasFailure()) return;  // one clear failure, not hundreds
      }
    }
  }
  // The path of a good inbox file: the scan, the claim, the read, the move to the archive.
  EXPECT_EQ(met, (Calls{"list", "stat", "mkdir", "rename", "read", "sync-dir"})) << runs << " runs";
}

// A file with bad content under faults: rejected (recorded once, moved to rejected/ with its
// errors) or, when the failure came first, left for a retry that rejects it then. A failure
// never turns a bad file into an applied one, nor the machine's fault into a rejection.
TEST(IngestFaultTest, ABadFileIsRejectedOnceWhateverFails) {
  const std::string bad = ReadFile(kReports + "/bad/absurd-magnitude.csv");
  Calls met;
  for (const FileCall call : kEveryFileCall) {
    for (int first = 1;; ++first) {
      const std::string context = Describe(call, EIO, first);
      SCOPED_TRACE(context);
      World world;
      world.dir.Write("inbox/bad.csv", bad);
      world.files.Inject({call, EIO, first, ""});
      const auto outcomes = world.TakeInbox();
      const bool reached = world.files.failed() > 0;
      bool sidecar_failed = false;
      for (const auto& outcome : outcomes) {
        EXPECT_TRUE(outcome.result == IngestResult::kRejected ||
                    outcome.result == IngestResult::kFailed)
            << outcome.Summary();
        for (const auto& error : outcome.errors) {
          sidecar_failed |= error.find(".errors.txt") != std::string::npos;
        }
      }
      EXPECT_EQ(world.Batches("applied"), 0);
      world.Heal();
      EXPECT_EQ(world.Count("SELECT COUNT(*) FROM batch"), 1);
      EXPECT_EQ(world.Batches("rejected"), 1);
      EXPECT_EQ(world.CopiesOf(bad), std::vector<std::string>{"rejected/bad.csv"});
      // The sidecar is written once the file is in rejected/; a failure to write it is said.
      EXPECT_TRUE(fs::exists(world.dir / "rejected/bad.csv.errors.txt") || sidecar_failed);
      if (reached) met.insert(FileCallName(call));
      if (!reached || testing::Test::HasFailure()) break;
    }
  }
  // … and the sidecar: a new file written, synced and closed.
  EXPECT_EQ(met, (Calls{"list", "stat", "mkdir", "rename", "read", "sync-dir", "create", "write",
                        "sync", "close"}));
}

// A file given by path (ptmon ingest FILE) is copied to the archive (or, when bad, to
// rejected/): the original is never touched, whatever fails, a failed run changes nothing in the
// store, and no half copy or hidden temporary stays behind.
TEST(IngestFaultTest, AFileFromElsewhereIsNeverTouchedAndRecordedAtMostOnce) {
  const std::string bad = ReadFile(kReports + "/bad/absurd-magnitude.csv");
  Calls met;
  for (const bool good : {true, false}) {
    const std::string& content = good ? GoodReport() : bad;
    for (const FileCall call : kEveryFileCall) {
      for (int first = 1;; ++first) {
        const std::string context = Describe(call, ENOSPC, first) + (good ? "" : ", bad file");
        SCOPED_TRACE(context);
        World world;
        TempDir elsewhere;
        const std::string path = elsewhere.Write("july.csv", content);
        world.files.Inject({call, ENOSPC, first, ""});
        const IngestOutcome outcome = world.ingestor->IngestFile(path, kInbox);
        const bool reached = world.files.failed() > 0;
        const IngestResult expected = good ? IngestResult::kApplied : IngestResult::kRejected;
        EXPECT_TRUE(outcome.result == expected || outcome.result == IngestResult::kFailed)
            << outcome.Summary();
        EXPECT_EQ(ReadFile(path), content);
        const long long recorded = outcome.result == expected ? 1 : 0;
        EXPECT_EQ(world.Count("SELECT COUNT(*) FROM batch"), recorded);
        EXPECT_EQ(world.Batches(good ? "applied" : "rejected"), recorded);
        // A temporary that could not be removed is said, not left silently.
        bool removal_failed = false;
        for (const auto& error : outcome.errors) {
          removal_failed |= error.find("cannot remove") != std::string::npos ||
                            error.find("injected remove") != std::string::npos;
        }
        for (const auto& entry : fs::recursive_directory_iterator(world.dir.path())) {
          EXPECT_FALSE(entry.path().filename().string().starts_with(".") &&
                       entry.is_regular_file() && !removal_failed)
              << entry.path();
        }
        if (reached) met.insert(FileCallName(call));
        if (!reached || testing::Test::HasFailure()) break;
      }
    }
  }
  // The copy beside the checking, its placing, and the removal of a copy not needed.
  EXPECT_EQ(met, (Calls{"stat", "mkdir", "rename", "read", "sync-dir", "create", "write", "sync",
                        "close", "remove"}));
}

// The database's writes and syncs fail in the middle of the transaction (a disk filling up, a
// failing disk): the batch is rolled back whole, the file goes back to the inbox, and the retry
// applies it once. The database passes its integrity check afterwards.
// Run twice: the batch written after the file's checks, and written beside them on another
// thread, in a transaction committed (or rolled back) once they end.
class IngestDatabaseFaultTest : public testing::TestWithParam<bool> {};

TEST_P(IngestDatabaseFaultTest, ADatabaseFailingMidTransactionRollsBackAndTheRetryAppliesOnce) {
  RegisterFaultySqliteVfs();
  IngestOptions ingest;
  if (GetParam()) ingest.write_beside_from_values = 1;
  int faults_met = 0;
  for (const auto& [call, code] :
       std::vector<std::pair<SqliteCall, int>>{{SqliteCall::kWrite, SQLITE_FULL},
                                               {SqliteCall::kWrite, SQLITE_IOERR_WRITE},
                                               {SqliteCall::kSync, SQLITE_IOERR_FSYNC}}) {
    for (int allowed = 0;; ++allowed) {
      const std::string context = std::string(call == SqliteCall::kWrite ? "write" : "sync") +
                                  " fails with " + sqlite3_errstr(code) + " after " +
                                  std::to_string(allowed);
      SCOPED_TRACE(context);
      World world(kFaultyVfsName, ingest);
      world.dir.Write("inbox/july.csv", GoodReport());
      ArmSqliteFault(call, allowed, code);
      const auto outcomes = world.TakeInbox();
      const bool reached = SqliteFaultsHit() > 0;
      ClearSqliteFault();
      if (reached) {
        ++faults_met;
        ASSERT_EQ(outcomes.size(), 1u);
        EXPECT_EQ(outcomes[0].result, IngestResult::kFailed) << outcomes[0].Summary();
        CheckDuringFault(world, outcomes, context);
        EXPECT_EQ(world.Count("SELECT COUNT(*) FROM batch"), 0);
      }
      world.Heal();
      CheckHealed(world, context);
      world.store.reset();
      StoreOptions checked;
      checked.check = IntegrityCheck::kFull;
      auto reopened = Store::Open(world.dir / "ptmon.db", checked);
      EXPECT_TRUE(reopened.ok()) << reopened.status().message();
      if (!reached || testing::Test::HasFailure()) break;
    }
  }
  EXPECT_GE(faults_met, 3);
}

INSTANTIATE_TEST_SUITE_P(WrittenAfterOrBesideTheirChecks, IngestDatabaseFaultTest, testing::Bool());

// A stop (or crash) while a move is unfinished: the next start returns the claimed file to the
// inbox, where its hash is found applied. Its values are not applied again; the run is recorded
// as a duplicate of the batch, which says what happened.
TEST(IngestFaultTest, AnUnfinishedMoveAcrossARestartIsADuplicateNotASecondApply) {
  World world;
  world.dir.Write("inbox/july.csv", GoodReport());
  world.files.Inject({FileCall::kRename, EIO, 2, ""});  // the claim works, the archive move not
  const auto outcomes = world.TakeInbox();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].result, IngestResult::kApplied);
  EXPECT_EQ(world.ingestor->unfinished_moves(), 1u);
  EXPECT_EQ(world.CopiesOf(GoodReport()), std::vector<std::string>{"inbox/.processing/july.csv"});
  world.files.Clear();

  world.ingestor = std::make_unique<Ingestor>(*world.store, TestCatalog(), world.clock, world.files,
                                              world.layout);  // a restart
  EXPECT_EQ(ReturnClaimedFiles(world.files, world.layout).value(), 1);
  const auto again = world.TakeInbox();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].result, IngestResult::kDuplicate);
  EXPECT_EQ(world.Batches("applied"), 1);
  EXPECT_EQ(world.Count("SELECT COUNT(*) FROM actual"), ValuesOfGoodReport());
  EXPECT_EQ(world.CopiesOf(GoodReport()), std::vector<std::string>{"archive/2026/08/july.csv"});
}

}  // namespace
}  // namespace ptmon
