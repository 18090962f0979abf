// A province's catalogue, shaped like the real one: the embedded catalogue (山西省社会保险局's ten
// projects, their Chinese names and published targets) repeated N times with ids of real length
// (`building-maintenance-00042`), and ten months of values as managers write them — two
// decimals, units on some, rates as percentages, grades for qualitative indicators, spending
// rows — then a revision of every value, a thousand copies to a file (ptmon takes files up to
// 64 MB). It measures shapes, each beside its baseline from the same run:
//   - a good year (every value on target) and a bad one (values between 30% and 120% of what
//     each target asks, most indicators behind and tens of thousands of alerts firing);
//   - the report as a wide CSV (reason, action, likelihood and reporter columns, a reason on
//     every tenth row) and as the lean four columns people type (project, indicator, period,
//     value): ingest of a revision, the catalogue already loaded, and the first ingest, parsing
//     the YAML catalogue first, each vs sqlite3 :memory: .import of the same file, in turn;
//   - ptmon serve: start to ready with four revisions stored — the first start after
//     `ptmon ingest` wrote them, then the median of the starts after the daemon folded them —
//     and peak RSS once /metrics and /api/v1/status have been asked;
//   - a catalogue edited (the unit's total and a 绩效目标调整): start to ready on it, beside the
//     unedited start; then another edit loaded by SIGHUP while a client scrapes /metrics without
//     pause: the reload's duration (until the daemon logs it done) and the longest scrape
//     meanwhile, beside the longest before the reload;
//   - GET /api/v1/status beside GET /metrics, per byte, and GET /metrics plain and gzip beside
//     node_exporter's textfile collector serving the same exposition;
// and, for each N after the first, how each figure grew beside how N grew.
// Usage: province_bench PTMON [--year good,bad] [--file wide,lean] [--only ingest,serve,edit,http]
//                             [--rounds R] [N...]        (defaults: both years and files, all
//                                                         parts, 3 rounds, N = 1000)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include <signal.h>

#include <ptmon/config/catalog_loader.h>

#include "../tests/support/daemon.h"
#include "../tests/support/process.h"
#include "../tests/support/province_data.h"
#include "bench_support.h"

