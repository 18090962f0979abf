#!/usr/bin/env bash
# Every file in deploy/ checked by its real tool: promtool (config, rules, rule unit tests),
# amtool (Alertmanager routing), and JSON/YAML syntax for Grafana's provisioning.
set -euo pipefail
deploy=$(cd "$(dirname "$0")/../../deploy" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$deploy"/prometheus/* "$work/"
(cd "$work" && promtool check config prometheus.yml)
(cd "$work" && promtool check config federation.yml)
(cd "$work" && promtool check rules ptmon-rules.yml)
(cd "$work" && promtool test rules ptmon-rules.test.yml)
amtool check-config "$deploy/alertmanager/alertmanager.yml"
# Reminders are their owner's alone (an owner with a generated route gets it there; here none
# is generated): the unit's office hears only of overdue reports and of reminders nobody owns.
route() {
  amtool config routes test --config.file="$deploy/alertmanager/alertmanager.yml" \
    --verify.receivers="$1" "${@:2}" 2>/dev/null
}
route null,null alertname=PtmonReportDueSoon owner=lijun severity=info budget_unit=shanxi-social-insurance
route finance-office alertname=PtmonReportDueSoon severity=info budget_unit=shanxi-social-insurance
route null,shanxi-social-insurance alertname=PtmonReportOverdue owner=lijun severity=warning \
  budget_unit=shanxi-social-insurance
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["uid"] and d["panels"], "empty dashboard"' \
  "$deploy/grafana/dashboards/ptmon.json"
for file in "$deploy"/grafana/provisioning/*/*.yml "$deploy"/ptmon.yaml; do
  python3 - "$file" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
assert "\t" not in text, f"{sys.argv[1]}: tabs are not YAML indentation"
PY
done
echo "deploy files: all checks passed"
