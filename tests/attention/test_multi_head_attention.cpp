// Tests of multi-head attention: a hand-computed two-head example, the one-head case against
// scaled_dot, and the check of the head count.
#include <catch2/catch.hpp>

#include "attention/dot_attention.h"
#include "attention/multi_head_attention.h"
#include "attention/registry.h"
#include "attention_test_helpers.h"
#include "common/config.h"
#include "common/errors.h"
#include "support/tensor_asserts.h"

using nmt::MultiHeadAttention;
using nmt::test::attend;
using nmt::test::require_close;

namespace {

// Every projection of `attention` set to the identity matrix (all are D x D here).
void set_identity_projections(MultiHeadAttention& attention, int64_t d) {
  for (const auto& name : {"query_proj", "key_proj", "value_proj", "out_proj"}) {
    nmt::test::set_parameter(attention, std::string(name) + ".weight", torch::eye(d));
  }
}

}  // namespace

TEST_CASE("multi_head attention: hand-computed two-head example", "[attention][multi_head]") {
  MultiHeadAttention attention({/*query_dim=*/2, /*value_dim=*/2}, /*heads=*/2);
  set_identity_projections(attention, 2);
  nmt::test::set_parameter(attention, "out_proj.weight", torch::tensor({{0.0, 1.0}, {1.0, 0.0}}));
  const auto h = torch::tensor({{{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}}});  // [1, 3, 2]
  const auto r =
      attend(attention, torch::tensor({{1.0, 2.0}}), h, torch::ones({1, 3}, torch::kBool));
  // Head i sees coordinate i only, with d_k = 1 (no scaling).
  // Head 1: z = 1, keys (1, 0, 1): scores (1, 0, 1), weights (e, 1, e) / (2e + 1) =
  //   (0.42231880, 0.15536240, 0.42231880); context 1·a_1 + 0·a_2 + 1·a_3 = 0.84463760.
  // Head 2: z = 2, keys (0, 1, 1): scores (0, 2, 2), weights (1, e², e²) / (1 + 2e²) =
  //   (0.06337894, 0.46831053, 0.46831053); context a_2 + a_3 = 0.93662106.
  // Returned weights: the mean of the heads.
  require_close(r.weights, torch::tensor({{0.24284887, 0.31183647, 0.44531466}}), 1e-6);
  // Concatenation (0.84463760, 0.93662106), then the output projection swaps it.
  require_close(r.context, torch::tensor({{0.93662106, 0.84463760}}), 1e-6);
}

TEST_CASE("multi_head attention: one head with identity projections equals scaled_dot",
          "[attention][multi_head]") {
  const int64_t d = 4;
  MultiHeadAttention multi_head({d, d}, /*heads=*/1);
  set_identity_projections(multi_head, d);
  nmt::DotAttention scaled_dot({d, d}, /*scaled=*/true);
  multi_head.to(torch::kDouble);
  torch::manual_seed(3);
  const auto z = torch::randn({2, d}, torch::kDouble);
  const auto h = torch::randn({2, 5, d}, torch::kDouble);
  const auto mask = torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}}).to(torch::kBool);
  const auto expected = attend(scaled_dot, z, h, mask);
  const auto actual = attend(multi_head, z, h, mask);
  require_close(actual.weights, expected.weights, 1e-12);
  require_close(actual.context, expected.context, 1e-12);
}

TEST_CASE("multi_head attention: heads must divide the query size", "[attention][multi_head]") {
  nmt::AttentionConfig config;
  config.type = "multi_head";
  config.heads = GENERATE(0, 3, 5);
  CAPTURE(config.heads);
  REQUIRE_THROWS_AS(nmt::make_attention(config, {/*query_dim=*/4, /*value_dim=*/6}),
                    nmt::ConfigError);
  REQUIRE_THROWS_WITH(nmt::make_attention(config, {4, 6}),
                      Catch::Contains("model.attention.heads"));
  config.heads = 2;
  REQUIRE_NOTHROW(nmt::make_attention(config, {4, 6}));
}

TEST_CASE("multi_head attention: memory holds per-head keys and values",
          "[attention][multi_head]") {
  MultiHeadAttention attention({/*query_dim=*/4, /*value_dim=*/6}, /*heads=*/2);
  const auto memory = attention.prepare(torch::randn({3, 5, 6}), torch::ones({3, 5}, torch::kBool));
  REQUIRE(memory.keys.sizes() == torch::IntArrayRef{3, 2, 5, 2});    // [B, H, S, D/H]
  REQUIRE(memory.values.sizes() == torch::IntArrayRef{3, 2, 5, 2});  // [B, H, S, D/H]
}
