// `ptmon ingest`, `template` and `history` as a manager uses them, and the crash test: a real
// ptmon killed with SIGKILL at random moments never applies a file twice or half.
#include <filesystem>
#include <map>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <ptmon/base/sha256.h>
#include <ptmon/base/text.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using testing_support::ReadFile;
using testing_support::RunPtmon;
using testing_support::TempDir;

const std::string kCatalog = std::string(PTMON_TEST_DATA) + "/reports/catalog.yaml";

// ptmon on one data directory at a fixed business date, as a user runs command after command.
class PtmonOn {
 public:
  PtmonOn(std::string data_dir, std::string now)
      : common_{"--data-dir", std::move(data_dir), "--now", std::move(now)} {}
  testing_support::ProcessResult operator()(std::vector<std::string> args) const {
    args.insert(args.end(), common_.begin(), common_.end());
    return RunPtmon(args);
  }

 private:
  std::vector<std::string> common_;
};

TEST(IngestCliTest, TemplateFilledInAndDroppedIsApplied) {
  TempDir dir;
  const auto templ =
      RunPtmon({"template", "--catalog", kCatalog, "--period", "2026-07", "--project", "devices"});
  ASSERT_EQ(templ.exit_code, 0) << templ.err;
  ASSERT_TRUE(
      templ.out.starts_with("\xEF\xBB\xBFproject_id,indicator_id,项目,一级指标,二级指标,"
                            "指标,年度指标值,期间,上次填报,计量单位,完成值,"));
  EXPECT_NE(templ.out.find("devices,devices-maintained,设备项目,产出指标,数量指标,设备维护数量,"
                           "≥30台,2026年7月,,台,,"),
            std::string::npos)
      << templ.out;
  EXPECT_NE(
      templ.out.find("devices,spent,设备项目,,,预算执行数,500000元,2026年7月,,元（可写 万元）,,"),
      std::string::npos)
      << templ.out;
  // The manager fills in two values in Excel and saves.
  std::string filled = templ.out;
  auto fill = [&](const std::string& row_start, const std::string& value) {
    const size_t at = filled.find(row_start);
    ASSERT_NE(at, std::string::npos);
    // After the month, 上次填报 (empty) and 计量单位.
    const size_t unit_at = filled.find("2026年7月,,", at) + std::string("2026年7月,,").size();
    filled.insert(filled.find(',', unit_at) + 1, value);
  };
  fill("设备项目,产出指标,数量指标,设备维护数量", "12");
  fill("设备项目,,,预算执行数", "21.5万");
  const std::string path = dir.Write("july.csv", filled);
  const auto ingest = RunPtmon(
      {"ingest", "--catalog", kCatalog, "--data-dir", dir / "data", "--now", "2026-08-05", path});
  EXPECT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_EQ(ingest.out, "'" + path + "': applied 2 values (batch 1), 4 empty rows skipped\n");
  const auto history =
      RunPtmon({"history", "--catalog", kCatalog, "--data-dir", dir / "data", "--project",
                "devices", "--indicator", "spent", "--format", "json"});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  EXPECT_NE(history.out.find("\"value\": 215000.0"), std::string::npos) << history.out;
  // August's template shows what July brought.
  const auto august = RunPtmon({"template", "--catalog", kCatalog, "--data-dir", dir / "data",
                                "--period", "2026-08", "--project", "devices"});
  ASSERT_EQ(august.exit_code, 0) << august.err;
  EXPECT_NE(august.out.find("设备维护数量,≥30台,2026年8月,12台（7月）,台,,"), std::string::npos)
      << august.out;
  EXPECT_NE(august.out.find("预算执行数,500000元,2026年8月,215000元（7月）,元（可写 万元）,,"),
            std::string::npos)
      << august.out;
  EXPECT_NE(august.out.find("设备故障修复处理时间,≤24小时,2026年8月,,小时,,"), std::string::npos)
      << august.out;
}

