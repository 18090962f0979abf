// The board's rows, shared by its page and its workbook so both show the same projects in the
// same order with the same figures; internal to the console library.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <ptmon/base/clock.h>
#include <ptmon/console/pages.h>

namespace ptmon::console_internal {

struct BoardRow {
  const ProjectStatus* status = nullptr;
  const BudgetUnit* unit = nullptr;  // null when the catalogue lacks the project's unit
  size_t position = 0;               // in the catalogue
  int red = 0, yellow = 0, overdue = 0;
  const std::vector<std::string>* owners = nullptr;  // null: nobody assigned
  std::optional<int> overdue_days;
};

struct BoardRows {
  std::vector<BoardRow> rows;     // filtered and sorted as the query asks
  std::array<int, 6> by_light{};  // of the projects the unit filter keeps, by Light
};
BoardRows SelectBoardRows(const Catalog& catalog, const Evaluation& evaluation,
                          const BoardQuery& query, const BoardContext& context);

// How many days past its due date the oldest report still missing is on `today`: for each
// indicator (and budget spending, due on `budget_due_day`), the first month after its latest
// report of `year` (from January when none) that its frequency reports on; nothing when none of
// them is past due. A report that came later covers the months before it, as the lights judge.
std::optional<int> OverdueDays(const ProjectStatus& status, int year, int budget_due_day,
                               Date today);

// The main reason a project has its light (the budget, or the worst indicator with the
// manager's reason); empty for a good light.
std::string MainReason(const ProjectStatus& status, int overdue);

// The accounts answering for a project, joined for a cell ("lijun、wangfang"); empty when none.
std::string OwnerNames(const std::vector<std::string>* owners);

}  // namespace ptmon::console_internal
