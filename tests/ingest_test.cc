// The ingest library: the bad-file corpus, and how files are applied, refused, archived and
// never applied twice.
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/ingest/ingestor.h>
#include <ptmon/tables/csv.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

// Files dropped in the inbox: the operator's trust, every project.
const Submitter kInbox = Submitter::Everything("inbox");

namespace fs = std::filesystem;
using testing_support::ReadFile;
using testing_support::TempDir;

const std::string kReports = std::string(PTMON_TEST_DATA) + "/reports";

// Each test runs twice: every file written after its checks, and every file, however small,
// written on another thread beside the checks of the file as a whole (as a large one is).
class IngestTest : public testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) options_.write_beside_from_values = 1;
    auto source = ReadCatalogFile(kReports + "/catalog.yaml");
    ASSERT_TRUE(source.ok());
    Diagnostics diagnostics;
    catalog_ = LoadCatalog({*source}, diagnostics).value();
    layout_ = InboxLayout::ForDataDir(dir_.path());
    ASSERT_TRUE(layout_.Create(PosixFileSystem()).ok());
    store_ = Store::Open(dir_ / "ptmon.db").value();
    ingestor_ =
        std::make_unique<Ingestor>(*store_, catalog_, clock_, PosixFileSystem(), layout_, options_);
  }

  std::string Drop(const std::string& name, const std::string& content) {
    return dir_.Write("inbox/" + name, content);
  }
  std::string DropCopy(const std::string& from, const std::string& name = "") {
    return Drop(name.empty() ? fs::path(from).filename().string() : name, ReadFile(from));
  }
  long long CountValues() { return CountRows("actual"); }
  long long CountRows(const std::string& table) {
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(store_->handle(), ("SELECT COUNT(*) FROM " + table).c_str(), -1, &statement,
                       nullptr);
    sqlite3_step(statement);
    const long long count = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return count;
  }
  std::vector<ActualRevision> History(const std::string& project, const std::string& indicator) {
    return store_->values().History(project, indicator).value();
  }

  TempDir dir_;
  FixedClock clock_{Date{2026, 8, 5}};
  Catalog catalog_;
  InboxLayout layout_;
  IngestOptions options_;
  // What good/july-utf8-bom.csv and good/july.xlsx both hold.
  void ExpectTheJulyValues(const IngestOutcome& outcome) {
    EXPECT_EQ(outcome.values, 7u);
    EXPECT_EQ(outcome.skipped_rows, 1);
    const auto count = History("devices", "devices-maintained");
    ASSERT_EQ(count.size(), 1u);
    EXPECT_EQ(count[0].actual.value, 12);
    EXPECT_EQ(count[0].actual.reason_category, "人员保障");
    EXPECT_EQ(count[0].actual.reason, "技术人员不足, 已增派\"两人\"");
    EXPECT_EQ(count[0].actual.action, "增派人员");
    EXPECT_EQ(count[0].actual.likelihood, "有可能");
    EXPECT_EQ(count[0].actual.reporter, "张三");
    EXPECT_EQ(History("devices", "repair-time")[0].actual.value, 20.5);
    EXPECT_EQ(History("devices", "response")[0].actual.grade, "部分达成");
    EXPECT_EQ(History("devices", "cost")[0].actual.value, 62000);
    EXPECT_DOUBLE_EQ(*History("devices", "satisfaction")[0].actual.value, 0.96);
    EXPECT_EQ(History("devices", "satisfaction")[0].actual.reporter, "李四");
    EXPECT_EQ(History("devices", "spent")[0].actual.value, 215000);
    EXPECT_EQ(History("twin-a", "people")[0].actual.value, 62000);
    EXPECT_EQ(store_->values().Batches().value()[0].reporter, "张三");
    for (const auto& [project, indicator] : {std::pair{"devices", "devices-maintained"},
                                             {"devices", "satisfaction"},
                                             {"twin-a", "people"}}) {
      EXPECT_EQ(History(project, indicator)[0].actual.period, (Period{2026, 7})) << indicator;
    }
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Ingestor> ingestor_;
};

