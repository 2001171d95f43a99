// Every config in configs/ loads and passes the checks `nmt train` runs first: its keys, its
// model's sizes and types, its schedule and optimiser.
#include <catch2/catch.hpp>
#include <filesystem>

#include "common/config.h"
#include "test_paths.h"
#include "train/config_check.h"

TEST_CASE("configs: every shipped config loads and its model can be built", "[config]") {
  int checked = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(NMT_SOURCE_DIR) + "/configs")) {
    if (entry.path().extension() != ".yaml") continue;
    CAPTURE(entry.path().string());
    CHECK_NOTHROW(nmt::check_config(nmt::load_config(entry.path().string())));
    ++checked;
  }
  CHECK(checked >= 5);
}
