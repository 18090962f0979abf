#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

#include <dirent.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <sys/resource.h>
#include <unistd.h>

#include <ptmon/exposition/metrics.h>

namespace ptmon {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Writes families in order: HELP and TYPE once, then every sample of the family.
class Exposition {
 public:
  explicit Exposition(std::string& out) : out_(out) {}

  void Family(std::string_view name, std::string_view type, std::string_view help) {
    name_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (char c : help) {
      if (c == '\\')
        out_ += "\\\\";
      else if (c == '\n')
        out_ += "\\n";
      else
        out_ += c;
    }
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  // Continues a family whose HELP and TYPE an earlier chunk wrote.
  void Continue(std::string_view name) { name_ = name; }

  // labels: alternating names and values.
  void Sample(std::initializer_list<std::string_view> labels, double value) {
    out_ += name_;
    if (labels.size() > 0) {
      out_ += '{';
      bool first = true;
      for (auto it = labels.begin(); it != labels.end(); it += 2) {
        if (!first) out_ += ',';
        first = false;
        out_ += *it;
        out_ += "=\"";
        AppendEscaped(*(it + 1));
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    AppendValue(value);
    out_ += '\n';
  }

  // Appends runs between the characters to escape whole: label values rarely hold any.
  void AppendEscaped(std::string_view value) {
    size_t run = 0;
    for (size_t i = 0; i < value.size(); ++i) {
      const char c = value[i];
      if (c != '\\' && c != '"' && c != '\n') continue;
      out_.append(value.data() + run, i - run);
      out_ += c == '\n' ? "\\n" : c == '"' ? "\\\"" : "\\\\";
      run = i + 1;
    }
    out_.append(value.data() + run, value.size() - run);
  }

  void AppendValue(double value) {
    if (std::isnan(value)) {
      out_ += "NaN";
    } else if (std::isinf(value)) {
      out_ += value > 0 ? "+Inf" : "-Inf";
    } else {
      char buffer[32];
      auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
      out_.append(buffer, static_cast<size_t>(end - buffer));
    }
  }

 private:
  std::string& out_;
  std::string_view name_;
};

double OrNaN(const std::optional<double>& value) { return value.value_or(kNaN); }

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  Exposition(out).AppendEscaped(value);
  return out;
}

std::string FormatSampleValue(double value) {
  std::string out;
  Exposition(out).AppendValue(value);
  return out;
}

namespace {

// What a family samples: one value per indicator, one per project, or the info series.
enum class Scope { kProjectInfo, kIndicatorInfo, kIndicator, kProject };

struct FamilySpec {
  std::string_view name;
  std::string_view help;
  Scope scope;
  double (*indicator_value)(const IndicatorStatus&) = nullptr;
  double (*project_value)(const ProjectStatus&) = nullptr;
};

const std::vector<FamilySpec>& Families() {
  static const std::vector<FamilySpec> kFamilies = {
      {"ptmon_project_info",
       "Project metadata, value 1; join with * on(project) group_left(project_name) "
       "ptmon_project_info.",
       Scope::kProjectInfo},
      {"ptmon_indicator_info",
       "Indicator metadata, value 1: names, levels, kind, measurement unit and the target in "
       "force (as published, or as adjusted from its effective month on). "
       "Join with * on(project, indicator) group_left(name) ptmon_indicator_info.",
       Scope::kIndicatorInfo},
      {"ptmon_indicator_target",
       "Annual target in force in the indicator's base unit (the adjusted one from its "
       "effective month on; see the unit label of ptmon_indicator_info; % as a 0-1 ratio); NaN "
       "for qualitative targets.",
       Scope::kIndicator, [](const IndicatorStatus& s) { return OrNaN(s.target->value); }},
      {"ptmon_indicator_actual",
       "Latest reported value to date in the indicator's base unit (year to date for counts and "
       "money, "
       "the level for rates, times and unit costs); NaN when nothing was reported or the target is "
       "qualitative.",
       Scope::kIndicator, [](const IndicatorStatus& s) { return OrNaN(s.actual); }},
      {"ptmon_indicator_grade",
       "Latest grade of a qualitative indicator: 0 none, 1 achieved (达成), 2 partly achieved "
       "(部分达成), "
       "3 not achieved (未达成).",
       Scope::kIndicator,
       [](const IndicatorStatus& s) { return static_cast<double>(GradeCode(s.grade)); }},
      {"ptmon_indicator_expected",
       "Value expected by the reported period in the indicator's base unit (target times pace for "
       "year-to-date indicators, the target for levels); NaN without a report.",
       Scope::kIndicator, [](const IndicatorStatus& s) { return OrNaN(s.expected); }},
      {"ptmon_indicator_forecast",
       "Year-end forecast in the indicator's base unit; NaN without a report or for qualitative "
       "targets.",
       Scope::kIndicator, [](const IndicatorStatus& s) { return OrNaN(s.forecast); }},
      {"ptmon_indicator_progress_ratio",
       "Actual divided by expected (1 is on track); NaN when undefined.", Scope::kIndicator,
       [](const IndicatorStatus& s) { return OrNaN(s.progress); }},
      {"ptmon_indicator_light",
       "Traffic light, larger is worse: 0 green, 1 blue (far ahead), 2 no data, 3 yellow, 4 "
       "overdue, 5 red.",
       Scope::kIndicator, [](const IndicatorStatus& s) { return static_cast<double>(s.light); }},
      {"ptmon_indicator_overdue",
       "1 when the report due for the evaluated month is missing past its due day.",
       Scope::kIndicator, [](const IndicatorStatus& s) { return s.overdue ? 1.0 : 0.0; }},
      {"ptmon_indicator_score", "Self-evaluation points (in-year on the year-end forecast).",
       Scope::kIndicator, [](const IndicatorStatus& s) { return s.score; }},
      {"ptmon_indicator_weight", "Self-evaluation points available to the indicator.",
       Scope::kIndicator, [](const IndicatorStatus& s) { return s.weight; }},
      {"ptmon_project_budget_yuan",
       "Budget in force in yuan: the adjusted budget (调整后预算数) once adjusted, else the "
       "initial one.",
       Scope::kProject, nullptr,
       [](const ProjectStatus& s) { return s.budget.adjusted_budget_yuan; }},
      {"ptmon_project_spent_yuan", "Budget spent to date in yuan; NaN when not reported.",
       Scope::kProject, nullptr, [](const ProjectStatus& s) { return OrNaN(s.budget.spent_yuan); }},
      {"ptmon_project_budget_execution_ratio", "Spent divided by the budget in force.",
       Scope::kProject, nullptr,
       [](const ProjectStatus& s) { return OrNaN(s.budget.execution_rate); }},
      {"ptmon_project_budget_time_ratio",
       "Budget execution divided by the share its spending plan expects (linear in time unless "
       "the catalogue gives a plan; 1 keeps to the plan).",
       Scope::kProject, nullptr,
       [](const ProjectStatus& s) { return OrNaN(s.budget.ratio_to_plan); }},
      {"ptmon_project_budget_light", "Budget execution light, codes as ptmon_indicator_light.",
       Scope::kProject, nullptr,
       [](const ProjectStatus& s) { return static_cast<double>(s.budget.light); }},
      {"ptmon_project_budget_overdue",
       "1 when the budget spending (预算执行数) due for the evaluated month is missing past its "
       "due day; with ptmon_indicator_overdue, the overdue count the console shows.",
       Scope::kProject, nullptr,
       [](const ProjectStatus& s) { return s.budget.overdue ? 1.0 : 0.0; }},
      {"ptmon_project_light",
       "Worst light of the project's indicators and budget, codes as ptmon_indicator_light.",
       Scope::kProject, nullptr,
       [](const ProjectStatus& s) { return static_cast<double>(s.light); }},
      {"ptmon_project_score",
       "Self-evaluation total out of 100 (in-year on the year-end forecast).", Scope::kProject,
       nullptr, [](const ProjectStatus& s) { return s.score; }},
  };
  return kFamilies;
}

std::string RenderHead(const Evaluation& evaluation, double evaluation_seconds,
                       double evaluated_at_seconds) {
  std::string out;
  Exposition metrics(out);
  metrics.Family("ptmon_time_progress_ratio", "gauge",
                 "Months elapsed in the evaluated year divided by 12.");
  metrics.Sample({}, evaluation.time_progress);
  metrics.Family("ptmon_evaluation_month", "gauge",
                 "The month evaluated (1-12): the last month whose reports are due.");
  metrics.Sample({}, evaluation.as_of.month);
  metrics.Family("ptmon_evaluation_timestamp_seconds", "gauge",
                 "When the evaluation behind these metrics ran (Unix time).");
  metrics.Sample({}, evaluated_at_seconds);
  metrics.Family("ptmon_evaluation_duration_seconds", "gauge",
                 "How long the last full evaluation took.");
  metrics.Sample({}, evaluation_seconds);
  return out;
}

// Family `family`'s samples for projects [first, last) into `out` (cleared first, its capacity
// kept for the next chunk); with the family's HELP and TYPE when first == 0.
void RenderChunk(const Catalog& catalog, const Evaluation& evaluation, const FamilySpec& family,
                 size_t first, size_t last, std::string& out) {
  out.clear();
  Exposition metrics(out);
  if (first == 0) {
    metrics.Family(family.name, "gauge", family.help);
  } else {
    metrics.Continue(family.name);
  }
  for (size_t p = first; p < last; ++p) {
    const ProjectStatus& status = evaluation.projects[p];
    const Project& project = *status.project;
    switch (family.scope) {
      case Scope::kProjectInfo: {
        const BudgetUnit* unit = catalog.FindUnit(project.unit_id);
        metrics.Sample({"project", project.id, "budget_unit", project.unit_id, "budget_unit_name",
                        unit ? unit->name : "", "project_name", project.name, "department",
                        project.department},
                       1);
        break;
      }
      case Scope::kIndicatorInfo:
        for (const auto& indicator : status.indicators) {
          const Indicator& i = *indicator.indicator;
          metrics.Sample({"project", project.id, "indicator", i.id, "project_name", project.name,
                          "name", i.name, "level1", i.level1, "level2", i.level2, "kind",
                          TargetKindName(indicator.target->kind), "unit", indicator.target->unit,
                          "target", indicator.target->text},
                         1);
        }
        break;
      case Scope::kIndicator:
        for (const auto& indicator : status.indicators) {
          metrics.Sample({"project", project.id, "indicator", indicator.indicator->id},
                         family.indicator_value(indicator));
        }
        break;
      case Scope::kProject:
        metrics.Sample({"project", project.id}, family.project_value(status));
        break;
    }
  }
}

}  // namespace

MetricsExposition::MetricsExposition(size_t projects_per_block)
    : projects_per_block_(projects_per_block) {}

void MetricsExposition::RenderBlock(const Catalog& catalog, const Evaluation& evaluation,
                                    size_t block) {
  const size_t first = block * projects_per_block_;
  const size_t last = std::min(first + projects_per_block_, evaluation.projects.size());
  const auto& families = Families();
  std::string text;
  for (size_t f = 0; f < families.size(); ++f) {
    RenderChunk(catalog, evaluation, families[f], first, last, text);
    gzip_[f][block] = std::make_shared<const std::string>(Gzip(text));
  }
}

void MetricsExposition::Render(const Catalog& catalog, const Evaluation& evaluation,
                               double evaluation_seconds, double evaluated_at_seconds) {
  const size_t blocks =
      (evaluation.projects.size() + projects_per_block_ - 1) / projects_per_block_;
  gzip_.assign(Families().size(), std::vector<std::shared_ptr<const std::string>>(blocks));
  // Blocks are independent (each writes its own slots), so a whole exposition — at start, on a
  // reload, at a month's rollover — is rendered on two threads: compressing 88 MB is most of
  // it. A batch's few blocks (Rerender) stay on the loop.
  auto render_every_other = [&](size_t first) {
    for (size_t block = first; block < blocks; block += 2) RenderBlock(catalog, evaluation, block);
  };
  if (blocks < 2) {
    render_every_other(0);
  } else {
    std::thread helper(render_every_other, 1);
    render_every_other(0);
    helper.join();
  }
  Publish(evaluation, evaluation_seconds, evaluated_at_seconds);
}

void MetricsExposition::Rerender(const Catalog& catalog, const Evaluation& evaluation,
                                 const std::vector<uint32_t>& projects, double evaluation_seconds,
                                 double evaluated_at_seconds) {
  std::vector<size_t> blocks;
  for (uint32_t project : projects) blocks.push_back(project / projects_per_block_);
  std::sort(blocks.begin(), blocks.end());
  blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
  for (size_t block : blocks) RenderBlock(catalog, evaluation, block);
  Publish(evaluation, evaluation_seconds, evaluated_at_seconds);
}

void MetricsExposition::Publish(const Evaluation& evaluation, double evaluation_seconds,
                                double evaluated_at_seconds) {
  auto parts = std::make_shared<Parts>();
  parts->gzip.push_back(std::make_shared<const std::string>(
      Gzip(RenderHead(evaluation, evaluation_seconds, evaluated_at_seconds))));
  for (const auto& family : gzip_)
    parts->gzip.insert(parts->gzip.end(), family.begin(), family.end());
  parts_ = std::move(parts);
}

std::string RenderEvaluationMetrics(const Catalog& catalog, const Evaluation& evaluation,
                                    double evaluation_seconds, double evaluated_at_seconds) {
  MetricsExposition exposition;
  exposition.Render(catalog, evaluation, evaluation_seconds, evaluated_at_seconds);
  std::string out;
  for (const auto& part : exposition.parts()->gzip) AppendGunzipped(*part, out);
  return out;
}

namespace {

// A request is answered from cached bytes in well under a millisecond; a page, a report or a
// large status document in milliseconds to seconds.
const prometheus::Histogram::BucketBoundaries kRequestBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
// A file of a few rows takes milliseconds; a province's 64 MB file tens of seconds; an
// evaluation of 100,000 indicators seconds.
const prometheus::Histogram::BucketBoundaries kWorkBuckets = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

// The results a dashboard expects a series of from start-up (a new result gets its own).
constexpr std::string_view kIngestResults[] = {"applied", "duplicate", "rejected", "failed",
                                               "deferred"};

}  // namespace

ServiceMetrics::ServiceMetrics() : registry_(std::make_unique<prometheus::Registry>()) {
  requests_ = &prometheus::BuildHistogram()
                   .Name("ptmon_http_request_duration_seconds")
                   .Help(
                       "HTTP requests by route and status code: from the head admitted (for a "
                       "request with a body, from the body read) to the answer handed to the "
                       "server.")
                   .Register(*registry_);
  ingests_ = &prometheus::BuildHistogram()
                  .Name("ptmon_ingest_duration_seconds")
                  .Help(
                      "Report files by source (inbox, api, console) and result: from taking the "
                      "file to its values served.")
                  .Register(*registry_);
  evaluations_ = &prometheus::BuildHistogram()
                      .Name("ptmon_evaluation_run_duration_seconds")
                      .Help(
                          "Evaluations by kind (full: every project; batch: the projects a file "
                          "touched), from the start to the snapshot published.")
                      .Register(*registry_);
  files_ = &prometheus::BuildCounter()
                .Name("ptmon_ingest_files_total")
                .Help("Report files processed, by result.")
                .Register(*registry_);
  for (std::string_view result : kIngestResults) files_->Add({{"result", std::string(result)}});
  values_ = &prometheus::BuildCounter()
                 .Name("ptmon_ingest_values_total")
                 .Help("Values applied from accepted files.")
                 .Register(*registry_)
                 .Add({});
  deliveries_ = &prometheus::BuildCounter()
                     .Name("ptmon_alert_deliveries_total")
                     .Help("Deliveries to each Alertmanager.")
                     .Register(*registry_);
  delivery_failures_ = &prometheus::BuildCounter()
                            .Name("ptmon_alert_delivery_failures_total")
                            .Help("Failed deliveries to each Alertmanager.")
                            .Register(*registry_);
}

ServiceMetrics::~ServiceMetrics() = default;

void ServiceMetrics::ObserveRequest(std::string_view route, int status, double seconds) {
  requests_->Add({{"route", std::string(route)}, {"code", std::to_string(status)}}, kRequestBuckets)
      .Observe(seconds);
}

void ServiceMetrics::CountIngest(std::string_view source, std::string_view result, size_t values,
                                 double seconds, double now_seconds) {
  ingests_->Add({{"source", std::string(source)}, {"result", std::string(result)}}, kWorkBuckets)
      .Observe(seconds);
  // A file refused for naming projects outside its sender's scope is refused whole, as a
  // rejected one is: one series for both, as dashboards and rules read it.
  files_->Add({{"result", std::string(result == "forbidden" ? "rejected" : result)}}).Increment();
  if (result == "applied") {
    values_->Increment(static_cast<double>(values));
    last_ingest_success_.store(now_seconds);
  }
}

void ServiceMetrics::ObserveEvaluation(std::string_view kind, double seconds) {
  evaluations_->Add({{"kind", std::string(kind)}}, kWorkBuckets).Observe(seconds);
}

void ServiceMetrics::SetLastErrors(std::string_view source, int errors) {
  (source == "inbox" ? inbox_errors_ : api_errors_).store(errors);
}

std::string ServiceMetrics::RenderOperational() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return std::move(out).str();
}

DeliveryCounters::DeliveryCounters(std::shared_ptr<ServiceMetrics> metrics,
                                   std::vector<std::string> alertmanagers,
                                   const DeliveryCounters* previous)
    : metrics_(std::move(metrics)), alertmanagers_(std::move(alertmanagers)) {
  if (previous != nullptr) {
    for (size_t i = 0; i < previous->alertmanagers_.size(); ++i) {
      if (std::find(alertmanagers_.begin(), alertmanagers_.end(), previous->alertmanagers_[i]) !=
          alertmanagers_.end())
        continue;
      metrics_->deliveries_->Remove(previous->deliveries_[i]);
      metrics_->delivery_failures_->Remove(previous->failures_[i]);
    }
  }
  // Add returns the series an Alertmanager kept from the previous list.
  for (const std::string& url : alertmanagers_) {
    deliveries_.push_back(&metrics_->deliveries_->Add({{"alertmanager", url}}));
    failures_.push_back(&metrics_->delivery_failures_->Add({{"alertmanager", url}}));
  }
}

void DeliveryCounters::Count(size_t alertmanager, bool success) {
  if (alertmanager >= alertmanagers_.size()) return;
  deliveries_[alertmanager]->Increment();
  if (!success) failures_[alertmanager]->Increment();
}

ProcessFacts ReadProcessFacts() {
  ProcessFacts facts;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  // /proc/self/stat: the fields after the command name (which may hold spaces) are
  // whitespace-separated; utime is field 14, stime 15, starttime 22, vsize 23, rss 24.
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  const size_t after_name = stat.rfind(')');
  if (after_name != std::string::npos) {
    std::istringstream fields(stat.substr(after_name + 2));
    std::vector<std::string> field;  // field[0] is field 3 (state)
    for (std::string value; fields >> value;) field.push_back(value);
    auto number = [&](size_t index) {  // 1-based field number as proc(5) counts
      return index - 3 < field.size() ? std::strtod(field[index - 3].c_str(), nullptr) : 0;
    };
    facts.cpu_seconds = (number(14) + number(15)) / ticks;
    facts.virtual_bytes = number(23);
    facts.resident_bytes = number(24) * static_cast<double>(sysconf(_SC_PAGESIZE));
    // Fixed for the life of the process: the boot time is read once, not at every scrape.
    static const double boot_time = [] {
      std::ifstream system_stat("/proc/stat");
      for (std::string line; std::getline(system_stat, line);) {
        if (line.starts_with("btime ")) return std::strtod(line.c_str() + 6, nullptr);
      }
      return 0.0;
    }();
    facts.start_time_seconds = boot_time + number(22) / ticks;
  }
  if (DIR* fds = opendir("/proc/self/fd")) {
    while (const dirent* entry = readdir(fds)) facts.open_fds += entry->d_name[0] != '.';
    closedir(fds);
    facts.open_fds -= 1;  // the descriptor that lists them
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) facts.max_fds = static_cast<double>(limit.rlim_cur);
  return facts;
}

std::string RenderServiceMetrics(const DaemonFacts& facts, const ServiceMetrics& counters) {
  std::string out;
  Exposition metrics(out);
  metrics.Family("ptmon_build_info", "gauge", "ptmon's version and git commit, value 1.");
  metrics.Sample({"version", facts.version, "revision", facts.revision}, 1);
  metrics.Family("ptmon_catalog_info", "gauge", "The catalogue being evaluated, value 1.");
  metrics.Sample({"sha256", facts.catalog_sha256, "year", std::to_string(facts.year)}, 1);
  metrics.Family("ptmon_ingest_files_awaiting_retry", "gauge",
                 "Report files waiting to be tried again after an I/O failure: in the inbox "
                 "(stage ingest) or applied but not yet moved out of processing (stage move).");
  metrics.Sample({"stage", "ingest"}, static_cast<double>(counters.retry_inbox_.load()));
  metrics.Sample({"stage", "move"}, static_cast<double>(counters.retry_moves_.load()));
  metrics.Family("ptmon_ingest_last_success_timestamp_seconds", "gauge",
                 "When a file was last applied (Unix time); 0 when none ever was.");
  metrics.Sample({}, counters.last_ingest_success_.load());
  metrics.Family(
      "ptmon_ingest_last_file_errors", "gauge",
      "Problems found in the last file from each source (inbox, api); 0 when it was accepted.");
  metrics.Sample({"source", "api"}, counters.api_errors_.load());
  metrics.Sample({"source", "inbox"}, counters.inbox_errors_.load());
  metrics.Family("ptmon_config_reload_success", "gauge",
                 "1 when the last configuration load or reload succeeded.");
  metrics.Sample({}, facts.reload_success ? 1 : 0);
  metrics.Family("ptmon_config_reload_in_progress", "gauge",
                 "1 while a reload is loading; the previous catalogue is served meanwhile.");
  metrics.Sample({}, counters.reload_in_progress_.load() ? 1 : 0);
  metrics.Family("ptmon_config_reload_timestamp_seconds", "gauge",
                 "When the configuration and catalogue were last loaded successfully (Unix time).");
  metrics.Sample({}, facts.reload_timestamp);
  metrics.Family("ptmon_store_check_timestamp_seconds", "gauge",
                 "When the database's integrity was last checked (at start-up; Unix time).");
  metrics.Sample({}, facts.store_check_timestamp);
  metrics.Family("ptmon_store_check_duration_seconds", "gauge",
                 "How long the last integrity check of the database took.");
  metrics.Sample({}, facts.store_check_seconds);
  metrics.Family("ptmon_alerts", "gauge", "Alerts by state.");
  metrics.Sample({"state", "firing"}, facts.alerts_firing);
  metrics.Sample({"state", "pending"}, facts.alerts_pending);
  metrics.Sample({"state", "resolved"}, facts.alerts_resolved);
  // The standard process series (as Prometheus client libraries name them), read per scrape.
  const ProcessFacts process = ReadProcessFacts();
  metrics.Family("process_cpu_seconds_total", "counter", "User and system CPU time spent.");
  metrics.Sample({}, process.cpu_seconds);
  metrics.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  metrics.Sample({}, process.resident_bytes);
  metrics.Family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
  metrics.Sample({}, process.virtual_bytes);
  metrics.Family("process_start_time_seconds", "gauge",
                 "Start time of the process since the Unix epoch in seconds.");
  metrics.Sample({}, process.start_time_seconds);
  metrics.Family("process_open_fds", "gauge", "Number of open file descriptors.");
  metrics.Sample({}, process.open_fds);
  metrics.Family("process_max_fds", "gauge", "Maximum number of open file descriptors.");
  metrics.Sample({}, process.max_fds);
  return out;
}

}  // namespace ptmon