// Every file in tests/data/reports/bad is refused with exactly the messages in NAME.expected,
// changes nothing, and lands in rejected/ with the messages in its sidecar.
TEST_P(IngestTest, EveryBadFileIsRefusedWithItsMessage) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kReports + "/bad")) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".expected")) continue;
    ++files;
    const std::string path = DropCopy(entry.path().string());
    const IngestOutcome outcome = ingestor_->IngestFile(path, kInbox);
    EXPECT_EQ(outcome.result, IngestResult::kRejected) << name;
    std::istringstream expected(ReadFile(entry.path().string() + ".expected"));
    std::vector<std::string> expected_lines;
    for (std::string line; std::getline(expected, line);) expected_lines.push_back(path + line);
    EXPECT_EQ(outcome.errors, expected_lines) << name;
    EXPECT_EQ(outcome.moved_to, layout_.rejected + "/" + name) << name;
    EXPECT_FALSE(fs::exists(path)) << name;
    const std::string sidecar = ReadFile(layout_.rejected + "/" + name + ".errors.txt");
    for (const auto& line : expected_lines)
      EXPECT_NE(sidecar.find(line), std::string::npos) << name;
  }
  EXPECT_GE(files, 30);
  EXPECT_EQ(CountValues(), 0);
  for (const auto& batch : store_->values().Batches().value())
    EXPECT_EQ(batch.status, BatchStatus::kRejected);
}

TEST_P(IngestTest, RefusesSymlinksFifosFoldersAndOversizeFiles) {
  const std::string outside = dir_.Write("outside/secret.csv", "project,indicator,period,value\n");
  const std::string link = dir_ / "inbox/link.csv";
  ASSERT_EQ(symlink(outside.c_str(), link.c_str()), 0);
  IngestOutcome outcome = ingestor_->IngestFile(link, kInbox);
  EXPECT_EQ(outcome.result, IngestResult::kRejected);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_NE(outcome.errors[0].find("is a symbolic link"), std::string::npos) << outcome.errors[0];
  EXPECT_TRUE(fs::exists(outside));  // the link moved, never its target
  EXPECT_TRUE(fs::is_symlink(layout_.rejected + "/link.csv"));

  const std::string fifo = dir_ / "inbox/pipe.csv";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  outcome = ingestor_->IngestFile(fifo, kInbox);
  EXPECT_EQ(outcome.result, IngestResult::kRejected);
  EXPECT_NE(outcome.errors.at(0).find("is not a regular file"), std::string::npos);

  fs::create_directories(dir_ / "inbox/folder.csv");
  outcome = ingestor_->IngestFile(dir_ / "inbox/folder.csv", kInbox);
  EXPECT_EQ(outcome.result, IngestResult::kRejected);

  options_.max_file_bytes = 100;
  Ingestor small(*store_, catalog_, clock_, PosixFileSystem(), layout_, options_);
  outcome = small.IngestFile(Drop("big.csv", std::string(101, 'x')), kInbox);
  EXPECT_EQ(outcome.result, IngestResult::kRejected);
  EXPECT_NE(outcome.errors.at(0).find("is 101 bytes, over the limit of 100"), std::string::npos);
  EXPECT_EQ(CountValues(), 0);
}

TEST_P(IngestTest, AppliesAnExcelCsvWithEveryKindOfValue) {
  const IngestOutcome outcome =
      ingestor_->IngestFile(DropCopy(kReports + "/good/july-utf8-bom.csv"), kInbox);
  ASSERT_EQ(outcome.result, IngestResult::kApplied) << testing::PrintToString(outcome.errors);
  EXPECT_EQ(outcome.moved_to, layout_.archive + "/2026/08/july-utf8-bom.csv");
  ExpectTheJulyValues(outcome);
}

// The same values as the CSV above, written as spreadsheets write them
// (tests/tools/make_test_workbooks.py): a formula by its saved value, a rate in a percentage
// cell, periods as a date cell, a Chinese date format, a bare serial day and 202607, money in a
// number format, a reason in rich text with a phonetic reading, an inline string, a renamed row
// matched by its hidden id column, a sheet with namespace prefixes and no cell references;
// an instructions sheet and a hidden lists sheet are passed over.
TEST_P(IngestTest, AppliesAnXlsxWorkbookWithEveryKindOfCell) {
  const IngestOutcome outcome =
      ingestor_->IngestFile(DropCopy(kReports + "/good/july.xlsx"), kInbox);
  ASSERT_EQ(outcome.result, IngestResult::kApplied) << testing::PrintToString(outcome.errors);
  EXPECT_EQ(outcome.moved_to, layout_.archive + "/2026/08/july.xlsx");
  ExpectTheJulyValues(outcome);
}

