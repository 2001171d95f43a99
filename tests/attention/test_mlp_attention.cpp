// Tests of additive (MLP) attention against a hand-computed example.
#include <catch2/catch.hpp>

#include "attention/mlp_attention.h"
#include "attention_test_helpers.h"
#include "support/tensor_asserts.h"

using nmt::MlpAttention;
using nmt::test::attend;
using nmt::test::require_close;
using nmt::test::set_parameter;

TEST_CASE("mlp attention: hand-computed weights and context", "[attention][mlp]") {
  MlpAttention mlp({/*query_dim=*/2, /*value_dim=*/2});
  // W₁ = 2I, W₂ = I and v = (1, 0.5): distinct, so a swapped W₁/W₂ or a dropped v shows.
  set_parameter(mlp, "query_proj.weight", torch::tensor({{2.0, 0.0}, {0.0, 2.0}}));
  set_parameter(mlp, "key_proj.weight", torch::tensor({{1.0, 0.0}, {0.0, 1.0}}));
  set_parameter(mlp, "v.weight", torch::tensor({{1.0, 0.5}}));
  const auto z = torch::tensor({{1.0, -1.0}, {1.0, -1.0}});                 // [2, 2]
  const auto states = torch::tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}});  // [3, 2]
  const auto mask = torch::tensor({{1, 1, 1}, {0, 1, 1}}).to(torch::kBool);
  const auto r = attend(mlp, z, torch::stack({states, states}), mask);
  // W₁z = (2, -2); W₁z + W₂h_s = (3, -2), (2, -1), (3, -1);
  // scores = tanh(x) + 0.5 tanh(y) = 0.99505475 - 0.48201379 = 0.51304096,
  //          0.96402758 - 0.38079708 = 0.58323050, 0.99505475 - 0.38079708 = 0.61425768.
  // Row 0: exp(scores) = (1.67036, 1.79182, 1.84828) / 5.31046.
  // Row 1 masks h_1: exp(0.58323050) / (exp(0.58323050) + exp(0.61425768)) = 0.49224383.
  require_close(
      r.weights,
      torch::tensor({{0.31454178, 0.33741258, 0.34804564}, {0.0, 0.49224383, 0.50775617}}), 1e-6);
  // Context = (a_1 + a_3, a_2 + a_3).
  require_close(r.context, torch::tensor({{0.66258742, 0.68545822}, {0.50775617, 1.0}}), 1e-6);
}

TEST_CASE("mlp attention: scorer hidden size is the query size", "[attention][mlp]") {
  MlpAttention mlp({/*query_dim=*/3, /*value_dim=*/5});
  const auto p = mlp.named_parameters();
  REQUIRE(p["query_proj.weight"].sizes() == torch::IntArrayRef{3, 3});
  REQUIRE(p["key_proj.weight"].sizes() == torch::IntArrayRef{3, 5});
  REQUIRE(p["v.weight"].sizes() == torch::IntArrayRef{1, 3});
  REQUIRE(p.size() == 3);  // no biases
}
