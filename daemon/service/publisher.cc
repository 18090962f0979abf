#include "publisher.h"

#include <future>

#include <spdlog/spdlog.h>

#include <ptmon/alerts/reminders.h>
#include <ptmon/reports/reports.h>
#include <ptmon/storage/accounts.h>
#include <ptmon/storage/store.h>

namespace ptmon {

namespace {

using Steady = std::chrono::steady_clock;

AlertSettings AlertSettingsOf(const DaemonConfig& config) {
  AlertSettings settings;
  settings.for_duration = config.alert_for;
  settings.resend_interval = config.alert_resend;
  settings.resolved_retention = config.alert_resolved_retention;
  settings.ingest_stale_after = config.ingest_stale_after;
  settings.external_url = config.ExternalUrl();
  return settings;
}

// Compressed as it is written: 43,000 alerts are 25 MB of text, 0.7 MB compressed.
std::shared_ptr<const GzipMembers> AlertsList(const AlertBook& book) {
  GzipWriter writer;
  book.WriteList(writer.buffer(), [&] { writer.Cut(); });
  return std::make_shared<const GzipMembers>(writer.Finish());
}

std::shared_ptr<const GzipMembers> WriteStatusDocument(const Evaluation& evaluation) {
  const auto start = Steady::now();
  GzipWriter writer(1 << 20, GzipEffort::kReadMany);
  WriteStatusJson(evaluation, writer.buffer(), [&] { writer.Cut(); });
  auto document = std::make_shared<const GzipMembers>(writer.Finish());
  spdlog::info("status document as of {} written for the next snapshot in {:.3f} s",
               evaluation.as_of.ToString(), SecondsSince(start));
  return document;
}

// The documents of `evaluation` and `past` (either may be null), reusing those of `before` that
// were written from the same evaluation. Runs on a thread of its own: it reads only immutable
// evaluations.
StatusDocuments WriteStatusDocuments(StatusDocuments before,
                                     std::shared_ptr<const Evaluation> evaluation,
                                     std::shared_ptr<const Evaluation> past) {
  StatusDocuments documents = std::move(before);
  auto write = [](std::shared_ptr<const Evaluation>& of,
                  std::shared_ptr<const GzipMembers>& document,
                  std::shared_ptr<const Evaluation> evaluation) {
    if (of == evaluation) return;
    of = std::move(evaluation);
    document = of ? WriteStatusDocument(*of) : nullptr;
  };
  write(documents.of, documents.current, std::move(evaluation));
  write(documents.past_of, documents.past, std::move(past));
  return documents;
}

}  // namespace

Publisher::Publisher(asio::io_context& loop, const Clock& clock, Generation& generation,
                     StoreKeeper& keeper, SnapshotBox& snapshots,
                     std::shared_ptr<ServiceMetrics> counters, std::string version,
                     std::string revision)
    : clock_(clock),
      generation_(generation),
      keeper_(keeper),
      snapshots_(snapshots),
      counters_(std::move(counters)),
      version_(std::move(version)),
      revision_(std::move(revision)),
      evaluation_timer_(loop),
      resend_timer_(loop) {}

void Publisher::Configure() {
  const DaemonConfig& config = *generation_.config;
  if (!alerts_)
    alerts_ = std::make_unique<AlertBook>(AlertSettingsOf(config));
  else
    alerts_->set_settings(AlertSettingsOf(config));
  if (deliveries_ && config.alertmanagers == deliveries_->alertmanagers()) return;
  notifier_.reset();  // joins its thread: nothing counts into the old counters after this
  auto counters_for_list =
      std::make_shared<DeliveryCounters>(counters_, config.alertmanagers, deliveries_.get());
  deliveries_ = counters_for_list;
  notifier_ = std::make_unique<Notifier>(
      config.alertmanagers,
      std::chrono::duration_cast<std::chrono::milliseconds>(config.alert_resend),
      [counters_for_list](size_t index, bool success) {
        counters_for_list->Count(index, success);
        if (!success) spdlog::warn("alert delivery to Alertmanager {} failed; retrying", index);
      });
}

Status Publisher::LoadAlerts() { return alerts_->Load(keeper_.store()); }

void Publisher::SetLoaded(bool success) {
  reload_success_ = success;
  if (success) reload_timestamp_ = UnixSeconds(clock_.Now());
}

Period Publisher::AsOf() const { return DefaultAsOf(clock_.Today(), generation_.catalog->year); }

void Publisher::Evaluate() {
  const auto start = Steady::now();
  auto evaluation = std::make_shared<Evaluation>(
      generation_.evaluator->EvaluateAll(*generation_.actuals, AsOf(), clock_.Today()));
  AttachPastYear(generation_, *evaluation, nullptr);
  evaluation_ = std::move(evaluation);
  EvaluatePastYear();
  evaluation_seconds_ = SecondsSince(start);
  RenderAndPublish(start);
}

void Publisher::PublishLoaded(Steady::time_point start) {
  evaluation_ = generation_.evaluation;
  past_evaluation_ = generation_.past_evaluation;
  RenderAndPublish(start);
}

void Publisher::RenderAndPublish(Steady::time_point start) {
  // The exposition and the status documents are written beside the alert rules, which read the
  // same evaluation and write only the alert book: the alerts' work fills what the other
  // threads leave of the cores.
  auto rendered = std::async(std::launch::async, [&, now = UnixSeconds(clock_.Now())] {
    exposition_.Render(*generation_.catalog, *evaluation_, evaluation_seconds_, now);
  });
  auto documents = std::async(std::launch::async, WriteStatusDocuments, documents_, evaluation_,
                              past_evaluation_);
  UpdateAlerts();
  rendered.get();
  documents_ = documents.get();
  Publish(nullptr);
  counters_->ObserveEvaluation("full", SecondsSince(start));
}

void Publisher::EvaluatePastYear() {
  past_evaluation_ = ptmon::EvaluatePastYear(generation_, clock_.Today());
}

void Publisher::UpdateAlerts() {
  const auto now = clock_.Now();
  // Accounts change in other processes (`ptmon user`, the console): read at every evaluation.
  // Unreadable, the last owners known stand, so no alert moves to nobody and back.
  if (auto owners = keeper_.store().accounts().ManagersByProject(); owners.ok())
    owners_ = std::move(owners).value();
  else
    spdlog::warn("the managers of the projects cannot be read: {}", owners.status().message());
  AlertUpdate update(*alerts_, now);
  const auto apply = [&](AlertCondition condition) { update.Apply(std::move(condition)); };
  EvaluateAlertRules(*generation_.catalog, *evaluation_, last_ingest_, now, alerts_->settings(),
                     *alerts_, [&](AlertCondition condition) {
                       LabelOwner(std::move(condition), owners_, {"PtmonReportOverdue"}, apply);
                     });
  for (AlertCondition& reminder :
       ReminderRules(*generation_.catalog, *generation_.actuals, owners_, clock_.Today(),
                     generation_.config->remind_days_before,
                     generation_.evaluator->settings().budget_due_day, alerts_->settings()))
    apply(std::move(reminder));
  auto changed = update.Finish(keeper_.store());
  if (!changed.ok()) {
    spdlog::error("alert state not saved: {}", changed.status().message());
    return;
  }
  if (!*changed && alerts_list_) return;
  alerts_list_ = AlertsList(*alerts_);
  if (notifier_->HasTargets() && alerts_->HasAlertsToSend())
    notifier_->Submit(alerts_->Payload(now));
}

// Everything the snapshot points to is owned by it.
void Publisher::Publish(const std::vector<uint32_t>* touched) {
  if (touched != nullptr) {
    exposition_.Rerender(*generation_.catalog, *evaluation_, *touched, evaluation_seconds_,
                         UnixSeconds(clock_.Now()));
  }
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->config = generation_.config;
  snapshot->catalog = generation_.catalog;
  snapshot->evaluation = evaluation_;
  snapshot->past_catalog = generation_.past_catalog;
  snapshot->past_evaluation = past_evaluation_;
  snapshot->status_document = documents_.current;
  snapshot->past_status_document = documents_.past;
  snapshot->metrics = exposition_.parts();
  snapshot->alerts_list = alerts_list_;
  snapshot->counters = counters_;
  DaemonFacts& facts = snapshot->facts;
  facts.version = version_;
  facts.revision = revision_;
  facts.catalog_sha256 = generation_.catalog->sha256;
  facts.year = generation_.catalog->year;
  facts.reload_success = reload_success_;
  facts.reload_timestamp = reload_timestamp_;
  facts.alerts_pending = alerts_->Count(AlertPhase::kPending);
  facts.alerts_firing = alerts_->Count(AlertPhase::kFiring);
  facts.alerts_resolved = alerts_->Count(AlertPhase::kResolved);
  facts.store_check_timestamp = keeper_.check_timestamp();
  facts.store_check_seconds = keeper_.check_seconds();
  snapshots_.Publish(std::move(snapshot));
}

void Publisher::Reevaluate(long long batch_id) {
  const auto start = Steady::now();
  Store& store = keeper_.store();
  auto touched = store.values().LoadBatchValues(batch_id, *generation_.actuals);
  if (!touched.ok()) {
    spdlog::error("{}", touched.status().message());
    Evaluate();
    return;
  }
  // A batch holds one year's values (a file is refused otherwise): one the served year does
  // not take is last year's late report, read into last year's index only.
  const bool past_year = touched->empty() && generation_.past_actuals;
  if (past_year) {
    auto past_touched = store.values().LoadBatchValues(batch_id, *generation_.past_actuals);
    if (!past_touched.ok()) spdlog::error("{}", past_touched.status().message());
    EvaluatePastYear();
  }
  if (evaluation_->as_of != AsOf()) {
    Evaluate();
    return;
  }
  // Copied, not changed in place: published snapshots share the evaluation they were made of.
  auto next = std::make_shared<Evaluation>(*evaluation_);
  generation_.evaluator->Reevaluate(*next, *generation_.actuals, *touched, clock_.Today());
  // Last year's late report changes what stands beside this year's figures, anywhere.
  AttachPastYear(generation_, *next, past_year ? nullptr : &*touched);
  evaluation_ = std::move(next);
  auto documents = std::async(std::launch::async, WriteStatusDocuments, documents_, evaluation_,
                              past_evaluation_);
  UpdateAlerts();
  documents_ = documents.get();
  Publish(&*touched);
  counters_->ObserveEvaluation("batch", SecondsSince(start));
}

void Publisher::StartTimers() {
  ScheduleEvaluation();
  ScheduleResend();
}

void Publisher::ScheduleEvaluation() {
  evaluation_timer_.expires_after(generation_.config->evaluation_interval);
  evaluation_timer_.async_wait([this](std::error_code error) {
    if (error) return;
    Evaluate();  // month rollover and due days passing change lights without new data
    ScheduleEvaluation();
  });
}

void Publisher::ScheduleResend() {
  resend_timer_.expires_after(generation_.config->alert_resend);
  resend_timer_.async_wait([this](std::error_code error) {
    if (error) return;
    if (alerts_->HasAlertsToSend()) notifier_->Submit(alerts_->Payload(clock_.Now()));
    ScheduleResend();
  });
}

void Publisher::Stop() {
  evaluation_timer_.cancel();
  resend_timer_.cancel();
}

void Publisher::FlushAlerts() {
  if (alerts_ && alerts_->HasAlertsToSend()) {
    notifier_->Submit(alerts_->Payload(clock_.Now()));
    notifier_->Flush(std::chrono::seconds(5));
  }
  notifier_.reset();
}

}  // namespace ptmon