TEST_P(IngestTest, AppliesGbkCsvAndYaml) {
  IngestOutcome outcome = ingestor_->IngestFile(DropCopy(kReports + "/good/june-gbk.csv"), kInbox);
  ASSERT_EQ(outcome.result, IngestResult::kApplied) << testing::PrintToString(outcome.errors);
  EXPECT_EQ(History("devices", "devices-maintained")[0].actual.value, 10);
  EXPECT_EQ(History("devices", "devices-maintained")[0].actual.reason,
            "技术人员不足, 已增派\"两人\"");
  outcome = ingestor_->IngestFile(DropCopy(kReports + "/good/july.yaml"), kInbox);
  ASSERT_EQ(outcome.result, IngestResult::kApplied) << testing::PrintToString(outcome.errors);
  EXPECT_EQ(outcome.values, 5u);
  const auto repair = History("devices", "repair-time");
  ASSERT_EQ(repair.size(), 2u);
  EXPECT_EQ(repair[1].actual.value, 30);
  EXPECT_EQ(repair[1].actual.reason_category, "硬件条件保障");
  EXPECT_EQ(repair[1].actual.reporter, "王五");
  EXPECT_DOUBLE_EQ(*History("devices", "satisfaction")[1].actual.value, 0.93);
  EXPECT_EQ(History("devices", "spent")[1].actual.value, 250000);
}

TEST_P(IngestTest, TheSameContentTwiceIsADuplicateAndNeverOverwritesTheArchive) {
  const std::string good = kReports + "/good/july.yaml";
  ASSERT_EQ(ingestor_->IngestFile(DropCopy(good), kInbox).result, IngestResult::kApplied);
  const IngestOutcome again = ingestor_->IngestFile(DropCopy(good), kInbox);
  EXPECT_EQ(again.result, IngestResult::kDuplicate);
  EXPECT_EQ(again.batch_id, 1);
  EXPECT_EQ(again.moved_to, layout_.archive + "/2026/08/july-2.yaml");
  EXPECT_EQ(CountValues(), 5);
  EXPECT_EQ(again.Summary(), "'" + (dir_ / "inbox/july.yaml") +
                                 "': duplicate of batch 1, not applied again (ptmon revert --batch "
                                 "1 makes its values current again)");
}

// A 255-byte name met again in the archive: "-2" would make it too long, so the stem gives way,
// and the file leaves the inbox instead of being recorded again at every rescan.
TEST_P(IngestTest, ALongNameCollidingInTheArchiveIsShortenedToFit) {
  const std::string name = std::string(245, 'x') + "维修.csv";  // 255 bytes
  ASSERT_EQ(name.size(), 255u);
  const std::string csv = "project,indicator,period,value\ndevices,devices-maintained,2026-07,14\n";
  ASSERT_EQ(ingestor_->IngestFile(Drop(name, csv), kInbox).result, IngestResult::kApplied);
  const IngestOutcome again = ingestor_->IngestFile(Drop(name, csv), kInbox);
  EXPECT_EQ(again.result, IngestResult::kDuplicate);
  EXPECT_TRUE(again.errors.empty()) << again.errors.front();
  const std::string moved = fs::path(again.moved_to).filename().string();
  EXPECT_LE(moved.size(), 255u);
  EXPECT_TRUE(moved.ends_with("-2.csv")) << moved;
  EXPECT_EQ(testing_support::FilesWaitingIn(layout_.inbox), 0);
}

TEST_P(IngestTest, ACrashBetweenCommitAndMoveDoesNotApplyTwice) {
  // The state after a crash right after the commit: the batch is in the store, the file is
  // still in the inbox.
  const std::string path = DropCopy(kReports + "/good/july.yaml");
  ASSERT_EQ(ingestor_->IngestBytes("july.yaml", ReadFile(path), kInbox).result,
            IngestResult::kApplied);
  const IngestOutcome restarted = ingestor_->IngestFile(path, kInbox);
  EXPECT_EQ(restarted.result, IngestResult::kDuplicate);
  EXPECT_EQ(CountValues(), 5);
  EXPECT_FALSE(fs::exists(path));
}

