// `ptmon user export-alertmanager`: Alertmanager's routes by the `owner` label ptmon puts on
// reminders and overdue alerts, and a receiver per manager with contacts, so that what the
// accounts say is where the alerts go — generated, not copied by hand into a second list.
#include <fstream>
#include <iostream>
#include <sstream>

#include <ptmon/base/text.h>
#include <ptmon/storage/accounts.h>

#include "cli.h"

namespace ptmon::cli {

namespace {

constexpr std::string_view kRoutesMarker = "# ptmon:owner-routes";
constexpr std::string_view kReceiversMarker = "# ptmon:owner-receivers";

// YAML's single-quoted scalar: every character as it is, a quote doubled.
std::string Quoted(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

// An Alertmanager matcher's value in double quotes, with its own escapes.
std::string MatcherValue(std::string_view text) {
  std::string escaped = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped + "\"";
}

// The webhook URL for one account: its placeholders replaced, percent-encoded; nothing when it
// names a contact the account lacks (the bridge could not reach the person).
std::optional<std::string> WebhookFor(std::string url, const ConsoleUser& user) {
  const std::pair<std::string_view, const std::string&> fields[] = {
      {"{owner}", user.name},
      {"{email}", user.contacts.email},
      {"{phone}", user.contacts.phone},
      {"{wecom}", user.contacts.wecom}};
  for (const auto& [placeholder, value] : fields) {
    for (size_t at = url.find(placeholder); at != std::string::npos;
         at = url.find(placeholder, at)) {
      if (value.empty()) return std::nullopt;
      const std::string encoded = UrlEncodeComponent(value);
      url.replace(at, placeholder.size(), encoded);
      at += encoded.size();
    }
  }
  return url;
}

struct Fragment {
  std::vector<std::string> routes;     // lines of list items, indented from column 0
  std::vector<std::string> receivers;  // the same
};

Fragment OwnerFragment(const std::vector<ConsoleUser>& users, const std::string& webhook_url,
                       bool wecom_app) {
  Fragment fragment;
  for (const ConsoleUser& user : users) {
    if (user.role != Role::kManager || user.disabled) continue;
    std::vector<std::string> receiver;
    if (!user.contacts.email.empty()) {
      receiver.insert(receiver.end(),
                      {"    email_configs:", "      - to: " + Quoted(user.contacts.email),
                       "        send_resolved: true"});
    }
    if (wecom_app && !user.contacts.wecom.empty()) {
      receiver.insert(receiver.end(),
                      {"    wechat_configs:", "      - to_user: " + Quoted(user.contacts.wecom),
                       "        send_resolved: true"});
    }
    const auto webhook = webhook_url.empty() ? std::nullopt : WebhookFor(webhook_url, user);
    if (webhook) {
      receiver.insert(receiver.end(), {"    webhook_configs:", "      - url: " + Quoted(*webhook),
                                       "        send_resolved: true"});
    }
    if (receiver.empty()) {
      std::cerr << "ptmon: " << user.name << " has no contact to send to (ptmon user edit "
                << user.name
                << " --email … --wecom …); their alerts stay with the route's own receiver\n";
      continue;
    }
    const std::string name = Quoted("ptmon-owner-" + user.name);
    fragment.routes.insert(fragment.routes.end(),
                           {"- matchers: [" + Quoted("owner=" + MatcherValue(user.name)) + "]",
                            "  receiver: " + name});
    fragment.receivers.push_back("- name: " + name);
    for (std::string& line : receiver) fragment.receivers.push_back(line.substr(2));
  }
  return fragment;
}

// `lines` put after the marker line at `at` (kept, to show where they came from),
// indented as the marker is.
void Insert(std::vector<std::string>& file, size_t at, const std::vector<std::string>& lines) {
  const std::string indent = file[at].substr(0, file[at].find('#'));
  std::vector<std::string> indented;
  for (const std::string& line : lines) indented.push_back(indent + line);
  file.insert(file.begin() + static_cast<long>(at) + 1, indented.begin(), indented.end());
}

}  // namespace

int RunUserExportAlertmanager(const CommonOptions& options, const std::string& webhook_url,
                              bool wecom_app, const std::string& template_path) {
  const auto users = ListAccounts(options);
  if (!users) return kExitFailure;
  const Fragment fragment = OwnerFragment(*users, webhook_url, wecom_app);
  if (template_path.empty()) {
    std::cout << "# ptmon user export-alertmanager: put the routes under the route that matches\n"
                 "# owner (deploy/alertmanager/alertmanager.yml) and the receivers with the "
                 "others.\nroutes:";
    std::cout << (fragment.routes.empty() ? " []\n" : "\n");
    for (const std::string& line : fragment.routes) std::cout << "  " << line << "\n";
    std::cout << "receivers:" << (fragment.receivers.empty() ? " []\n" : "\n");
    for (const std::string& line : fragment.receivers) std::cout << "  " << line << "\n";
    return kExitOk;
  }
  std::ifstream in(template_path);
  if (!in) {
    std::cerr << "ptmon: --template: cannot read " << template_path << "\n";
    return kExitFailure;
  }
  std::vector<std::string> file;
  for (std::string line; std::getline(in, line);) file.push_back(line);
  for (const auto& [marker, lines] : {std::pair<std::string_view, const std::vector<std::string>&>{
                                          kRoutesMarker, fragment.routes},
                                      {kReceiversMarker, fragment.receivers}}) {
    size_t at = 0;
    while (at < file.size() && Trim(file[at]) != marker) ++at;
    if (at == file.size()) {
      std::cerr << "ptmon: --template: " << template_path << " has no line '" << marker
                << "' where the generated lines go (deploy/alertmanager/alertmanager.yml shows "
                   "where)\n";
      return kExitRefused;
    }
    Insert(file, at, lines);
  }
  for (const std::string& line : file) std::cout << line << "\n";
  return kExitOk;
}

}  // namespace ptmon::cli