namespace {

namespace fs = std::filesystem;
using ptmon::bench::CpuMs;
using ptmon::bench::Median;
using ptmon::bench::MedianInTurn;
using ptmon::bench::MedianMs;
using ptmon::bench::MillisecondsOf;
using ptmon::bench::PrintComparison;
using ptmon::bench::RssMb;
using ptmon::bench::RunTimed;
using ptmon::bench::Timed;
using namespace ptmon::testing_support;
using Steady = std::chrono::steady_clock;

struct Options {
  std::set<std::string> years{"good", "bad"};
  std::set<std::string> files{"wide", "lean"};
  std::set<std::string> parts{"ingest", "serve", "edit", "http"};
  int rounds = 3;
  std::vector<int> sizes;
};

// The figures of one N and year, in the order measured, for the growth table.
struct Figure {
  std::string what;
  double value;
};
using Figures = std::vector<Figure>;

const char* Goal(bool met) { return met ? "met" : "MISSED"; }

double Ms(Steady::time_point from, Steady::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

std::set<std::string> Words(const char* list) {
  std::set<std::string> words;
  std::string word;
  for (const char* c = list;; ++c) {
    if (*c == ',' || *c == '\0') {
      if (!word.empty()) words.insert(word);
      word.clear();
      if (*c == '\0') return words;
    } else {
      word += *c;
    }
  }
}

// The share of indicators not green (lights 2 and up: no data, yellow, overdue, red) and the
// alerts firing, read from an exposition.
struct Lights {
  double not_green_share = 0;
  double firing = 0;
};
Lights LightsOf(const std::string& exposition) {
  Lights lights;
  size_t indicators = 0, not_green = 0;
  constexpr std::string_view kLight = "\nptmon_indicator_light{";
  for (size_t at = exposition.find(kLight); at != std::string::npos;
       at = exposition.find(kLight, at + 1)) {
    const size_t end = exposition.find('\n', at + 1);
    const size_t space = exposition.rfind(' ', end);
    ++indicators;
    if (std::atof(exposition.c_str() + space + 1) >= 2) ++not_green;
  }
  constexpr std::string_view kFiring = "\nptmon_alerts{state=\"firing\"} ";
  if (const size_t at = exposition.find(kFiring); at != std::string::npos)
    lights.firing = std::atof(exposition.c_str() + at + kFiring.size());
  if (indicators > 0)
    lights.not_green_share = static_cast<double>(not_green) / static_cast<double>(indicators);
  return lights;
}

// A report in the files of a form and revision (see Measure).
using ReportFiles = std::function<std::vector<std::string>(const std::string& form, int revision)>;

// `ptmon ingest` of `files` into the store in `dir`.
Timed Ingest(const std::string& ptmon, const std::string& catalog, const std::string& dir,
             const std::vector<std::string>& files) {
  std::vector<std::string> argv = {ptmon,        "ingest", "--catalog", catalog,
                                   "--data-dir", dir,      "--now",     "2026-11-20"};
  argv.insert(argv.end(), files.begin(), files.end());
  return RunTimed(argv);
}

// Ingest of each form of the report, beside sqlite3 .import of the same files in turn.
void MeasureIngest(const std::string& ptmon, const fs::path& work, const std::string& catalog,
                   const ReportFiles& report, const Options& options, Figures& figures) {
  auto ingest = [&](const std::string& dir, const std::vector<std::string>& files) {
    return Ingest(ptmon, catalog, dir, files);
  };
  for (const std::string& form : options.files) {
    // The baseline runs in turn with each ingest it is compared with: a shared machine's
    // minute can be a third slower than the one before, and SQLite in memory writes nothing.
    const auto floor = [&](int) {
      std::vector<std::string> argv = {"sqlite3", ":memory:", ".mode csv"};
      for (const std::string& file : report(form, 1))
        argv.push_back(".import " + std::string(argv.size() > 3 ? "--skip 1 " : "") + file + " t");
      return RunTimed(argv);
    };
    const auto first = MedianInTurn(
        options.rounds,
        [&](int run) {
          const fs::path cold = work / ("cold-" + form + "-" + std::to_string(run));
          fs::remove_all(cold);
          return ingest(cold.string(), report(form, 0));
        },
        floor);
    const std::string data = (work / ("ingest-" + form)).string();
    fs::remove_all(data);
    if (ingest(data, report(form, 0)).exit_code != 0) std::exit(1);
    const auto revision = MedianInTurn(
        options.rounds, [&](int run) { return ingest(data, report(form, run + 1)); }, floor);
    PrintComparison("ingest " + form + ", a revision", "ingest", revision.ours.seconds,
                    "sqlite3 .import :memory:", revision.baseline.seconds, "s");
    PrintComparison("ingest " + form + ", YAML parsed first", "ingest", first.ours.seconds,
                    "sqlite3 .import :memory:", first.baseline.seconds, "s");
    std::printf("goals (%s): revision <= 1.5x %s; first ingest <= 2x %s; peak RSS %.1f MB\n",
                form.c_str(), Goal(revision.ours.seconds <= 1.5 * revision.baseline.seconds),
                Goal(first.ours.seconds <= 2 * first.baseline.seconds), revision.ours.peak_rss_mb);
    figures.push_back({"ingest " + form + " revision, s", revision.ours.seconds});
    figures.push_back({"  sqlite3 .import " + form + ", s", revision.baseline.seconds});
    figures.push_back({"ingest " + form + " with YAML, s", first.ours.seconds});
  }
  const Timed check = ptmon::bench::MedianOfThree([&](int) {
    return RunTimed({ptmon, "check-config", "--catalog", catalog});
  });
  std::printf("check-config alone: %.3f s, peak RSS %.1f MB\n", check.seconds, check.peak_rss_mb);
  figures.push_back({"check-config, s", check.seconds});
}

// `ptmon serve` on `data` until it answers /readyz; the milliseconds it took.
double StartToReady(ChildProcess& server, const std::string& base) {
  const double ms = MillisecondsOf([&] {
    WaitFor([&] { return HttpGet(base + "/readyz").status == 200; }, std::chrono::seconds(900));
  });
  if (HttpGet(base + "/readyz").status != 200) {
    std::fprintf(stderr, "ptmon serve did not become ready:\n%s", server.Log().c_str());
    std::exit(1);
  }
  return ms;
}

// Waits until the start-up check of the store, which runs beside the first snapshot, has
// ended: the steady state, whose CPU is the requests'.
void WaitForStoreCheck(const std::string& base) {
  WaitFor(
      [&] {
        constexpr std::string_view kChecked = "\nptmon_store_check_timestamp_seconds ";
        const std::string body = HttpGet(base + "/metrics").body;
        const size_t check = body.find(kChecked);
        return check != std::string::npos && body.compare(check + kChecked.size(), 2, "0\n") != 0;
      },
      std::chrono::seconds(900));
}

size_t Occurrences(const std::string& text, std::string_view word) {
  size_t count = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++count;
  return count;
}

// A client scraping /metrics without pause while the catalogue is edited and SIGHUP sent.
void MeasureReload(ChildProcess& server, const std::string& base, const std::string& catalog_path,
                   const std::string& edited, Figures& figures) {
  struct Scrape {
    Steady::time_point start, end;
    long status;
  };
  std::vector<Scrape> scrapes;
  std::atomic<int> done{0};
  std::atomic<bool> stop{false};
  std::thread scraper([&] {
    while (!stop.load()) {
      size_t bytes = 0;
      const auto start = Steady::now();
      const long status = HttpGetDiscarding(base + "/metrics", {}, bytes).status;
      scrapes.push_back({start, Steady::now(), status});
      done.fetch_add(1);
    }
  });
  WaitFor([&] { return done.load() >= 5; }, std::chrono::seconds(300));
  const size_t reloads_before = Occurrences(server.Log(), "reloaded:");
  std::ofstream(catalog_path) << edited;
  const auto reload_start = Steady::now();
  server.Signal(SIGHUP);
  const bool reloaded = WaitFor(
      [&] {
        const std::string log = server.Log();
        return Occurrences(log, "reloaded:") > reloads_before ||
               log.find("reload failed") != std::string::npos;
      },
      std::chrono::seconds(900));
  const auto reload_end = Steady::now();
  // One scrape begun after the reload's end: the new catalogue served.
  const int after = done.load();
  WaitFor([&] { return done.load() >= after + 2; }, std::chrono::seconds(300));
  stop.store(true);
  scraper.join();
  if (!reloaded || server.Log().find("reload failed") != std::string::npos) {
    std::fprintf(stderr, "the reload did not succeed:\n%s", server.Log().c_str());
    std::exit(1);
  }
  double before_max = 0, during_max = 0;
  int during = 0, failed = 0;
  for (const Scrape& scrape : scrapes) {
    const double ms = Ms(scrape.start, scrape.end);
    if (scrape.status != 200) ++failed;
    if (scrape.end < reload_start) {
      before_max = std::max(before_max, ms);
    } else if (scrape.start <= reload_end) {
      during_max = std::max(during_max, ms);
      ++during;
    }
  }
  const double reload_ms = Ms(reload_start, reload_end);
  std::printf(
      "SIGHUP reload of an edited catalogue: %.3f s; %d scrapes of /metrics meanwhile, the "
      "longest %.1f ms | baseline: the longest of %zu before it %.1f ms | ratio %.2fx; %d "
      "failed\n",
      reload_ms / 1000, during, during_max, scrapes.size() - static_cast<size_t>(during),
      before_max, during_max / before_max, failed);
  std::printf("goals: reload < 10 s %s; no /metrics slower than 1 s meanwhile %s\n",
              Goal(reload_ms < 10000), Goal(during_max < 1000 && failed == 0));
  figures.push_back({"SIGHUP reload, s", reload_ms / 1000});
  figures.push_back({"longest /metrics during reload, ms", during_max});
}

// The daemon on the store holding every revision; then the edits.
void MeasureServe(const std::string& ptmon, const fs::path& work, const std::string& catalog,
                  const std::string& data, const Options& options, int copies, Figures& figures) {
  const int port = FreePort();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto serve = [&](const std::string& catalog_path) {
    return std::vector<std::string>{
        ptmon,        "serve",     "--catalog", catalog_path,
        "--data-dir", data,        "--listen",  "127.0.0.1:" + std::to_string(port),
        "--now",      "2026-11-20"};
  };
  const bool http = options.parts.count("http") > 0;
  // The daemon's CPU until ready beside the wall time: on a shared machine the wall time is
  // mostly waiting for a core, the CPU time what the start costs.
  std::vector<double> starts, start_cpus;
  double first_start = 0, peak_rss = 0;
  double status_ms = 0, status_first_ms = 0, metrics_ms = 0, metrics_gzip_ms = 0;
  double status_cpu_ms = 0, metrics_cpu_ms = 0;  // the server's, over the seven rounds
  size_t status_bytes = 0, metrics_bytes = 0;
  std::string exposition;
  for (int run = 0; run <= options.rounds; ++run) {
    ChildProcess server(serve(catalog), (work / "serve.log").string());
    const double start = StartToReady(server, base);
    if (run == 0) {
      first_start = start;
    } else {
      starts.push_back(start);
      start_cpus.push_back(ptmon::bench::ProcessCpuMs(server.pid()));
    }
    if (run == options.rounds) {
      WaitForStoreCheck(base);
      // Bodies counted and dropped, as for node_exporter below: the server's cost, not the
      // client's copying of the body into memory.
      size_t gzip_bytes = 0;
      metrics_gzip_ms = MedianMs(
          3, [&] { HttpGetDiscarding(base + "/metrics", {"Accept-Encoding: gzip"}, gzip_bytes); });
      // The first request writes the snapshot's document; later ones send it as written.
      status_first_ms = MillisecondsOf([&] { HttpGet(base + "/api/v1/status"); });
      // Status and /metrics in turn, so that both see the machine in the same moments, with
      // the server's CPU per request: what ptmon spends, apart from the client's share.
      std::vector<double> status_times, metrics_times;
      for (int round = 0; round < 7; ++round) {
        const double before_status = CpuMs(server.pid());
        status_times.push_back(
            MillisecondsOf([&] { HttpGetDiscarding(base + "/api/v1/status", {}, status_bytes); }));
        const double before_metrics = CpuMs(server.pid());
        metrics_times.push_back(
            MillisecondsOf([&] { HttpGetDiscarding(base + "/metrics", {}, metrics_bytes); }));
        status_cpu_ms += before_metrics - before_status;
        metrics_cpu_ms += CpuMs(server.pid()) - before_metrics;
      }
      status_ms = Median(status_times);
      metrics_ms = Median(metrics_times);
      peak_rss = RssMb(server.pid());
      exposition = HttpGet(base + "/metrics").body;
    }
    server.Signal(SIGTERM);  // after run 0, once the daemon has folded what ptmon ingest wrote
    server.Wait(std::chrono::seconds(120));
  }
  const double ready = Median(starts);
  const double ready_cpu = Median(start_cpus);
  const Lights lights = LightsOf(exposition);
  std::printf(
      "serve: start to ready %.3f s, %.3f s of CPU (median of %d, values folded); the first "
      "start after ptmon ingest, nothing folded: %.3f s; peak RSS %.1f MB after /metrics and "
      "/api/v1/status; %.0f%% of indicators not green, %.0f alerts firing\n",
      ready / 1000, ready_cpu / 1000, options.rounds, first_start / 1000, peak_rss,
      100 * lights.not_green_share, lights.firing);
  std::printf("goals: ready < 1 s %s; RSS < 250 MB %s\n", Goal(ready < 1000), Goal(peak_rss < 250));
  figures.push_back({"start to ready, folded, s", ready / 1000});
  figures.push_back({"  CPU to ready, folded, s", ready_cpu / 1000});
  figures.push_back({"start to ready, first, s", first_start / 1000});
  figures.push_back({"peak RSS, MB", peak_rss});
  figures.push_back({"GET /metrics plain, ms", metrics_ms});
  figures.push_back({"GET /api/v1/status, ms", status_ms});
  figures.push_back({"GET /api/v1/status first, ms", status_first_ms});

  if (options.parts.count("edit") > 0) {
    const std::string text = ptmon::testing_support::ReadFile(catalog);
    const std::string live = (work / "catalog-live.yaml").string();
    std::ofstream(live) << EditedCatalog(text, 1);
    ChildProcess server(serve(live), (work / "serve-edited.log").string());
    const double edited = StartToReady(server, base);
    PrintComparison("start to ready, catalogue edited", "edited", edited / 1000, "unedited, folded",
                    ready / 1000, "s");
    std::printf("goal: an edited catalogue starts in < 5 s %s; peak RSS %.1f MB\n",
                Goal(edited < 5000), RssMb(server.pid()));
    figures.push_back({"start to ready, edited, s", edited / 1000});
    WaitForStoreCheck(base);
    MeasureReload(server, base, live, EditedCatalog(text, 2), figures);
    server.Signal(SIGTERM);
    server.Wait(std::chrono::seconds(120));
  }
  if (!http) return;
  // node_exporter takes seconds per scrape of a province; one round at the largest sizes.
  const auto peer =
      ptmon::bench::NodeExporterTimes(work.string(), exposition, copies > 1000 ? 1 : 3);
  if (!peer) return;  // its log is printed; the other shapes are still measured
  PrintComparison("GET /metrics plain (median of 7)", "plain", metrics_ms, "node_exporter textfile",
                  peer->plain_ms, "ms");
  PrintComparison("GET /metrics gzip (median)", "gzip", metrics_gzip_ms,
                  "node_exporter textfile gzip", peer->gzip_ms, "ms");
  const double status_per_mb = status_ms / (static_cast<double>(status_bytes) / 1e6);
  const double metrics_per_mb = metrics_ms / (static_cast<double>(metrics_bytes) / 1e6);
  std::printf(
      "GET /api/v1/status %.1f MB in %.1f ms (the snapshot's first: %.1f ms); GET /metrics "
      "%.1f MB in %.1f ms; per byte %.2fx\n",
      static_cast<double>(status_bytes) / 1e6, status_ms, status_first_ms,
      static_cast<double>(metrics_bytes) / 1e6, metrics_ms, status_per_mb / metrics_per_mb);
  const double status_cpu_per_mb = status_cpu_ms / (7 * static_cast<double>(status_bytes) / 1e6);
  const double metrics_cpu_per_mb = metrics_cpu_ms / (7 * static_cast<double>(metrics_bytes) / 1e6);
  std::printf("server CPU per MB sent: GET /api/v1/status %.3f ms, GET /metrics %.3f ms; %.2fx\n",
              status_cpu_per_mb, metrics_cpu_per_mb, status_cpu_per_mb / metrics_cpu_per_mb);
  std::printf(
      "goals: status per byte <= 1x /metrics %s; /metrics >= 100x node_exporter: plain %s "
      "(%.0fx), gzip %s (%.0fx)\n",
      Goal(status_per_mb <= metrics_per_mb), Goal(peer->plain_ms >= 100 * metrics_ms),
      peer->plain_ms / metrics_ms, Goal(peer->gzip_ms >= 100 * metrics_gzip_ms),
      peer->gzip_ms / metrics_gzip_ms);
}

Figures Measure(const std::string& ptmon, const fs::path& work, int copies, const std::string& year,
                const Options& options) {
  fs::create_directories(work);
  const std::string catalog = (work / "catalog.yaml").string();
  std::ofstream(catalog) << ProvinceCatalog(copies);
  ptmon::Diagnostics diagnostics;
  const auto embedded = ptmon::LoadCatalog({ptmon::EmbeddedCatalogSource()}, diagnostics);
  // A thousand copies to a file: N = 1,000's wide report is 56 MB, and ptmon takes files up
  // to 64 MB (a larger one is refused, asking for it split).
  constexpr int kCopiesPerFile = 1000;
  auto report = [&](const std::string& form, int revision) {
    std::vector<std::string> files;
    for (int first = 1; first <= copies; first += kCopiesPerFile) {
      const std::string path = (work / ("report-" + form + "-" + std::to_string(revision) + "-" +
                                        std::to_string(first) + ".csv"))
                                   .string();
      if (!fs::exists(path)) {
        WriteReport(path, *embedded, std::min(kCopiesPerFile, copies - first + 1), revision,
                    {form == "lean", year == "bad"}, first);
      }
      files.push_back(path);
    }
    return files;
  };
  size_t indicators = 0;
  for (const auto& project : embedded->projects) indicators += project.indicators.size();
  std::string sizes;
  for (const std::string form : {"wide", "lean"}) {
    char size[64];
    uintmax_t bytes = 0;
    for (const std::string& file : report(form, 0)) bytes += fs::file_size(file);
    std::snprintf(size, sizeof size, ", %s report %.1f MB", form.c_str(),
                  static_cast<double>(bytes) / 1e6);
    sizes += size;
  }
  std::printf("\n== N = %d, a %s year: %d projects, %zu indicators; catalogue %.1f MB%s\n", copies,
              year.c_str(), copies * 10, indicators * copies,
              static_cast<double>(fs::file_size(catalog)) / 1e6, sizes.c_str());
  std::fflush(stdout);
  Figures figures;
  if (options.parts.count("ingest") > 0)
    MeasureIngest(ptmon, work, catalog, report, options, figures);
  if (options.parts.count("serve") > 0) {
    // The store the daemon starts on: the first file and three revisions of every value.
    const std::string data = (work / "data").string();
    fs::remove_all(data);
    for (int revision = 0; revision <= 3; ++revision) {
      if (Ingest(ptmon, catalog, data, report("wide", revision)).exit_code != 0) std::exit(1);
    }
    MeasureServe(ptmon, work, catalog, data, options, copies, figures);
  }
  std::fflush(stdout);
  return figures;
}

// How each figure grew from the first N to each later one, beside how N grew.
void PrintGrowth(const std::map<std::pair<std::string, int>, Figures>& measured,
                 const Options& options) {
  const int first = options.sizes.front();
  for (const std::string& year : options.years) {
    for (const int copies : options.sizes) {
      if (copies == first) continue;
      const Figures& small = measured.at({year, first});
      const Figures& large = measured.at({year, copies});
      const double grown = static_cast<double>(copies) / first;
      std::printf(
          "\n== growth, a %s year, N = %d -> %d (N grew %.2fx; goal: no more than "
          "about that)\n",
          year.c_str(), first, copies, grown);
      for (size_t i = 0; i < small.size() && i < large.size(); ++i) {
        const double ratio = large[i].value / small[i].value;
        std::printf("%-40s %10.3f -> %10.3f  %.2fx%s\n", small[i].what.c_str(), small[i].value,
                    large[i].value, ratio, ratio > 1.17 * grown ? "  (more than linear)" : "");
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s PTMON_BINARY [--year good,bad] [--file wide,lean] "
                 "[--only ingest,serve,edit,http] [--rounds R] [N...]\n",
                 argv[0]);
    return 2;
  }
  Options options;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 < argc && arg == "--year") {
      options.years = Words(argv[++i]);
    } else if (i + 1 < argc && arg == "--file") {
      options.files = Words(argv[++i]);
    } else if (i + 1 < argc && arg == "--only") {
      options.parts = Words(argv[++i]);
    } else if (i + 1 < argc && arg == "--rounds") {
      options.rounds = std::max(1, std::atoi(argv[++i]));
    } else {
      options.sizes.push_back(std::atoi(argv[i]));
    }
  }
  if (options.sizes.empty()) options.sizes = {1000};
  std::sort(options.sizes.begin(), options.sizes.end());
  const fs::path work = fs::temp_directory_path() / "ptmon-province-bench";
  std::map<std::pair<std::string, int>, Figures> measured;
  for (const int copies : options.sizes) {
    for (const std::string& year : options.years) {
      const fs::path dir = work / (std::to_string(copies) + "-" + year);
      fs::remove_all(dir);
      measured[{year, copies}] = Measure(argv[1], dir, copies, year, options);
      if (std::getenv("PTMON_BENCH_KEEP") == nullptr) fs::remove_all(dir);
    }
  }
  PrintGrowth(measured, options);
  return 0;
}