// Claim, then read: a file its writer still holds open goes back to the inbox untouched, with
// nothing recorded; once closed it is applied, and the archive holds exactly what was read.
TEST_P(IngestTest, AFileStillOpenForWritingGoesBackToTheInbox) {
  const std::string path = DropCopy(kReports + "/good/july.yaml");
  const int writer = open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  ASSERT_GE(writer, 0);
  const IngestOutcome open_outcome = ingestor_->IngestFile(path, kInbox);
  EXPECT_EQ(open_outcome.result, IngestResult::kDeferred) << open_outcome.Summary();
  EXPECT_TRUE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(layout_.processing()));
  EXPECT_TRUE(store_->values().Batches()->empty());
  close(writer);
  const std::string bytes = ReadFile(path);
  const IngestOutcome closed = ingestor_->IngestFile(path, kInbox);
  ASSERT_EQ(closed.result, IngestResult::kApplied) << closed.Summary();
  EXPECT_EQ(ReadFile(closed.moved_to), bytes);
  EXPECT_EQ(closed.sha256, store_->values().Batches()->front().sha256);
  EXPECT_TRUE(fs::is_empty(layout_.processing()));
}

TEST_P(IngestTest, AFileTakenAwayBeforeTheClaimIsNotAFailure) {
  const IngestOutcome gone = ingestor_->IngestFile(layout_.inbox + "/gone.csv", kInbox);
  EXPECT_EQ(gone.result, IngestResult::kDeferred);
  EXPECT_TRUE(store_->values().Batches()->empty());
}

TEST_P(IngestTest, FilesLeftClaimedByACrashGoBackToTheInbox) {
  dir_.Write("inbox/.processing/a.csv", "x");
  dir_.Write("inbox/.processing/b.csv", "claimed");
  dir_.Write("inbox/b.csv", "newer, same name");
  EXPECT_EQ(ReturnClaimedFiles(PosixFileSystem(), layout_).value(), 1);
  EXPECT_EQ(ReadFile(dir_ / "inbox/a.csv"), "x");
  EXPECT_EQ(ReadFile(dir_ / "inbox/b.csv"), "newer, same name");
  EXPECT_TRUE(fs::exists(dir_ / "inbox/.processing/b.csv"));  // until the name is free
  fs::remove(dir_ / "inbox/b.csv");
  EXPECT_EQ(ReturnClaimedFiles(PosixFileSystem(), layout_).value(), 1);
  EXPECT_EQ(ReadFile(dir_ / "inbox/b.csv"), "claimed");
}

TEST_P(IngestTest, ALaterFileSupersedesAndHistoryStays) {
  ASSERT_EQ(
      ingestor_
          ->IngestBytes("a.csv",
                        "project,indicator,period,value\ndevices,devices-maintained,2026-07,12\n",
                        kInbox)
          .result,
      IngestResult::kApplied);
  ASSERT_EQ(
      ingestor_
          ->IngestBytes("b.csv",
                        "project,indicator,period,value\ndevices,devices-maintained,2026-07,15\n",
                        kInbox)
          .result,
      IngestResult::kApplied);
  const auto history = History("devices", "devices-maintained");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].file_name, "a.csv");
  EXPECT_EQ(history[1].file_name, "b.csv");
  ActualsIndex latest(catalog_);
  ASSERT_EQ(store_->values().LoadLatestValues(latest).value(), 2u);  // both revisions read
  EXPECT_EQ(latest.size(), 1u);                                      // the later one kept
  const ReportedValue* value = latest.LatestAtOrBefore({0, 0}, {2026, 12});
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(value->value, 15);
}

TEST_P(IngestTest, FilesOutsideTheInboxAreCopiedNotMoved) {
  const std::string path =
      dir_.Write("elsewhere/july.yaml", ReadFile(kReports + "/good/july.yaml"));
  const IngestOutcome outcome = ingestor_->IngestFile(path, kInbox);
  EXPECT_EQ(outcome.result, IngestResult::kApplied);
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(ReadFile(outcome.moved_to), ReadFile(path));
  const IngestOutcome missing = ingestor_->IngestFile(dir_ / "elsewhere/missing.csv", kInbox);
  EXPECT_EQ(missing.result, IngestResult::kFailed);
  EXPECT_TRUE(store_->values().Batches().value().size() == 1);
  // The copy is written beside the transaction; whatever the outcome, no temporary stays.
  const std::string bad = dir_.Write("elsewhere/bad.csv", "project,indicator,period,value\n");
  EXPECT_EQ(ingestor_->IngestFile(bad, kInbox).result, IngestResult::kRejected);
  EXPECT_EQ(ingestor_->IngestFile(path, kInbox).result, IngestResult::kDuplicate);
  std::vector<std::string> archived;
  for (const auto& entry : fs::recursive_directory_iterator(layout_.archive)) {
    if (entry.is_regular_file()) archived.push_back(entry.path().filename().string());
  }
  std::sort(archived.begin(), archived.end());
  EXPECT_EQ(archived, (std::vector<std::string>{"july-2.yaml", "july.yaml"}));
  EXPECT_TRUE(fs::exists(layout_.rejected + "/bad.csv"));
}

