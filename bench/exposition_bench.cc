// The choice behind /metrics, measured in one run: the per-indicator families of a
// province-shaped catalogue (N copies of the embedded one, default 100) as prometheus-cpp would
// hold them — every series a Gauge in a Registry, set after each evaluation and serialized by
// TextSerializer at every scrape — beside ptmon's cached block renderer (MetricsExposition: text
// per family and block of 64 projects, compressed once per evaluation, sent as it is). Then what
// ptmon does keep in prometheus-cpp: its operational registry (request, ingest and evaluation
// histograms), serialized at every scrape, and its share of a scrape (ServiceRoutes::Metrics).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/exposition/metrics.h>
#include <ptmon/http/gzip.h>
#include <ptmon/indicators/evaluation.h>

#include "../tests/support/province_data.h"
#include "bench_support.h"
#include "routes.h"

namespace {

using ptmon::bench::MedianMs;
using ptmon::bench::PrintComparison;
using ptmon::bench::RssMb;

struct Sample {
  std::string family;
  prometheus::Labels labels;
  double value = 0;
};

// The samples of an exposition ptmon wrote (label values escaped as the text format says).
std::vector<Sample> ParseExposition(const std::string& text) {
  std::vector<Sample> samples;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    size_t at = line.find_first_of("{ ");
    sample.family = line.substr(0, at);
    if (line[at] == '{') {
      ++at;
      while (line[at] != '}') {
        const size_t equals = line.find('=', at);
        const std::string name = line.substr(at, equals - at);
        std::string value;
        for (at = equals + 2; line[at] != '"'; ++at) {
          if (line[at] == '\\') {
            ++at;
            value += line[at] == 'n' ? '\n' : line[at];
          } else {
            value += line[at];
          }
        }
        sample.labels.emplace(name, std::move(value));
        at += line[at + 1] == ',' ? 2 : 1;
      }
      ++at;
    }
    sample.value = std::stod(line.substr(at + 1));
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ptmon;
  const int copies = argc > 1 ? std::atoi(argv[1]) : 100;
  Diagnostics diagnostics;
  auto catalog =
      LoadCatalog({{"province.yaml", testing_support::ProvinceCatalog(copies)}}, diagnostics);
  if (!catalog.ok()) {
    std::fprintf(stderr, "%s", diagnostics.ToString().c_str());
    return 1;
  }
  ActualsIndex actuals(*catalog);
  for (const Project& project : catalog->projects) {
    for (const Indicator& indicator : project.indicators) {
      for (int month = 1; month <= 7; ++month) {
        actuals.Apply(project.id, indicator.id, {catalog->year, month}, month * 12.5,
                      Grade::kAchieved, {});
      }
    }
  }
  const Evaluation evaluation =
      Evaluator(*catalog).EvaluateAll(actuals, {catalog->year, 7}, {catalog->year, 8, 15});
  std::printf("%d copies: %zu projects, %zu indicators\n", copies, catalog->projects.size(),
              catalog->IndicatorCount());

  // ptmon: rendered and compressed once per evaluation (on two threads), sent as it is.
  double rss = RssMb(getpid(), "VmRSS:");
  MetricsExposition exposition;
  const double render = MedianMs(5, [&] { exposition.Render(*catalog, evaluation, 0, 0); });
  const double exposition_rss = RssMb(getpid(), "VmRSS:") - rss;
  size_t gzip_bytes = 0;
  for (const auto& member : exposition.parts()->gzip) gzip_bytes += member->size();
  std::string text;
  for (const auto& member : exposition.parts()->gzip) AppendGunzipped(*member, text);
  const std::vector<Sample> samples = ParseExposition(text);
  const size_t text_bytes = text.size();
  std::printf("exposition: %.1f MB of text, %zu series, %.1f MB as gzip members\n",
              static_cast<double>(text_bytes) / 1e6, samples.size(),
              static_cast<double>(gzip_bytes) / 1e6);

  // prometheus-cpp: a Gauge per series, added at load, set after every evaluation.
  rss = RssMb(getpid(), "VmRSS:");
  prometheus::Registry registry;
  std::vector<prometheus::Gauge*> gauges;
  const double add = ptmon::bench::MillisecondsOf([&] {
    std::map<std::string, prometheus::Family<prometheus::Gauge>*> families;
    for (const Sample& sample : samples) {
      auto& family = families[sample.family];
      if (family == nullptr)
        family = &prometheus::BuildGauge().Name(sample.family).Register(registry);
      gauges.push_back(&family->Add(sample.labels));
    }
  });
  const double set = MedianMs(5, [&] {
    for (size_t i = 0; i < gauges.size(); ++i) gauges[i]->Set(samples[i].value);
  });
  const double registry_rss = RssMb(getpid(), "VmRSS:") - rss;
  std::string serialized;
  const double serialize = MedianMs(5, [&] {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry.Collect());
    serialized = std::move(out).str();
  });
  const double serialize_gzip = MedianMs(5, [&] { gzip_bytes = Gzip(serialized).size(); });

