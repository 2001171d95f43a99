// The precision a search gets by the machine: `auto` never takes int8 for a server, whose small
// searches pay int8's cost per call; an explicit int8 is taken everywhere.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "api/translator_loading.h"
#include "common/int8_matmuls.h"
#include "common/precision.h"

TEST_CASE("translator loading: auto takes int8 for files where the CPU has VNNI, never to serve",
          "[api][precision]") {
  const auto serving = nmt::choose_search_precision("auto", torch::kCPU, /*serving=*/true);
  CHECK(serving.precision != nmt::Precision::int8);
  const auto files = nmt::choose_search_precision("auto", torch::kCPU);
  bool engine = true;
  try {
    nmt::select_int8_engine();
  } catch (const std::exception&) {
    engine = false;
  }
  CHECK((files.precision == nmt::Precision::int8) == (nmt::cpu_has_vnni() && engine));
  if (nmt::cpu_has_vnni() && engine) {
    CHECK_THAT(serving.reason, Catch::Contains("not int8"));
    CHECK(nmt::choose_search_precision("int8", torch::kCPU, true).precision ==
          nmt::Precision::int8);
  }
}