// A name can be one project's id and another's name; the error lists both.
TEST_P(IngestTest, ANameThatIsAlsoAnIdIsAmbiguous) {
  catalog_.projects[1].name = "devices";
  catalog_.projects[0].indicators[1].name = "cost";
  ingestor_ =
      std::make_unique<Ingestor>(*store_, catalog_, clock_, PosixFileSystem(), layout_, options_);
  const IngestOutcome outcome = ingestor_->IngestBytes(
      "a.csv", "project,indicator,period,value\ndevices,x,2026-07,1\n设备项目,cost,2026-07,1\n",
      kInbox);
  ASSERT_EQ(outcome.result, IngestResult::kRejected);
  ASSERT_EQ(outcome.errors.size(), 2u);
  EXPECT_NE(outcome.errors[0].find("write the id instead: devices, twin-a"), std::string::npos)
      << outcome.errors[0];
  EXPECT_NE(outcome.errors[1].find("write the id instead: repair-time, cost"), std::string::npos)
      << outcome.errors[1];
}

// Through the Ingestor the value before is the store's: July's 12000 devices after June's 12
// (a slip of three zeros) is refused, and the file's good row with it.
TEST_P(IngestTest, AFigureAThousandTimesLastMonthsChangesNothing) {
  ASSERT_EQ(
      ingestor_
          ->IngestBytes("june.csv",
                        "project,indicator,period,value\ndevices,devices-maintained,2026-06,12\n",
                        kInbox)
          .result,
      IngestResult::kApplied);
  ASSERT_TRUE(store_->values().Fold().ok());  // June's 12 is read from its folded year
  const IngestOutcome outcome =
      ingestor_->IngestBytes("july.csv",
                             "project,indicator,period,value\ndevices,repair-time,2026-07,20\n"
                             "devices,devices-maintained,2026-07,12000\n",
                             kInbox);
  EXPECT_EQ(outcome.result, IngestResult::kRejected);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0],
            "july.csv:3:4: 'value': 12000 按 台 读是 12000台，是此前填报的 12台 的 1000 "
            "倍；请核对数字，如果确实是 12000台，请写上单位「台」。 / 'value': '12000' read as "
            "12000台 is 1000 times the value reported before, 12台; check the figure, or write "
            "the unit to confirm it.");
  EXPECT_TRUE(History("devices", "repair-time").empty());
  EXPECT_EQ(History("devices", "devices-maintained").size(), 1u);
  EXPECT_EQ(ingestor_
                ->IngestBytes("july-2.csv",
                              "project,indicator,period,value\n"
                              "devices,devices-maintained,2026-07,14\n",
                              kInbox)
                .result,
            IngestResult::kApplied);
}

// A workbook or a document dropped in the inbox is taken, refused with what to send instead,
// and counted: it never lies there unexplained.
TEST_P(IngestTest, AFileThatIsNotAReportIsRefusedWithWhatToSendInstead) {
  Drop("七月月报.xls", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "old workbook");
  Drop("说明.docx", "PK\x03\x04 a document");
  Drop(".~lock.七月月报.xls#", "LibreOffice's lock");
  InboxScanner scanner(layout_.inbox, clock_, PosixFileSystem(), std::chrono::milliseconds(0));
  const auto ready = scanner.Ready().value();
  ASSERT_EQ(ready.size(), 2u) << "the lock file is left alone";
  for (const auto& path : ready) {
    const IngestOutcome outcome = ingestor_->IngestFile(path, kInbox);
    EXPECT_EQ(outcome.result, IngestResult::kRejected) << outcome.Summary();
    const std::string name = fs::path(path).filename().string();
    const std::string sidecar = ReadFile(dir_ / ("rejected/" + name + ".errors.txt"));
    EXPECT_NE(sidecar.find(name.ends_with(".xls") ? "旧版 .xls 不能读取, 请另存为 .xlsx 或 CSV"
                                                  : "ptmon reads .xlsx, .csv"),
              std::string::npos)
        << sidecar;
  }
  EXPECT_TRUE(fs::exists(dir_ / "inbox/.~lock.七月月报.xls#"));
  EXPECT_EQ(CountValues(), 0);
}

