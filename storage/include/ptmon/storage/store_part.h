// What each part of the store (catalog_store.h, value_store.h, alert_store.h, accounts.h) stands
// on: the one database handle its Store opened, and that Store's transactions. A part is made by
// its Store, lives exactly as long as it, and is reached through it (store.values()).
#pragma once

#include <functional>

#include <sqlite3.h>

#include <ptmon/base/status.h>

namespace ptmon {

class Store;

namespace storage_internal {

class StorePart {
 public:
  StorePart(const StorePart&) = delete;
  StorePart& operator=(const StorePart&) = delete;

 protected:
  explicit StorePart(Store& store);
  ~StorePart() = default;

  // Store::InTransaction: a part's writes and its Store's share one transaction at a time.
  Status InTransaction(const std::function<Status()>& work);

  sqlite3* const db_;

 private:
  Store& store_;
};

}  // namespace storage_internal
}  // namespace ptmon