// status and report evaluate with the daemon's configuration when given it: the thresholds and
// weights an operator set are the ones a finance officer's report uses.
TEST(IngestCliTest, StatusUsesTheConfiguredThresholds) {
  TempDir dir;
  const std::string july = std::string(PTMON_TEST_DATA) + "/golden/actuals-2026-07.csv";
  ASSERT_EQ(RunPtmon({"ingest", "--data-dir", dir / "data", "--now", "2026-08-15", july}).exit_code,
            0);
  const std::string config =
      dir.Write("ptmon.yaml", "data_dir: " + (dir / "data") +
                                  "\nevaluation:\n  lights: {red_below: 0, yellow_below: 0}\n");
  auto lights = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"status", "--now", "2026-08-15", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto status = RunPtmon(args);
    EXPECT_EQ(status.exit_code, 0) << status.err;
    std::map<std::string, int> count;
    const nlohmann::json json = nlohmann::json::parse(status.out);
    for (const auto& project : json["projects"])
      for (const auto& indicator : project["indicators"]) ++count[indicator["light"]];
    return count;
  };
  auto lagging = [](std::map<std::string, int> count) { return count["red"] + count["yellow"]; };
  auto by_default = lights({"--data-dir", dir / "data"});
  auto configured = lights({"--config", config});
  // Behind pace no longer lights yellow or red; what is left is graded 未达成 or over budget.
  EXPECT_LT(lagging(configured), lagging(by_default));
  EXPECT_EQ(configured["overdue"], by_default["overdue"]);
  EXPECT_GT(configured["overdue"], 0);
}

