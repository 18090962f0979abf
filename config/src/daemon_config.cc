#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <ptmon/base/text.h>
#include <ptmon/config/daemon_config.h>
#include <ptmon/config/yaml_fields.h>

namespace ptmon {

namespace {

// Reads a duration field; reports a malformed one with its place.
void Duration(YamlFields& fields, const YamlNode& map, std::string_view key, auto& out) {
  auto text = fields.String(map, key, false);
  if (!text) return;
  auto duration = ParseDuration(Trim(*text));
  if (!duration) {
    fields.Error(map[key], Quote(key) + ": " + Quote(*text) +
                               " is not a duration; write it like 500ms, 30s, 10m, 1h or 35d");
    return;
  }
  out = std::chrono::duration_cast<std::remove_reference_t<decltype(out)>>(*duration);
}

void Flag(YamlFields& fields, const YamlNode& map, std::string_view key, bool& out) {
  auto text = fields.String(map, key, false);
  if (!text) return;
  if (*text == "true" || *text == "yes") {
    out = true;
  } else if (*text == "false" || *text == "no") {
    out = false;
  } else {
    fields.Error(map[key], Quote(key) + ": " + Quote(*text) + " is not true or false");
  }
}

void Percent(YamlFields& fields, const YamlNode& map, std::string_view key, double& out) {
  if (auto value = fields.Number(map, key, false)) out = *value;
}

std::vector<std::string> StringList(YamlFields& fields, const YamlNode& map, std::string_view key) {
  std::vector<std::string> out;
  const YamlNode node = map[key];
  if (!node) return out;
  if (!fields.ExpectSequence(node, Quote(key))) return out;
  for (const auto& item : node.Items()) {
    if (item.IsScalar())
      out.emplace_back(item.Scalar());
    else
      fields.Error(item, Quote(key) + " must list plain values");
  }
  return out;
}

// A token's secret from `token` or `token_file` in `map`; nothing (and an error at its place) when
// it is unusable.
std::optional<std::string> ReadApiSecret(YamlFields& fields, const YamlNode& map) {
  std::string secret = fields.String(map, "token", false).value_or("");
  if (auto token_file = fields.String(map, "token_file", false)) {
    std::ifstream token(*token_file);
    std::string line;
    if (!token || !std::getline(token, line) || Trim(line).empty()) {
      fields.Error(map["token_file"], "cannot read a token from " + Quote(*token_file));
      return std::nullopt;
    }
    secret = std::string(Trim(line));
  }
  const YamlNode token_node = map["token_file"] ? map["token_file"] : map["token"];
  if (!token_node) {
    fields.Error(map, "a token needs 'token' or 'token_file'");
    return std::nullopt;
  }
  if (secret.empty()) {
    fields.Error(token_node, "the API token is empty; remove 'token' to turn the write API off");
  } else if (secret.size() < 16) {
    fields.Error(token_node, "the API token must be at least 16 characters");
  } else if (std::any_of(secret.begin(), secret.end(), [](char c) {
               return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
             })) {
    // A Bearer token is sent in a header: spaces or control characters cannot survive it.
    fields.Error(token_node,
                 "the API token contains spaces or control characters; use letters, digits "
                 "and - . _ ~ + / (e.g. openssl rand -hex 24)");
  } else {
    return secret;
  }
  return std::nullopt;
}

// `tokens: [{name, token | token_file, projects: [ids], unit}]`.
void ReadApiTokens(YamlFields& fields, const YamlNode& list, std::vector<ApiToken>& out) {
  if (!fields.ExpectSequence(list, "'tokens'")) return;
  for (const YamlNode& item : list.Items()) {
    if (!fields.ExpectMap(item, "a token")) continue;
    fields.CheckKeys(item, {"name", "token", "token_file", "projects", "unit"}, "a token");
    ApiToken token;
    token.name = fields.String(item, "name", true).value_or("");
    // The name is recorded as the submitter of every batch the token sends.
    if (!token.name.empty() &&
        (token.name.size() > 64 ||
         token.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789-_.") != std::string::npos)) {
      fields.Error(item["name"],
                   "a token's name is letters, digits, '-', '_' and '.' (64 at most)");
    }
    for (const ApiToken& earlier : out) {
      if (earlier.name == token.name && !token.name.empty())
        fields.Error(item["name"], "two tokens are named " + Quote(token.name));
    }
    auto secret = ReadApiSecret(fields, item);
    if (secret) {
      for (const ApiToken& earlier : out) {
        if (earlier.secret == *secret)
          fields.Error(item, "tokens " + Quote(earlier.name) + " and " + Quote(token.name) +
                                 " have the same secret; give each its own");
      }
      token.secret = *secret;
    }
    if (const YamlNode projects = item["projects"]) {
      token.projects = StringList(fields, item, "projects");
      if (projects.IsSequence() && token.projects.empty())
        fields.Error(projects, "'projects' is empty; leave it out for every project");
      if (projects.IsSequence()) {
        for (const YamlNode& id : projects.Items()) {
          if (id.IsScalar()) token.project_places.push_back(fields.Place(id));
        }
      }
    }
    if (auto unit = fields.String(item, "unit", false)) {
      token.unit = *unit;
      token.unit_place = fields.Place(item["unit"]);
    }
    out.push_back(std::move(token));
  }
}

}  // namespace

bool CheckApiScopes(const DaemonConfig& config, const std::vector<const Catalog*>& catalogs,
                    Diagnostics& diagnostics) {
  const int errors_before = diagnostics.error_count();
  auto error = [&](const SourcePlace& place, const std::string& message) {
    diagnostics.Error(place.file, place.line, place.column, message);
  };
  auto years = [&] {
    std::string text;
    for (const Catalog* catalog : catalogs)
      text += (text.empty() ? "" : ", ") + std::to_string(catalog->year);
    return text;
  };
  for (const ApiToken& token : config.api_tokens) {
    if (!token.unit.empty() &&
        std::none_of(catalogs.begin(), catalogs.end(), [&](const Catalog* catalog) {
          return std::any_of(catalog->units.begin(), catalog->units.end(),
                             [&](const BudgetUnit& unit) { return unit.id == token.unit; });
        })) {
      error(token.unit_place, "token " + Quote(token.name) + ": no budget unit " +
                                  Quote(token.unit) + " in the catalogue (" + years() + ")");
    }
    for (size_t i = 0; i < token.projects.size(); ++i) {
      const std::string& id = token.projects[i];
      const SourcePlace place =
          i < token.project_places.size() ? token.project_places[i] : SourcePlace{};
      const Project* found = nullptr;
      for (const Catalog* catalog : catalogs) {
        if (const Project* project = catalog->FindProject(id)) found = project;
      }
      if (found == nullptr) {
        error(place, "token " + Quote(token.name) + ": no project " + Quote(id) +
                         " in the catalogue (" + years() + ")");
      } else if (!token.unit.empty() && found->unit_id != token.unit) {
        error(place, "token " + Quote(token.name) + ": project " + Quote(id) + " belongs to unit " +
                         Quote(found->unit_id) + ", not " + Quote(token.unit));
      }
    }
  }
  return diagnostics.error_count() == errors_before;
}

std::string DaemonConfig::ExternalUrl() const {
  if (!external_url.empty()) return external_url;
  return (tls_cert_file.empty() ? "http://" : "https://") + listen;
}

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    long long milliseconds;
  };
  static constexpr Unit kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  for (const auto& unit : kUnits) {
    if (!text.ends_with(unit.suffix)) continue;
    const std::string_view number = text.substr(0, text.size() - unit.suffix.size());
    if (number.empty() || number.find_first_not_of("0123456789") != std::string_view::npos)
      continue;
    if (number.size() > 9) return std::nullopt;
    return std::chrono::milliseconds(std::stoll(std::string(number)) * unit.milliseconds);
  }
  return std::nullopt;
}

