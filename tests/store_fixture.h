// The store tests' fixture: a fresh data directory per test, and ways to open it or write to its
// file as another program would.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/storage/store.h>

namespace ptmon::store_values {

class StoreTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ptmon-store-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "ptmon.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> OpenOrDie() {
    auto store = Store::Open(path_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Runs SQL on the database file as another program would, before ptmon opens it.
  void ExecOnFile(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_free(error);
    sqlite3_close(db);
  }

  static Catalog EmbeddedCatalog() {
    Diagnostics diagnostics;
    return LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  }

  std::filesystem::path dir_;
  std::string path_;
};

}  // namespace ptmon::store_values