// Commands take the names a manager knows, as report files do; a name that matches nothing is
// an error listing what there is, never "no values" with exit 0.
TEST(IngestCliTest, CommandsTakeNamesAndRefuseUnknownOnes) {
  TempDir dir;
  const std::string july = std::string(PTMON_TEST_DATA) + "/golden/actuals-2026-07.csv";
  const PtmonOn run(dir / "data", "2026-08-15");
  ASSERT_EQ(run({"ingest", july}).exit_code, 0);
  const auto by_name = run({"history", "--project", "维修维护费", "--indicator", "设备维护数量"});
  EXPECT_EQ(by_name.exit_code, 0) << by_name.err;
  EXPECT_EQ(by_name.out, run({"history", "--project", "building-maintenance", "--indicator",
                              "devices-maintained"})
                             .out);
  EXPECT_NE(
      run({"history", "--project", "维修维护费", "--indicator", "预算执行数"}).out.find("215000"),
      std::string::npos);
  const auto unknown = run({"history", "--project", "维修维护", "--indicator", "x"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no project is called '维修维护' (projects: building-maintenance, "),
            std::string::npos)
      << unknown.err;
  const auto no_indicator =
      run({"history", "--project", "building-maintenance", "--indicator", "设备数量"});
  EXPECT_EQ(no_indicator.exit_code, 1);
  EXPECT_NE(no_indicator.err.find("(indicators of building-maintenance: devices-maintained, "),
            std::string::npos)
      << no_indicator.err;
  EXPECT_EQ(RunPtmon({"template", "--period", "2026-07", "--project", "维修维护费"}).out,
            RunPtmon({"template", "--period", "2026-07", "--project", "building-maintenance"}).out);
  EXPECT_EQ(RunPtmon({"template", "--period", "2026-07", "--project", "nope"}).exit_code, 1);
  // --now as every data command takes it: without --period the month before today's; a month
  // after today's has no template, as its report cannot be applied yet.
  EXPECT_EQ(RunPtmon({"template", "--now", "2026-08-15", "--project", "维修维护费"}).out,
            RunPtmon({"template", "--period", "2026-07", "--project", "维修维护费"}).out);
  const auto early = RunPtmon({"template", "--now", "2026-08-15", "--period", "2026-09"});
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_NE(early.err.find("--period 2026-09 is after today (2026-08-15)"), std::string::npos)
      << early.err;
  EXPECT_EQ(run({"status", "--project", "维修维护费", "--format", "json"}).out,
            run({"status", "--project", "building-maintenance", "--format", "json"}).out);
  // A month after today's cannot be evaluated.
  const auto future = run({"status", "--as-of", "2026-09"});
  EXPECT_NE(future.exit_code, 0);
  EXPECT_NE(future.err.find("--as-of 2026-09 is after today (2026-08-15)"), std::string::npos)
      << future.err;
}

// The XLSX template as a manager uses it, with a real office suite: ptmon writes it; the
// manager fills it (openpyxl, after checking its locks, hidden ids, dropdowns and percentage
// format), sorts two rows the other way round and edits a name; ptmon applies the workbook as
// saved, the workbook re-saved by LibreOffice, and LibreOffice's CSV in UTF-8 and in GBK as
// older Chinese setups save it. Every value arrives exactly — the rate typed into its
// percentage cell, the grades picked from the dropdowns, the reason, the renamed row.
TEST(IngestCliTest, AnXlsxTemplateFilledInAnOfficeSuiteIsAppliedAsXlsxAndAsCsv) {
  TempDir dir;
  const auto templ = RunPtmon({"template", "--period", "2026-07", "--project", "维修维护费",
                               "--format", "xlsx", "--out", dir / "template.xlsx"});
  ASSERT_EQ(templ.exit_code, 0) << templ.err;
  const auto filled = testing_support::RunProcess(
      {"/usr/bin/python3", std::string(PTMON_SOURCE_DIR) + "/tests/tools/fill_template.py",
       dir / "template.xlsx", dir / "july.xlsx"});
  ASSERT_EQ(filled.exit_code, 0) << filled.out << filled.err;
  // LibreOffice's CSV filter options: separator, quote, character set (76 UTF-8, 85 GBK).
  const std::pair<std::string, std::string> saved_as[] = {
      {"xlsx-as-filled", ""},
      {"xlsx-libreoffice", "xlsx:Calc MS Excel 2007 XML"},
      {"csv-utf-8", "csv:Text - txt - csv (StarCalc):44,34,76,1"},
      {"csv-gbk", "csv:Text - txt - csv (StarCalc):44,34,85,1"}};
  for (const auto& [variant, filter] : saved_as) {
    SCOPED_TRACE(variant);
    const std::string out = dir / variant;
    std::string report = dir / "july.xlsx";
    if (!filter.empty()) {
      const auto saved = testing_support::RunProcess(
          {"soffice", "--headless", "-env:UserInstallation=file://" + dir / "office-profile",
           "--convert-to", filter, "--outdir", out, dir / "july.xlsx"});
      ASSERT_EQ(saved.exit_code, 0) << saved.out << saved.err;
      report = out + "/july." + filter.substr(0, filter.find(':'));
      if (variant.starts_with("csv")) {
        EXPECT_EQ(IsValidUtf8(ReadFile(report)), variant == "csv-utf-8");
      }
    }
    const PtmonOn run(out + "/data", "2026-08-15");
    const auto ingest = run({"ingest", report});
    ASSERT_EQ(ingest.exit_code, 0) << ingest.out << ingest.err;
    EXPECT_NE(ingest.out.find("applied 7 values"), std::string::npos) << ingest.out;
    const auto status = nlohmann::json::parse(
        run({"status", "--project", "building-maintenance", "--format", "json"}).out);
    std::map<std::string, nlohmann::json> by_id;
    for (const auto& indicator : status["projects"][0]["indicators"]) {
      by_id[indicator["id"].get<std::string>()] = indicator;
    }
    EXPECT_EQ(by_id["devices-maintained"]["actual"], 12);
    EXPECT_EQ(by_id["repair-time"]["actual"], 20);
    EXPECT_EQ(by_id["repair-response"]["grade"], "达成");
    EXPECT_EQ(by_id["maintenance-cost"]["actual"], 60000);
    EXPECT_EQ(by_id["operation-assurance"]["grade"], "部分达成");
    EXPECT_EQ(by_id["user-satisfaction"]["actual"], 0.96);
    EXPECT_EQ(by_id["devices-maintained"]["reason"]["category"], "人员保障");
    EXPECT_EQ(by_id["devices-maintained"]["reason"]["text"], "技术人员不足");
    EXPECT_EQ(by_id["devices-maintained"]["reason"]["reported_likelihood"], "有可能");
    EXPECT_EQ(status["projects"][0]["budget"]["spent_yuan"], 120000);
  }
}

// The official tables print figures as finance offices file them — 万元 with two decimals and
// separators, whole counts — and never round a figure across the target it is compared with:
// a forecast of 29.83 devices against ≥30台 is 29台, 199,998.86元 against ≤20万元 is 19.99万元.
// An indicator with nothing reported reads the same in both tables.
TEST(IngestCliTest, TheOfficialTablesRoundAsFinanceOfficesDoButNeverAcrossTheTarget) {
  TempDir dir;
  const std::string report = dir.Write("july.csv",
                                       "project,indicator,period,value\n"
                                       "building-maintenance,devices-maintained,2026-07,17.4\n"
                                       "building-maintenance,maintenance-cost,2026-07,116666.0\n"
                                       "building-maintenance,预算执行数,2026-07,123456.78\n");
  const PtmonOn run(dir / "data", "2026-08-15");
  ASSERT_EQ(run({"ingest", report}).exit_code, 0);
  const auto monitor =
      run({"report", "--kind", "monitor", "--project", "building-maintenance", "--format", "csv"});
  EXPECT_NE(monitor.out.find("设备维护数量,≥30台,17台,29台,"), std::string::npos) << monitor.out;
  EXPECT_NE(monitor.out.find("设备维修维护成本,≤20.00万元,11.67万元,19.99万元,"), std::string::npos)
      << monitor.out;
  EXPECT_NE(monitor.out.find("1–7月执行数（万元）"), std::string::npos) << monitor.out;
  EXPECT_NE(monitor.out.find("总额,53.86,53.86,12.35,"), std::string::npos) << monitor.out;
  EXPECT_NE(monitor.out.find("设备故障修复处理时间,≤24小时,逾期未报,"), std::string::npos);
  const auto self = run(
      {"report", "--kind", "self-eval", "--project", "building-maintenance", "--format", "csv"});
  EXPECT_NE(self.out.find("设备故障修复处理时间,≤,24.00,小时,逾期未报,"), std::string::npos)
      << self.out;
  EXPECT_NE(self.out.find("项目基本情况,年度目标,完成情况"), std::string::npos) << self.out;
  const auto html =
      run({"report", "--kind", "monitor", "--project", "building-maintenance", "--format", "html"});
  EXPECT_NE(html.out.find("<td class=\"short light-overdue\">逾期未报</td>"), std::string::npos);
}

// A manager's cells with control characters (an escape code, a carriage return) are shown
// escaped wherever they are printed: they cannot colour a terminal or fake a row. A cell a
// spreadsheet would run as a formula is plain text in the CSV tables.
TEST(IngestCliTest, ControlCharactersInCellsArePrintedEscaped) {
  TempDir dir;
  const std::string report =
      dir.Write("july.csv",
                "project,indicator,period,value,reason_category,reason,reporter,改进措施\n"
                "building-maintenance,devices-maintained,2026-07,12,人员,\"短缺\x1b[2J\rfake "
                "row\",张\x1b[31m三,\n"
                "building-maintenance,repair-time,2026-07,30小时,人员,不足,李四,"
                "\"=HYPERLINK(\"\"http://evil\"\",\"\"点此\"\")\"\n");
  const PtmonOn run(dir / "data", "2026-08-15");
  ASSERT_EQ(run({"ingest", report}).exit_code, 0);
  const auto history =
      run({"history", "--project", "building-maintenance", "--indicator", "devices-maintained"});
  EXPECT_EQ(history.out.find('\x1b'), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("张\\x1B[31m三"), std::string::npos) << history.out;
  for (const std::string format : {"md", "csv", "html"}) {
    const auto table = run(
        {"report", "--kind", "monitor", "--project", "building-maintenance", "--format", format});
    EXPECT_EQ(table.out.find('\x1b'), std::string::npos) << format;
    EXPECT_NE(table.out.find("短缺\\x1B[2J"), std::string::npos) << format << table.out;
    const bool formula_neutralised = table.out.find("'=HYPERLINK") != std::string::npos;
    EXPECT_EQ(formula_neutralised, format == "csv") << format << table.out;
  }
  // Terminal columns stay aligned after a long id: it is followed by a space, always.
  const auto status = run({"status", "--project", "building-maintenance"});
  EXPECT_EQ(status.out.find("devices-maintained≥"), std::string::npos) << status.out;
}

// After A then B, A's values can be made current again: a new batch, audited in the history,
// that the next evaluation reads as the latest.
TEST(IngestCliTest, RevertMakesAnEarlierBatchCurrentAgain) {
  TempDir dir;
  const PtmonOn run(dir / "data", "2026-08-15");
  const std::string header = "project,indicator,period,value\n";
  const std::string a =
      dir.Write("a.csv", header + "building-maintenance,devices-maintained,2026-07,12\n");
  const std::string b =
      dir.Write("b.csv", header + "building-maintenance,devices-maintained,2026-07,99\n");
  ASSERT_EQ(run({"ingest", a, b}).exit_code, 0);
  const auto again = run({"ingest", a});
  EXPECT_NE(again.out.find("duplicate of batch 1, not applied again (ptmon revert --batch 1"),
            std::string::npos)
      << again.out;
  const auto reverted = run({"revert", "--batch", "1", "--by", "张三", "--reason", "录入错误"});
  ASSERT_EQ(reverted.exit_code, 0) << reverted.err;
  EXPECT_EQ(reverted.out, "batch 1's values are current again (batch 4, by 张三)\n");
  const auto history = run({"history", "--project", "building-maintenance", "--indicator",
                            "devices-maintained", "--format", "json"});
  const auto revisions = nlohmann::json::parse(history.out);
  ASSERT_EQ(revisions.size(), 3u);
  EXPECT_EQ(revisions[2]["value"], 12);
  EXPECT_EQ(revisions[2]["file"], "revert to batch 1 by 张三: 录入错误");
  // Whoever runs the command is the submitter; 张三 is who the revert names.
  for (const auto& revision : revisions)
    EXPECT_TRUE(revision["submitted_by"].get<std::string>().starts_with("cli:")) << revision;
  const auto status = run({"status", "--project", "building-maintenance", "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(status.out)["projects"][0]["indicators"][0]["actual"], 12);
  // Only applied batches have values to return to.
  EXPECT_EQ(run({"revert", "--batch", "3", "--by", "x"}).exit_code, 1);
  EXPECT_EQ(run({"revert", "--batch", "99", "--by", "x"}).exit_code, 1);
}

TEST(IngestCliTest, GbkTemplateRoundTrips) {
  const auto templ =
      RunPtmon({"template", "--catalog", kCatalog, "--period", "2026-07", "--encoding", "gbk"});
  ASSERT_EQ(templ.exit_code, 0);
  // No BOM; 项目 in GBK after the id columns.
  EXPECT_TRUE(templ.out.starts_with("project_id,indicator_id,\xCF\xEE\xC4\xBF,"));
}

TEST(IngestCliTest, ExitCodesSayWhetherAnythingWasRefused) {
  TempDir dir;
  const std::string good = dir.Write(
      "good.csv", "project,indicator,period,value\ndevices,devices-maintained,2026-07,12\n");
  const std::string bad = dir.Write(
      "bad.csv", "project,indicator,period,value\ndevices,devices-maintained,2026-09,12\n");
  const std::vector<std::string> base = {"ingest",     "--catalog", kCatalog,    "--data-dir",
                                         dir / "data", "--now",     "2026-08-05"};
  auto run = [&](std::vector<std::string> files) {
    std::vector<std::string> args = base;
    args.insert(args.end(), files.begin(), files.end());
    return RunPtmon(args);
  };
  EXPECT_EQ(run({good}).exit_code, 0);
  auto duplicate = run({good});
  EXPECT_EQ(duplicate.exit_code, 0);
  EXPECT_NE(duplicate.out.find("duplicate of batch 1"), std::string::npos);
  auto refused = run({bad, good});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find(bad + ":2:3: 'period': 期间 2026-09 还没到 (今天是 2026-08-05)"),
            std::string::npos)
      << refused.err;
  auto missing = run({dir / "missing.csv"});
  EXPECT_EQ(missing.exit_code, 2);
  // With no files it processes the inbox.
  dir.Write("data/inbox/later.csv",
            "project,indicator,period,value\ndevices,devices-maintained,2026-08,14\n");
  auto inbox = run({});
  EXPECT_EQ(inbox.exit_code, 0) << inbox.err;
  EXPECT_NE(inbox.out.find("later.csv': applied 1 values (batch"), std::string::npos) << inbox.out;
  EXPECT_TRUE(fs::exists(dir / "data/archive/2026/08/later.csv"));
}

struct AppliedBatch {
  long long rows_declared;
  long long rows_stored;
};

// sha256 → applied batches with that content, after checking the database's integrity.
std::multimap<std::string, AppliedBatch> AppliedBatches(const std::string& db_path) {
  if (!fs::exists(db_path)) return {};  // killed before it created the database
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_stmt* check = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &check, nullptr);
  EXPECT_EQ(sqlite3_step(check), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(check, 0)), "ok");
  sqlite3_finalize(check);
  std::multimap<std::string, AppliedBatch> applied;
  sqlite3_stmt* batches = nullptr;
  sqlite3_prepare_v2(
      db,
      "SELECT b.sha256, b.row_count, (SELECT COUNT(*) FROM actual a WHERE a.batch_id = b.id) "
      "FROM batch b WHERE b.status = 'applied'",
      -1, &batches, nullptr);
  while (sqlite3_step(batches) == SQLITE_ROW) {
    applied.emplace(
        reinterpret_cast<const char*>(sqlite3_column_text(batches, 0)),
        AppliedBatch{sqlite3_column_int64(batches, 1), sqlite3_column_int64(batches, 2)});
  }
  sqlite3_finalize(batches);
  sqlite3_close(db);
  return applied;
}

TEST(CrashTest, KilledAtRandomMomentsEveryFileIsAppliedOnceOrNotAtAll) {
  TempDir dir;
  const std::string catalog = dir.Write("catalog.yaml", testing_support::SyntheticCatalog(50, 10));
  const std::string data = dir / "data";
  fs::create_directories(data + "/inbox");
  const std::vector<std::string> argv = {PTMON_BINARY, "ingest", "--catalog", catalog,
                                         "--data-dir", data,     "--now",     "2026-12-20"};
  std::mt19937 random(20261127);
  std::vector<std::string> dropped;  // content hashes of every file ever dropped
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    for (int file = 0; file < 3; ++file) {
      std::string content = "project,indicator,period,value\n";
      for (int p = 0; p < 50; ++p) {
        for (int i = 0; i < 10; ++i) {
          content += "p" + std::to_string(p) + ",i" + std::to_string(i) + ",2026-" +
                     std::to_string(1 + (round + file) % 12) + "," +
                     std::to_string(round * 1000 + file * 100 + p + i) + "人\n";
        }
      }
      dropped.push_back(Sha256Hex(content));
      dir.Write("data/inbox/r" + std::to_string(round) + "-f" + std::to_string(file) + ".csv",
                content);
    }
    {
      testing_support::ChildProcess ingest(argv, "/dev/null");
      usleep(std::uniform_int_distribution<useconds_t>(0, 60'000)(random));
      ingest.Signal(SIGKILL);
      ingest.Wait();
    }
    // Right after the kill: nothing half-applied, nothing twice.
    for (const auto& [sha, batch] : AppliedBatches(data + "/ptmon.db")) {
      EXPECT_EQ(batch.rows_stored, batch.rows_declared) << "round " << round;
      EXPECT_EQ(batch.rows_stored, 500) << "round " << round;
    }
    // Restart and let it finish: every file dropped so far is applied exactly once.
    const auto finished = testing_support::RunProcess(argv);
    ASSERT_EQ(finished.exit_code, 0) << finished.err;
    const auto applied = AppliedBatches(data + "/ptmon.db");
    for (const auto& sha : dropped) EXPECT_EQ(applied.count(sha), 1u) << "round " << round;
    EXPECT_EQ(applied.size(), dropped.size());
    EXPECT_EQ(testing_support::FilesWaitingIn(data + "/inbox"), 0) << "round " << round;
  }
}

}  // namespace
}  // namespace ptmon