// The batch written beside the last checks stands only when they pass; the store is read through
// a second connection meanwhile, and the writer's thread is another one.
TEST_P(IngestTest, ABatchWrittenBesideItsChecksStandsOnlyWhenTheyPass) {
  std::thread::id written_on;
  options_.before_writing = [&] {
    written_on = std::this_thread::get_id();
    return Status::Ok();
  };
  ingestor_ =
      std::make_unique<Ingestor>(*store_, catalog_, clock_, PosixFileSystem(), layout_, options_);
  const std::string header = "project,indicator,period,value\n";
  ASSERT_EQ(
      ingestor_->IngestBytes("june.csv", header + "devices,devices-maintained,2026-06,12\n", kInbox)
          .result,
      IngestResult::kApplied);
  EXPECT_EQ(written_on != std::this_thread::get_id(), GetParam());
  // New series and a 1000-fold slip found only once every row is read (each row passes its
  // own checks, so the batch is written beside them): nothing of it stays.
  const IngestOutcome slip =
      ingestor_->IngestBytes("july.csv",
                             header +
                                 "devices,repair-time,2026-07,20\ntwin-a,people,2026-07,62000\n"
                                 "devices,devices-maintained,2026-07,12000\n",
                             kInbox);
  EXPECT_EQ(slip.result, IngestResult::kRejected);
  ASSERT_EQ(slip.errors.size(), 1u);
  EXPECT_NE(slip.errors[0].find("1000 times the value reported before"), std::string::npos)
      << slip.errors[0];
  EXPECT_EQ(CountValues(), 1);
  EXPECT_EQ(CountRows("series"), 1);
  // The series the rolled-back batch numbered are numbered again, once, by the batch that stands.
  ASSERT_EQ(
      ingestor_
          ->IngestBytes("july-2.csv",
                        header + "twin-a,people,2026-07,62000\ndevices,repair-time,2026-07,20\n",
                        kInbox)
          .result,
      IngestResult::kApplied);
  EXPECT_EQ(History("twin-a", "people").at(0).actual.value, 62000);
  EXPECT_EQ(History("devices", "repair-time").at(0).actual.value, 20);
  EXPECT_EQ(History("devices", "devices-maintained").size(), 1u);
  EXPECT_EQ(CountValues(), 3);
  EXPECT_EQ(CountRows("series"), 3);
}

INSTANTIATE_TEST_SUITE_P(WrittenAfterOrBesideTheirChecks, IngestTest, testing::Bool());

TEST(ReportNameTest, IgnoresUnfinishedNamesAndTakesEverythingElse) {
  for (const char* name : {"report.csv", "july.yaml", "july.yml", "REPORT.CSV", "七月.xlsx"}) {
    EXPECT_TRUE(IsReportName(name)) << name;
    EXPECT_FALSE(IsIgnoredName(name)) << name;
  }
  for (const char* name :
       {".report.csv", "report.csv.tmp", "report.part", "~$report.csv", ".~lock.report.csv#",
        "report.csv~", "report.csv.crdownload", "report.xlsx.filepart", "Thumbs.db", ""}) {
    EXPECT_TRUE(IsIgnoredName(name)) << name;
    EXPECT_FALSE(IsReportName(name)) << name;
  }
  // Taken, and refused with a reason: never left in the inbox unexplained.
  for (const char* name : {"report.xlsm", "report.xls", "report.et", "report.docx", "scan.pdf",
                           "report.csv.1234", "README"}) {
    EXPECT_FALSE(IsIgnoredName(name)) << name;
    EXPECT_FALSE(IsReportName(name)) << name;
  }
  EXPECT_NE(UnreadableFileMessage("月报.XLS").find("save the sheet as .xlsx (Excel 工作簿) or CSV"),
            std::string::npos);
  EXPECT_NE(UnreadableFileMessage("月报.et").find("请另存为 .xlsx 或 CSV"), std::string::npos);
  EXPECT_NE(UnreadableFileMessage("scan.pdf").find("ptmon reads .xlsx, .csv, .yaml and .yml"),
            std::string::npos);
}

