// Tests of dot and scaled_dot attention against hand-computed examples.
#include <catch2/catch.hpp>
#include <cmath>

#include "attention/dot_attention.h"
#include "attention_test_helpers.h"
#include "support/tensor_asserts.h"

using nmt::DotAttention;
using nmt::test::attend;
using nmt::test::require_close;

namespace {

// Encoder states h_1 = (1, 0), h_2 = (0, 1), h_3 = (1, 1), used by every hand example.
torch::Tensor three_states() { return torch::tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}}); }

}  // namespace

TEST_CASE("dot attention: hand-computed weights and context", "[attention][dot]") {
  DotAttention dot({/*query_dim=*/2, /*value_dim=*/2}, /*scaled=*/false);
  const auto z = torch::tensor({{1.0, 2.0}, {1.0, 2.0}});         // [2, 2]
  const auto h = torch::stack({three_states(), three_states()});  // [2, 3, 2]
  const auto mask = torch::tensor({{1, 1, 1}, {1, 1, 0}}).to(torch::kBool);
  const auto r = attend(dot, z, h, mask);
  // Scores z.h_s = (1, 2, 3). Row 0: softmax = (e, e², e³) / (e + e² + e³).
  // Row 1 masks h_3: (e, e²) / (e + e²) = (1, e) / (1 + e), and 0 for h_3.
  require_close(
      r.weights,
      torch::tensor({{0.09003057, 0.24472847, 0.66524096}, {0.26894142, 0.73105858, 0.0}}), 1e-6);
  // Context = a_1 h_1 + a_2 h_2 + a_3 h_3 = (a_1 + a_3, a_2 + a_3).
  // Row 0: (0.09003057 + 0.66524096, 0.24472847 + 0.66524096); row 1: (a_1, a_2).
  require_close(r.context, torch::tensor({{0.75527153, 0.90996943}, {0.26894142, 0.73105858}}),
                1e-6);
}

TEST_CASE("scaled_dot attention: hand-computed weights and context", "[attention][dot]") {
  DotAttention scaled({/*query_dim=*/2, /*value_dim=*/2}, /*scaled=*/true);
  const auto r = attend(scaled, torch::tensor({{1.0, 2.0}}), three_states().unsqueeze(0),
                        torch::ones({1, 3}, torch::kBool));
  // Scores (1, 2, 3) / √2 = (0.70710678, 1.41421356, 2.12132034);
  // softmax = exp(scores) / (2.02811498 + 4.11325038 + 8.34212500 = 14.48349036).
  require_close(r.weights, torch::tensor({{0.14002925, 0.28399541, 0.57597535}}), 1e-6);
  // Context = (a_1 + a_3, a_2 + a_3).
  require_close(r.context, torch::tensor({{0.71600459, 0.85997075}}), 1e-6);
}

TEST_CASE("dot attention: projects the keys, not the values, when sizes differ",
          "[attention][dot]") {
  DotAttention dot({/*query_dim=*/2, /*value_dim=*/3}, /*scaled=*/false);
  // The projection keeps the first two coordinates, so the keys are three_states().
  nmt::test::set_parameter(dot, "key_proj.weight",
                           torch::tensor({{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}}));
  const auto h = torch::tensor({{{1.0, 0.0, 5.0}, {0.0, 1.0, 5.0}, {1.0, 1.0, 5.0}}});  // [1, 3, 3]
  const auto r = attend(dot, torch::tensor({{1.0, 2.0}}), h, torch::ones({1, 3}, torch::kBool));
  // Scores (1, 2, 3) as in the first example; the context keeps the third coordinate:
  // (a_1 + a_3, a_2 + a_3, 5 (a_1 + a_2 + a_3)).
  require_close(r.weights, torch::tensor({{0.09003057, 0.24472847, 0.66524096}}), 1e-6);
  require_close(r.context, torch::tensor({{0.75527153, 0.90996943, 5.0}}), 1e-6);
}

TEST_CASE("dot attention: no parameters when query and value sizes agree", "[attention][dot]") {
  DotAttention dot({/*query_dim=*/4, /*value_dim=*/4}, /*scaled=*/false);
  REQUIRE(dot.parameters().empty());
}

TEST_CASE("scaled_dot attention: equals dot with the query divided by sqrt(d)",
          "[attention][dot]") {
  const int64_t dq = 4, dv = 6;  // d = Dq: the keys are projected to the query size
  DotAttention dot({dq, dv}, /*scaled=*/false), scaled({dq, dv}, /*scaled=*/true);
  nmt::test::set_parameter(scaled, "key_proj.weight", dot.named_parameters()["key_proj.weight"]);
  torch::manual_seed(1);
  const auto z = torch::randn({2, dq}, torch::kDouble);
  const auto h = torch::randn({2, 5, dv}, torch::kDouble);
  const auto mask = torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}}).to(torch::kBool);
  dot.to(torch::kDouble);
  scaled.to(torch::kDouble);
  const auto expected = attend(dot, z / std::sqrt(4.0), h, mask);
  const auto actual = attend(scaled, z, h, mask);
  require_close(actual.weights, expected.weights, 1e-12);
  require_close(actual.context, expected.context, 1e-12);
}