namespace ptmon {
namespace {

// The catalogue is cached in the store by its hash: an edited catalogue is parsed (and
// checked) again, an unchanged one is not.
TEST(CatalogCacheCliTest, AnEditedCatalogueIsReadAgain) {
  TempDir dir;
  const std::string catalog = dir.Write("catalog.yaml", ReadFile(kCatalog));
  const std::string report =
      dir.Write("r.csv", "project,indicator,period,value\ndevices,devices-maintained,2026-07,12\n");
  const std::vector<std::string> base = {"--catalog",  catalog, "--data-dir",
                                         dir / "data", "--now", "2026-08-05"};
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), base.begin(), base.end());
    return RunPtmon(args);
  };
  ASSERT_EQ(run({"ingest", report}).exit_code, 0);
  // The target changes: status must show the new one.
  std::string edited = ReadFile(catalog);
  edited.replace(edited.find("\"≥30台\""), std::string("\"≥30台\"").size(), "\"≥40台\"");
  dir.Write("catalog.yaml", edited);
  auto status = run({"status", "--as-of", "2026-07", "--format", "json", "--project", "devices"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("\"text\": \"≥40台\""), std::string::npos) << status.out;
  // A broken edit is reported with its place, not hidden by the cache.
  edited.replace(edited.find("\"≥40台\""), std::string("\"≥40台\"").size(), "\"≥40 boxes\"");
  dir.Write("catalog.yaml", edited);
  auto broken = run({"status"});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find(catalog + ":13:"), std::string::npos) << broken.err;
}