  // ptmon's operational registry as a busy daemon has it: every route with a few codes, every
  // ingest source and result, both kinds of evaluation.
  auto metrics = std::make_shared<ServiceMetrics>();
  for (std::string_view route :
       {"/metrics", "/healthz", "/readyz", "/api/v1/status", "/api/v1/alerts", "/api/v1/actuals",
        "console_page", "console_form", "console_upload", "console_login", "console_asset",
        "other"}) {
    for (int code : {200, 303, 404}) metrics->ObserveRequest(route, code, 0.002);
  }
  for (std::string_view source : {"inbox", "api", "console"}) {
    for (std::string_view result : {"applied", "duplicate", "rejected", "failed", "deferred"})
      metrics->CountIngest(source, result, 10, 0.05, 0);
  }
  metrics->ObserveEvaluation("full", 0.5);
  metrics->ObserveEvaluation("batch", 0.01);
  DeliveryCounters deliveries(metrics, {"http://127.0.0.1:9093", "http://127.0.0.1:9094"});
  Snapshot snapshot;
  snapshot.metrics = exposition.parts();
  snapshot.counters = metrics;
  std::vector<std::string> body;
  const double scrape_gzip = MedianMs(21, [&] {
    body.clear();
    for (const auto& part : ServiceRoutes::Metrics(snapshot, "gzip").body_parts)
      body.push_back(*part);
  });
  const double scrape_plain = MedianMs(5, [&] {
    text.clear();
    for (const auto& part : ServiceRoutes::Metrics(snapshot, "").body_parts)
      AppendGunzipped(*part, text);
  });
  PrintComparison("per evaluation", "Render (2 threads)", render, "Registry Set every gauge", set,
                  "ms");
  PrintComparison("at load", "Render (2 threads)", render, "Registry Add every gauge", add, "ms");
  PrintComparison("per plain scrape", "Metrics, inflated", scrape_plain, "Collect+TextSerializer",
                  serialize, "ms");
  PrintComparison("per gzip scrape", "Metrics, copied", scrape_gzip, "TextSerializer+gzip",
                  serialize + serialize_gzip, "ms");
  PrintComparison("memory held (RSS growth)", "gzip members", exposition_rss, "Registry of gauges",
                  registry_rss, "MB");
  std::printf("TextSerializer wrote %.1f MB (ptmon's text %.1f MB)\n",
              static_cast<double>(serialized.size()) / 1e6, static_cast<double>(text_bytes) / 1e6);

  std::string operational;
  const double operational_ms =
      MedianMs(101, [&] { operational = Gzip(metrics->RenderOperational()); });
  const std::string operational_text = metrics->RenderOperational();
  const auto operational_lines = std::count(operational_text.begin(), operational_text.end(), '\n');
  std::printf(
      "of which the operational registry: %.3f ms (serialize + gzip, %td lines, %zu bytes "
      "compressed), %.0f%% of a gzip scrape\n",
      operational_ms, operational_lines, operational.size(), 100 * operational_ms / scrape_gzip);
  return 0;
}
