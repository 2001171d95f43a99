// Tests of bilinear ("general") attention against a hand-computed example.
#include <catch2/catch.hpp>

#include "attention/bilinear_attention.h"
#include "attention_test_helpers.h"
#include "support/tensor_asserts.h"

using nmt::BilinearAttention;
using nmt::test::attend;
using nmt::test::require_close;

TEST_CASE("bilinear attention: hand-computed weights and context", "[attention][bilinear]") {
  BilinearAttention bilinear({/*query_dim=*/2, /*value_dim=*/3});
  // W [Dq, Dv] swaps the first two coordinates of h and drops the third.
  nmt::test::set_parameter(bilinear, "w.weight", torch::tensor({{0.0, 1.0, 0.0}, {1.0, 0.0, 0.0}}));
  const auto h = torch::tensor({{{1.0, 0.0, 5.0}, {0.0, 1.0, 5.0}, {1.0, 1.0, 5.0}}});  // [1, 3, 3]
  const auto r =
      attend(bilinear, torch::tensor({{1.0, 2.0}}), h, torch::ones({1, 3}, torch::kBool));
  // W h_s = (0, 1), (1, 0), (1, 1); scores zᵀ W h_s with z = (1, 2): (2, 1, 3).
  // softmax = (e², e, e³) / (e + e² + e³).
  require_close(r.weights, torch::tensor({{0.24472847, 0.09003057, 0.66524096}}), 1e-6);
  // Context is made of the unprojected h: (a_1 + a_3, a_2 + a_3, 5 (a_1 + a_2 + a_3)).
  require_close(r.context, torch::tensor({{0.90996943, 0.75527153, 5.0}}), 1e-6);
}