// `ptmon ingest` records a new catalogue while it checks the first file. A catalogue the store
// refuses (a unit changed under stored values) is reported as before, and no file is applied,
// refused or moved; one it accepts is in force for the files, refused ones too.
TEST(CatalogCacheCliTest, ANewCatalogueIsRecordedBeforeAnyFileIsWritten) {
  TempDir dir;
  const std::string catalog = dir.Write("catalog.yaml", ReadFile(kCatalog));
  const std::string data = dir / "data";
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--catalog", catalog, "--data-dir", data, "--now", "2026-08-05"});
    return RunPtmon(args);
  };
  const std::string header = "project,indicator,period,value\n";
  ASSERT_EQ(
      run({"ingest", dir.Write("july.csv", header + "devices,devices-maintained,2026-07,12\n")})
          .exit_code,
      0);
  const std::string original = ReadFile(catalog);
  auto with_target = [&](const std::string& target) {
    std::string edited = original;
    edited.replace(edited.find("\"≥30台\""), std::string("\"≥30台\"").size(), target);
    dir.Write("catalog.yaml", edited);
  };
  auto batches = [&] {
    sqlite3* db = nullptr;
    sqlite3_open_v2((data + "/ptmon.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* count = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM batch", -1, &count, nullptr);
    const int batches = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int(count, 0) : -1;
    sqlite3_finalize(count);
    sqlite3_close(db);
    return batches;
  };

  with_target("\"≥95%\"");
  const std::string august = header + "devices,devices-maintained,2026-08,20\n";
  const std::string dropped = dir.Write("data/inbox/august.csv", august);
  for (const auto& files : {std::vector<std::string>{}, {dir.Write("given.csv", august)}}) {
    std::vector<std::string> args = {"ingest"};
    args.insert(args.end(), files.begin(), files.end());
    const auto refused = run(args);
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("devices/devices-maintained from 台 to %"), std::string::npos)
        << refused.err;
    EXPECT_EQ(refused.out.find("applied"), std::string::npos) << refused.out;
    EXPECT_EQ(batches(), 1);
    EXPECT_TRUE(fs::exists(dropped));
  }
  fs::remove(dropped);

  with_target("\"≥40台\"");
  const auto wrong =
      run({"ingest", dir.Write("wrong.csv", header + "devices,no-such,2026-08,1\n")});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.err;
  EXPECT_EQ(batches(), 2);  // the refused file's batch, recorded once the catalogue was
  const auto status =
      run({"status", "--as-of", "2026-07", "--format", "json", "--project", "devices"});
  EXPECT_NE(status.out.find("\"text\": \"≥40台\""), std::string::npos) << status.out;
}

}  // namespace
}  // namespace ptmon