bool IsListenAddress(std::string_view listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  return std::stoi(std::string(port)) <= 65535;
}

Result<DaemonConfig> LoadDaemonConfig(const std::string& path, Diagnostics& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot open configuration file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  DaemonConfig config;
  YamlFields fields(path, diagnostics);
  auto document = fields.Parse(text.str());
  if (!document) return Status::Error("the configuration has errors");
  const YamlNode root = document->root();
  if (!root || root.IsNull()) return config;  // an empty file: all defaults
  if (!fields.ExpectMap(root, "the configuration"))
    return Status::Error("the configuration has errors");
  fields.CheckKeys(root,
                   {"listen", "external_url", "data_dir", "catalogs", "inbox", "evaluation",
                    "alerting", "api", "http", "tls", "console", "log", "time_zone"},
                   "the configuration");
  if (auto listen = fields.String(root, "listen", false)) {
    if (!IsListenAddress(*listen)) {
      fields.Error(root["listen"],
                   "'listen': " + Quote(*listen) + " is not host:port (e.g. 127.0.0.1:10150)");
    }
    config.listen = *listen;
  }
  config.external_url = fields.String(root, "external_url", false).value_or("");
  if (auto zone = fields.String(root, "time_zone", false)) {
    // The C library reads an unknown zone as UTC without a word: refuse it here instead.
    const bool plain = !zone->empty() && zone->find("..") == std::string::npos &&
                       zone->front() != '/' && std::all_of(zone->begin(), zone->end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '/' ||
                                c == '_' || c == '-' || c == '+';
                       });
    if (!plain || !std::filesystem::is_regular_file("/usr/share/zoneinfo/" + *zone)) {
      fields.Error(root["time_zone"], "'time_zone': " + Quote(*zone) +
                                          " is not a time zone this machine knows (e.g. "
                                          "Asia/Shanghai, Asia/Urumqi, UTC)");
    }
    config.time_zone = *zone;
  }
  config.data_dir = fields.String(root, "data_dir", false).value_or(config.data_dir);
  config.catalogs = StringList(fields, root, "catalogs");

  if (const YamlNode inbox = root["inbox"]; inbox && fields.ExpectMap(inbox, "'inbox'")) {
    fields.CheckKeys(
        inbox, {"settle", "rescan_interval", "retry_max", "max_file_bytes", "encoding"}, "'inbox'");
    Duration(fields, inbox, "settle", config.inbox_settle);
    Duration(fields, inbox, "rescan_interval", config.inbox_rescan);
    Duration(fields, inbox, "retry_max", config.inbox_retry_max);
    if (auto bytes = fields.Integer(inbox, "max_file_bytes", false, 1, 1 << 30))
      config.max_file_bytes = *bytes;
    if (auto encoding = fields.String(inbox, "encoding", false)) {
      if (*encoding != "auto" && *encoding != "utf-8" && *encoding != "gbk") {
        fields.Error(inbox["encoding"], "'encoding' must be auto, utf-8 or gbk");
      }
      config.encoding = *encoding;
    }
  }
  if (const YamlNode evaluation = root["evaluation"];
      evaluation && fields.ExpectMap(evaluation, "'evaluation'")) {
    fields.CheckKeys(evaluation, {"interval", "lights", "scoring", "budget_due_day"},
                     "'evaluation'");
    Duration(fields, evaluation, "interval", config.evaluation_interval);
    if (auto day = fields.Integer(evaluation, "budget_due_day", false, 1, 28))
      config.evaluation.budget_due_day = *day;
    if (const YamlNode lights = evaluation["lights"];
        lights && fields.ExpectMap(lights, "'lights'")) {
      fields.CheckKeys(
          lights,
          {"red_below", "yellow_below", "blue_from", "budget_red_below", "budget_yellow_below"},
          "'lights'");
      LightThresholds& l = config.evaluation.lights;
      Percent(fields, lights, "red_below", l.red_below);
      Percent(fields, lights, "yellow_below", l.yellow_below);
      Percent(fields, lights, "blue_from", l.blue_from);
      Percent(fields, lights, "budget_red_below", l.budget_red_below);
      Percent(fields, lights, "budget_yellow_below", l.budget_yellow_below);
      if (!(l.red_below <= l.yellow_below && l.yellow_below <= l.blue_from) ||
          l.budget_red_below > l.budget_yellow_below) {
        fields.Error(lights,
                     "'lights' thresholds must rise: red_below ≤ yellow_below ≤ blue_from, "
                     "budget_red_below ≤ budget_yellow_below");
      }
    }
    if (const YamlNode scoring = evaluation["scoring"];
        scoring && fields.ExpectMap(scoring, "'scoring'")) {
      fields.CheckKeys(scoring,
                       {"budget_weight", "output_weight", "effect_weight", "satisfaction_weight",
                        "achieved_share", "partly_achieved_share", "not_achieved_share",
                        "excellent_from", "good_from", "fair_from"},
                       "'scoring'");
      ScoringRules& s = config.evaluation.scoring;
      Percent(fields, scoring, "budget_weight", s.budget_weight);
      Percent(fields, scoring, "output_weight", s.output_weight);
      Percent(fields, scoring, "effect_weight", s.effect_weight);
      Percent(fields, scoring, "satisfaction_weight", s.satisfaction_weight);
      Percent(fields, scoring, "achieved_share", s.achieved_share);
      Percent(fields, scoring, "partly_achieved_share", s.partly_achieved_share);
      Percent(fields, scoring, "not_achieved_share", s.not_achieved_share);
      Percent(fields, scoring, "excellent_from", s.excellent_from);
      Percent(fields, scoring, "good_from", s.good_from);
      Percent(fields, scoring, "fair_from", s.fair_from);
      const double total =
          s.budget_weight + s.output_weight + s.effect_weight + s.satisfaction_weight;
      if (std::abs(total - 100) > 1e-9) {
        fields.Error(scoring, "'scoring' weights must add up to 100 (they add up to " +
                                  FormatNumber(total) + ")");
      }
    }
  }
  if (const YamlNode alerting = root["alerting"];
      alerting && fields.ExpectMap(alerting, "'alerting'")) {
    fields.CheckKeys(alerting,
                     {"alertmanagers", "resend_interval", "for", "resolved_retention",
                      "ingest_stale_after", "remind_days_before"},
                     "'alerting'");
    config.alertmanagers = StringList(fields, alerting, "alertmanagers");
    for (const auto& url : config.alertmanagers) {
      if (!url.starts_with("http://") && !url.starts_with("https://")) {
        fields.Error(alerting["alertmanagers"],
                     "alertmanager " + Quote(url) + " must be an http:// or https:// URL");
      }
    }
    Duration(fields, alerting, "resend_interval", config.alert_resend);
    Duration(fields, alerting, "for", config.alert_for);
    Duration(fields, alerting, "resolved_retention", config.alert_resolved_retention);
    Duration(fields, alerting, "ingest_stale_after", config.ingest_stale_after);
    if (auto days = fields.Integer(alerting, "remind_days_before", false, 0, 27))
      config.remind_days_before = *days;
    if (config.alert_resend.count() < 1)
      fields.Error(alerting, "'resend_interval' must be at least 1s");
  }
  if (const YamlNode api = root["api"]; api && fields.ExpectMap(api, "'api'")) {
    fields.CheckKeys(api, {"token", "token_file", "tokens", "max_body_bytes"}, "'api'");
    if (api["tokens"]) {
      if (api["token"] || api["token_file"]) {
        fields.Error(
            api["tokens"],
            "'tokens' lists every token; move 'token' or 'token_file' into it (with a name)");
      }
      ReadApiTokens(fields, api["tokens"], config.api_tokens);
    } else if (api["token"] || api["token_file"]) {
      if (auto secret = ReadApiSecret(fields, api)) {
        ApiToken token;
        token.name = "api";
        token.secret = *secret;
        config.api_tokens.push_back(std::move(token));
      }
    }
    if (auto bytes = fields.Integer(api, "max_body_bytes", false, 1, 1 << 30))
      config.max_body_bytes = *bytes;
  }
  if (const YamlNode http = root["http"]; http && fields.ExpectMap(http, "'http'")) {
    fields.CheckKeys(
        http, {"threads", "request_timeout", "max_bodies_per_account", "max_bodies_per_address"},
        "'http'");
    Duration(fields, http, "request_timeout", config.http_request_timeout);
    config.http_threads =
        fields.Integer(http, "threads", false, 1, 64).value_or(config.http_threads);
    for (auto [key, out] : {std::pair{"max_bodies_per_account", &config.max_bodies_per_account},
                            std::pair{"max_bodies_per_address", &config.max_bodies_per_address}}) {
      if (auto count = fields.Integer(http, key, false, 1, 1024)) *out = *count;
    }
  }
  if (const YamlNode tls = root["tls"]; tls && fields.ExpectMap(tls, "'tls'")) {
    fields.CheckKeys(tls, {"cert_file", "key_file"}, "'tls'");
    for (auto [key, out] : {std::pair{"cert_file", &config.tls_cert_file},
                            std::pair{"key_file", &config.tls_key_file}}) {
      auto file = fields.String(tls, key, true);
      if (!file) continue;
      if (!std::ifstream(*file)) {
        fields.Error(tls[key], Quote(key) + ": cannot read " + Quote(*file) +
                                   " (give a PEM file ptmon's user may read)");
      }
      *out = *file;
    }
  }
  if (const YamlNode console = root["console"]; console && fields.ExpectMap(console, "'console'")) {
    fields.CheckKeys(console, {"enabled", "open_board", "session_idle", "session_lifetime"},
                     "'console'");
    Flag(fields, console, "enabled", config.console_enabled);
    Flag(fields, console, "open_board", config.console_open_board);
    Duration(fields, console, "session_idle", config.session_idle);
    Duration(fields, console, "session_lifetime", config.session_lifetime);
  }
  if (const YamlNode log = root["log"]; log && fields.ExpectMap(log, "'log'")) {
    fields.CheckKeys(log, {"level", "format"}, "'log'");
    if (auto level = fields.String(log, "level", false)) {
      if (*level != "trace" && *level != "debug" && *level != "info" && *level != "warn" &&
          *level != "error") {
        fields.Error(log["level"], "'level' must be trace, debug, info, warn or error");
      }
      config.log_level = *level;
    }
    if (auto format = fields.String(log, "format", false)) {
      if (*format != "text" && *format != "json")
        fields.Error(log["format"], "'format' must be text or json");
      config.log_format = *format;
    }
  }
  if (diagnostics.has_errors()) return Status::Error("the configuration has errors");
  return config;
}

}  // namespace ptmon
