// This year beside last year: each indicator's value of the same month a year earlier, from the
// catalogue and values the store kept of the year before, for pages and the status API.
#pragma once

#include <cstdint>
#include <vector>

#include <ptmon/indicators/actuals.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/indicators/evaluation.h>

namespace ptmon {

// Sets IndicatorStatus::last_year for `projects` (indexes into the evaluation's projects), or
// for every project when `projects` is null. An indicator is matched in `past_catalog` by its
// project (the same id, else the same published name) and then its own id, else its published
// name; the month is that of this year's latest value, or the month evaluated when there is
// none. Only a value reported for exactly that month of last year counts; anything else leaves
// last_year null. `past_actuals` must be of `past_catalog`.
void AttachLastYear(Evaluation& evaluation, const Catalog& past_catalog,
                    const ActualsIndex& past_actuals, const std::vector<uint32_t>* projects);

}  // namespace ptmon