namespace ptmon {
namespace {

// ptmon backup copies the database consistently; the copy restores into a working data dir.
TEST(BackupCliTest, ABackupRestoresEveryValue) {
  TempDir dir;
  const std::string report = std::string(PTMON_TEST_DATA) + "/golden/actuals-2026-07.csv";
  ASSERT_EQ(
      RunPtmon({"ingest", "--data-dir", dir / "data", "--now", "2026-08-15", report}).exit_code, 0);
  const auto backup = RunPtmon({"backup", "--data-dir", dir / "data", "--to", dir / "backup.db"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  const auto again = RunPtmon({"backup", "--data-dir", dir / "data", "--to", dir / "backup.db"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos);
  // Restore: the backup becomes the database of a new data directory.
  fs::create_directories(dir / "restored");
  fs::copy_file(dir / "backup.db", dir / "restored/ptmon.db");
  auto history = [&](const std::string& data) {
    return RunPtmon({"history", "--data-dir", data, "--project", "building-maintenance",
                     "--indicator", "devices-maintained", "--format", "json"});
  };
  const auto original = history(dir / "data");
  const auto restored = history(dir / "restored");
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(restored.out, original.out);
  EXPECT_NE(restored.out.find("\"value\": 12.0"), std::string::npos);
  const auto status = RunPtmon(
      {"status", "--data-dir", dir / "restored", "--now", "2026-08-15", "--format", "json"});
  EXPECT_EQ(status.out, RunPtmon({"status", "--data-dir", dir / "data", "--now", "2026-08-15",
                                  "--format", "json"})
                            .out);
}

}  // namespace
}  // namespace ptmon