TEST(InboxScannerTest, WaitsForAFileToSettleUnlessToldItIsComplete) {
  TempDir dir;
  FixedClock clock(Date{2026, 8, 5});
  InboxScanner scanner(dir.path(), clock, PosixFileSystem(), std::chrono::seconds(2));
  dir.Write("a.csv", "x");
  dir.Write("b.csv", "y");
  dir.Write("c.csv.tmp", "z");
  EXPECT_TRUE(scanner.Ready()->empty());
  scanner.MarkComplete("b.csv");
  EXPECT_EQ(scanner.Ready().value(), std::vector<std::string>{dir / "b.csv"});
  fs::remove(dir / "b.csv");  // ingested and moved away
  clock.Advance(std::chrono::seconds(1));
  dir.Write("a.csv", "xx");  // still growing
  EXPECT_TRUE(scanner.Ready()->empty());
  clock.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(scanner.Ready()->empty());
  clock.Advance(std::chrono::seconds(1));
  EXPECT_EQ(scanner.Ready().value(), std::vector<std::string>{dir / "a.csv"});
}

// A file given back while still being written raises its own "moved in" event; that must not
// make it ready again at once, or the daemon would spin on it.
TEST(InboxScannerTest, ADeferredFileWaitsASettleTimeWhateverEventsItRaises) {
  TempDir dir;
  FixedClock clock(Date{2026, 8, 5});
  InboxScanner scanner(dir.path(), clock, PosixFileSystem(), std::chrono::seconds(2));
  dir.Write("a.csv", "x");
  scanner.Defer("a.csv");
  scanner.MarkComplete("a.csv");
  EXPECT_TRUE(scanner.Ready()->empty());
  EXPECT_TRUE(scanner.HasWaiting());
  clock.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(scanner.Ready()->empty());
  clock.Advance(std::chrono::seconds(1));
  EXPECT_EQ(scanner.Ready().value(), std::vector<std::string>{dir / "a.csv"});
  scanner.Defer("a.csv");
  clock.Advance(std::chrono::seconds(3));
  scanner.MarkComplete("a.csv");  // closed by its writer, after the deferral ran out
  EXPECT_EQ(scanner.Ready().value(), std::vector<std::string>{dir / "a.csv"});
}

}  // namespace
}  // namespace ptmon

