// Tests of location-based attention against hand-computed scores, past its last position too.
#include <catch2/catch.hpp>
#include <cmath>

#include "attention/location_attention.h"
#include "attention_test_helpers.h"
#include "common/errors.h"
#include "support/tensor_asserts.h"

using nmt::LocationAttention;
using nmt::test::attend;
using nmt::test::require_close;
using nmt::test::set_parameter;

TEST_CASE("location attention: weights from the decoder state alone", "[attention][location]") {
  LocationAttention location({/*query_dim=*/2, /*value_dim=*/1}, /*positions=*/3);
  // W_a z with W_a = ((1, 0), (0, 1), (1, 1)) and z = (1, 2): scores (1, 2, 3).
  set_parameter(location, "position_proj.weight",
                torch::tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}}));
  const auto z = torch::tensor({{1.0, 2.0}, {1.0, 2.0}});
  const double e1 = std::exp(1.0), e2 = std::exp(2.0), e3 = std::exp(3.0);

  SECTION("shorter sources use the first rows; the content does not matter") {
    const auto h = torch::tensor({{{10.0}, {20.0}}, {{-5.0}, {7.0}}});  // [2, 2, 1]
    const auto r = attend(location, z, h, torch::ones({2, 2}, torch::kBool));
    const double a = e1 / (e1 + e2), b = e2 / (e1 + e2);
    require_close(r.weights, torch::tensor({{a, b}, {a, b}}), 1e-6);
    require_close(r.context, torch::tensor({{10 * a + 20 * b}, {-5 * a + 7 * b}}), 1e-5);
  }
  SECTION("positions past the last row share its score; padding gets nothing") {
    const auto h = torch::zeros({2, 5, 1});
    const auto mask = torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 1, 1, 0}}).to(torch::kBool);
    const auto r = attend(location, z, h, mask);
    const double full = e1 + e2 + 3 * e3, padded = e1 + e2 + 2 * e3;
    require_close(r.weights,
                  torch::tensor({{e1 / full, e2 / full, e3 / full, e3 / full, e3 / full},
                                 {e1 / padded, e2 / padded, e3 / padded, e3 / padded, 0.0}}),
                  1e-6);
  }
}

TEST_CASE("location attention: at least one position", "[attention][location]") {
  REQUIRE_THROWS_AS(LocationAttention({2, 2}, 0), nmt::ConfigKeyError);
}
