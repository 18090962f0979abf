// Who must report, and reminding them: the alerts about a project's monthly report name its
// responsible managers (label `owner`, one alert per project and owner, so Alertmanager routes
// each to its person), and PtmonReportDueSoon asks them for the month's report a few days before
// it is due. Pure functions of what they are given; the loop calls them with each evaluation.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <ptmon/base/clock.h>
#include <ptmon/indicators/actuals.h>
#include <ptmon/indicators/catalog.h>

#include "alerts.h"

namespace ptmon {

// Project id → the names of its active managers (ManagersByProject in storage/accounts.h).
using ProjectOwners = std::map<std::string, std::vector<std::string>>;

// Each condition of `alertnames` copied once per owner of its project with an `owner` label; a
// project nobody is assigned to keeps one condition without it (the finance office's). Others
// are left as they are. An owner's alert that no condition speaks of any more (the report came,
// the manager left the project) is resolved by AlertBook::Update, as every orphan is.
void LabelOwners(std::vector<AlertCondition>& conditions, const ProjectOwners& owners,
                 const std::vector<std::string_view>& alertnames);

// PtmonReportDueSoon (severity info) for each project and owner, from `lead_days` before the due
// day of a month's report through that day, while indicators (or the budget spending, due on
// `budget_due_day`) of that month are unreported; it clears when the report arrives or the due
// day passes (PtmonReportOverdue takes over). Annotations in Chinese: the project, the month, the
// missing indicators by published name, the due date, the form's link. Only months of the
// catalogue's year are reminded of (`actuals` holds no other). Only raising conditions are
// returned: a reminder no longer due is an orphan that AlertBook::Update resolves.
std::vector<AlertCondition> ReminderRules(const Catalog& catalog, const ActualsIndex& actuals,
                                          const ProjectOwners& owners, Date today, int lead_days,
                                          int budget_due_day, const AlertSettings& settings);

}  // namespace ptmon