namespace ptmon {
namespace {

// A manager of `devices` only: the one authorization decision is the Ingestor's, on every row
// as resolved against its own year's catalogue.
class IngestScopeTest : public IngestTest {
 protected:
  void SetUp() override {
    IngestTest::SetUp();
    Catalog last_year = catalog_;
    last_year.year = 2025;
    ingestor_->AddOtherYear(std::make_shared<const Catalog>(std::move(last_year)));
  }
  const Submitter manager_ = Submitter::Only("mgr", {"devices"});
};

TEST_P(IngestScopeTest, AFileNamingAnotherProjectIsRefusedWholeInEveryYear) {
  const std::string header = "project,indicator,period,value,reporter\n";
  struct Case {
    const char* rows;
    const char* refused;  // the projects named in the refusal, or "" when applied
  };
  const Case cases[] = {
      {"devices,devices-maintained,2026-07,12,张三\n", ""},
      {"devices,devices-maintained,2025-12,30,张三\n", ""},
      {"twin-a,people,2026-07,60000,张三\n", "twin-a（同名项目，2026年）"},
      {"twin-a,people,2025-12,60000,张三\n", "twin-a（同名项目，2025年）"},
      // Own rows beside another's, also across years: the whole file goes.
      {"devices,devices-maintained,2026-06,10,张三\ntwin-b,people,2026-06,50000,张三\n",
       "twin-b（同名项目，2026年）"},
      {"devices,devices-maintained,2026-06,10,张三\ntwin-a,people,2025-11,50000,张三\n",
       "twin-a（同名项目，2025年）"},
  };
  long long values = 0;
  for (const Case& c : cases) {
    const IngestOutcome outcome = ingestor_->IngestBytes("r.csv", header + c.rows, manager_);
    const std::string refused = c.refused;
    if (refused.empty()) {
      EXPECT_EQ(outcome.result, IngestResult::kApplied) << c.rows << outcome.Summary();
      values += static_cast<long long>(outcome.values);
      continue;
    }
    EXPECT_EQ(outcome.result, IngestResult::kForbidden) << c.rows << outcome.Summary();
    ASSERT_EQ(outcome.errors.size(), 1u) << c.rows;
    EXPECT_EQ(outcome.errors[0], "r.csv: 文件中有未分配给您的项目：" + refused +
                                     "。整个文件都没有应用。 / mgr may not report for these "
                                     "projects; nothing of the file was applied");
    EXPECT_EQ(CountValues(), values) << c.rows;
  }
  // Refusals are recorded as refused batches, with who sent them.
  const auto batches = store_->values().Batches().value();
  ASSERT_EQ(batches.size(), std::size(cases));
  for (const Batch& batch : batches) {
    EXPECT_EQ(batch.submitted_by, "mgr");
    EXPECT_EQ(batch.status,
              batch.error_text.empty() ? BatchStatus::kApplied : BatchStatus::kRejected);
  }
}

// A copy of a file already applied for another project is refused as that project's, not
// answered as a harmless duplicate.
TEST_P(IngestScopeTest, ACopyOfAnothersFileIsForbiddenNotADuplicate) {
  const std::string csv = "project,indicator,period,value\ntwin-a,people,2026-07,60000\n";
  ASSERT_EQ(ingestor_->IngestBytes("a.csv", csv, kInbox).result, IngestResult::kApplied);
  EXPECT_EQ(ingestor_->IngestBytes("a.csv", csv, manager_).result, IngestResult::kForbidden);
  EXPECT_EQ(ingestor_->IngestBytes("a.csv", csv, kInbox).result, IngestResult::kDuplicate);
}

TEST_P(IngestScopeTest, TheSubmitterIsRecordedAndTheFilesReporterKept) {
  const IngestOutcome outcome = ingestor_->IngestBytes(
      "r.csv",
      "project,indicator,period,value,填报人\ndevices,devices-maintained,2026-07,12,财务处处长\n",
      manager_);
  ASSERT_EQ(outcome.result, IngestResult::kApplied) << outcome.Summary();
  const Batch batch = store_->values().Batches().value().at(0);
  EXPECT_EQ(batch.submitted_by, "mgr");
  EXPECT_EQ(batch.reporter, "财务处处长");
  const auto history = History("devices", "devices-maintained");
  EXPECT_EQ(history.at(0).submitted_by, "mgr");
  EXPECT_EQ(history.at(0).actual.reporter, "财务处处长");
}

// The decision on a scoped sender's rights comes before anything is written: their files are
// never written beside the last checks, however large.
TEST_P(IngestScopeTest, NothingIsWrittenBeforeTheRightsAreDecided) {
  std::vector<std::thread::id> written_on;
  options_.before_writing = [&] {
    written_on.push_back(std::this_thread::get_id());
    return Status::Ok();
  };
  ingestor_ =
      std::make_unique<Ingestor>(*store_, catalog_, clock_, PosixFileSystem(), layout_, options_);
  const std::string rows =
      "project,indicator,period,value\ndevices,devices-maintained,2026-07,12\n";
  EXPECT_EQ(
      ingestor_->IngestBytes("theirs.csv", rows + "twin-a,people,2026-07,62000\n", manager_).result,
      IngestResult::kForbidden);
  EXPECT_EQ(ingestor_->IngestBytes("mine.csv", rows, manager_).result, IngestResult::kApplied);
  for (const std::thread::id thread : written_on) EXPECT_EQ(thread, std::this_thread::get_id());
  EXPECT_EQ(CountValues(), 1);
}

TEST_P(IngestScopeTest, AUnitScopeAdmitsOnlyThatUnitsProjects) {
  const std::string row = "project,indicator,period,value\ndevices,devices-maintained,2026-07,12\n";
  EXPECT_EQ(ingestor_->IngestBytes("a.csv", row, Submitter::Everything("t", "test-unit")).result,
            IngestResult::kApplied);
  EXPECT_EQ(ingestor_
                ->IngestBytes("b.csv", row + "devices,cost,2026-07,1万元\n",
                              Submitter::Everything("t", "another-unit"))
                .result,
            IngestResult::kForbidden);
}

INSTANTIATE_TEST_SUITE_P(WrittenAfterOrBesideTheirChecks, IngestScopeTest, testing::Bool());

}  // namespace
}  // namespace ptmon
