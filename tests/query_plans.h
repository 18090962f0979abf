// The SQL a piece of store work runs and the plans SQLite makes for it, for the tests that hold
// the store to reading growing tables by their keys.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <ptmon/storage/store.h>

namespace ptmon::query_plans {

// Every statement `work` ran on the store's connection, in order (repeats included).
inline std::vector<std::string> StatementsRun(Store& store, const std::function<void()>& work) {
  std::vector<std::string> statements;
  sqlite3_trace_v2(
      store.handle(), SQLITE_TRACE_STMT,
      [](unsigned, void* context, void* statement, void*) {
        const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
        if (sql != nullptr) static_cast<std::vector<std::string>*>(context)->push_back(sql);
        return 0;
      },
      &statements);
  work();
  sqlite3_trace_v2(store.handle(), 0, nullptr, nullptr);
  return statements;
}

// The detail lines of `sql`'s EXPLAIN QUERY PLAN ("SCAN a", "SEARCH actual USING …"); nothing
// when there is nothing to plan (BEGIN, COMMIT, pragmas).
inline std::vector<std::string> PlanOf(Store& store, const std::string& sql) {
  std::vector<std::string> details;
  sqlite3_stmt* plan = nullptr;
  if (sqlite3_prepare_v2(store.handle(), ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &plan,
                         nullptr) != SQLITE_OK) {
    return details;
  }
  while (sqlite3_step(plan) == SQLITE_ROW) {
    details.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(plan, 3)));
  }
  sqlite3_finalize(plan);
  return details;
}

}  // namespace ptmon::query_plans
