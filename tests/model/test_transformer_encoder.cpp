// The self-attention encoder: positional encodings against hand-computed values, no attention
// to padding, padding-independent outputs, and gradients of a layer against finite differences.
#include <catch2/catch.hpp>
#include <cmath>

#include "common/config.h"
#include "model/model_fixtures.h"
#include "model/transformer_encoder.h"
#include "support/finite_difference.h"
#include "support/tensor_asserts.h"

using nmt::test::require_close;

namespace {

nmt::EncoderConfig tiny_transformer_config() {
  nmt::EncoderConfig c;
  c.type = "transformer";
  c.embedding_dim = c.hidden = 8;
  c.heads = 2;
  c.ff_size = 12;
  c.layers = 2;
  c.dropout = 0.0;
  return c;
}

}  // namespace

TEST_CASE("transformer encoder: sinusoidal positional encodings", "[model][transformer]") {
  const auto pe = nmt::sinusoidal_positions(3, 4, torch::TensorOptions(torch::kDouble));
  // dim 4: frequencies 1 and 1/10000^(2/4) = 1/100.
  const auto expected =
      torch::tensor({{0.0, 1.0, 0.0, 1.0},
                     {std::sin(1.0), std::cos(1.0), std::sin(0.01), std::cos(0.01)},
                     {std::sin(2.0), std::cos(2.0), std::sin(0.02), std::cos(0.02)}},
                    torch::kDouble);
  require_close(pe, expected, 1e-12);
}

TEST_CASE("transformer encoder: no position attends to padding", "[model][transformer]") {
  torch::manual_seed(31);
  nmt::SelfAttentionLayer layer(8, 2, 12, 0.0);
  layer->to(torch::kDouble);
  const auto x = torch::randn({2, 5, 8}, torch::kDouble);
  const auto mask = torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}}).to(torch::kBool);
  const auto weights = layer->forward(x, mask).weights;  // [B, heads, S, S]
  REQUIRE(weights.sizes() == torch::IntArrayRef{2, 2, 5, 5});
  REQUIRE((weights[1].slice(/*dim=*/2, 2) == 0).all().item<bool>());  // keys 2..4 of row 1
  REQUIRE((weights[1].slice(2, 0, 2) > 0).all().item<bool>());
  require_close(weights.sum(-1), torch::ones({2, 2, 5}, torch::kDouble), 1e-12);
}

TEST_CASE("transformer encoder: padding does not change a sentence's outputs",
          "[model][transformer]") {
  torch::manual_seed(32);
  nmt::TransformerEncoder encoder(tiny_transformer_config(), {/*vocab_size=*/20});
  encoder.to(torch::kDouble);
  encoder.eval();
  const std::vector<std::vector<int64_t>> rows = {{5, 6, 7, 8, 9, 3}, {10, 11, 3}, {12, 3}};
  const auto [src, lengths] = nmt::test::pad_rows(rows);
  const auto batch = encoder.forward(src, lengths);
  REQUIRE(batch.states.sizes() == torch::IntArrayRef{3, 6, 8});
  for (size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    const auto [alone_src, alone_len] = nmt::test::pad_rows({rows[i]});
    const auto alone = encoder.forward(alone_src, alone_len);
    const auto n = static_cast<int64_t>(rows[i].size());
    require_close(batch.states[i].slice(0, 0, n), alone.states[0], 1e-10);
    require_close(batch.summary[i], alone.summary[0], 1e-10);
    require_close(batch.states[i].slice(0, n), torch::zeros({6 - n, 8}, torch::kDouble), 0.0);
  }
  REQUIRE(batch.mask.sum().item<int64_t>() == 11);
}

TEST_CASE("transformer encoder: a layer's gradients match finite differences",
          "[model][transformer]") {
  torch::manual_seed(33);
  nmt::SelfAttentionLayer layer(4, 2, 6, 0.0);
  layer->to(torch::kDouble);
  const auto x = torch::randn({2, 3, 4}, torch::kDouble).requires_grad_();
  const auto mask = torch::tensor({{1, 1, 1}, {1, 1, 0}}).to(torch::kBool);
  const auto readout = torch::randn({2, 3, 4}, torch::kDouble);
  const auto loss = [&] { return (layer->forward(x, mask).states * readout).sum(); };
  const auto tensors = nmt::test::parameters_and(*layer, {x});
  nmt::test::require_gradients_match(loss, tensors, 1e-4);
}

TEST_CASE("transformer encoder: size errors name the key", "[model][transformer]") {
  auto config = tiny_transformer_config();
  config.heads = 3;
  REQUIRE_THROWS_WITH(nmt::TransformerEncoder(config, {20}),
                      Catch::Contains("model.encoder.heads"));
  config = tiny_transformer_config();
  config.embedding_dim = 6;
  REQUIRE_THROWS_WITH(nmt::TransformerEncoder(config, {20}),
                      Catch::Contains("model.encoder.embedding_dim"));
}
