// Properties every registered attention type must have: masking, normalisation, gradients that
// match finite differences, and beam-search reordering of the memory.
#include <catch2/catch.hpp>

#include "attention/normalizer.h"
#include "attention/registry.h"
#include "attention_test_helpers.h"
#include "common/config.h"
#include "support/finite_difference.h"
#include "support/tensor_asserts.h"

using nmt::test::attend;
using nmt::test::require_close;

namespace {

// A module of `type` in double precision; heads = 2 makes multi_head split its 4 dimensions.
// Hard attention is checked here as the soft context it gives at inference with `expected`;
// its sampling and argmax are tested in test_hard_attention.cpp.
std::shared_ptr<nmt::Attention> make_double(const std::string& type, nmt::AttentionShape shape,
                                            const std::string& normalizer = "softmax") {
  nmt::AttentionConfig config;
  config.type = type;
  config.normalizer = normalizer;
  config.heads = 2;
  config.temperature = 0.5;
  config.learn_temperature = true;
  config.inference = nmt::HardInference::expected;
  auto attention = nmt::make_attention(config, shape);
  attention->to(torch::kDouble);
  attention->eval();
  return attention;
}

// Row 0 all real, row 1 with two padded positions, row 2 all padding.
torch::Tensor ragged_mask() {
  return torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}, {0, 0, 0, 0, 0}}).to(torch::kBool);
}

}  // namespace

TEST_CASE("attention registry: lists every type", "[attention][properties]") {
  REQUIRE(nmt::attention_types() ==
          std::vector<std::string>{"dot", "scaled_dot", "cosine", "mlp", "bilinear", "multi_head",
                                   "local_m", "local_p", "hard", "coverage", "location"});
}

TEST_CASE("attention types: masking and normalisation", "[attention][properties]") {
  const auto type = GENERATE(from_range(nmt::attention_types()));
  const int64_t dv = GENERATE(4, 6);  // equal and different query/value sizes
  CAPTURE(type, dv);
  const auto attention = make_double(type, {/*query_dim=*/4, dv});
  torch::manual_seed(4);
  const auto z = torch::randn({3, 4}, torch::kDouble);
  auto h = torch::randn({3, 5, dv}, torch::kDouble);
  const auto mask = ragged_mask();
  const auto r = attend(*attention, z, h, mask);
  REQUIRE(r.weights.sizes() == torch::IntArrayRef{3, 5});
  REQUIRE(r.context.sizes() == torch::IntArrayRef{3, dv});

  SECTION("padded positions get exactly zero weight") {
    REQUIRE((r.weights.masked_select(mask.logical_not()) == 0).all().item<bool>());
    REQUIRE(r.weights.masked_select(mask.logical_not()).numel() == 7);
    REQUIRE((r.weights.masked_select(mask) > 0).all().item<bool>());
  }
  SECTION("rows with a real position sum to 1 (local_p: at most 1, see local_attention.h)") {
    const auto sums = r.weights.slice(/*dim=*/0, 0, 2).sum(/*dim=*/1);
    if (type == "local_p") {
      REQUIRE((sums <= 1 + 1e-12).all().item<bool>());
    } else {
      require_close(sums, torch::ones({2}), 1e-12);
    }
  }
  SECTION("an all-padding row gives zero weights and context, not NaN") {
    require_close(r.weights[2], torch::zeros({5}), 0.0);
    require_close(r.context[2], torch::zeros({dv}), 0.0);
  }
  SECTION("the values at padded positions do not matter") {
    h = h.masked_fill(mask.logical_not().unsqueeze(2), 1e3);  // [3, 5, Dv]
    const auto padded = attend(*attention, z, h, mask);
    require_close(padded.weights, r.weights, 1e-12);
    require_close(padded.context, r.context, 1e-12);
  }
}

TEST_CASE("attention types: gradients match central finite differences",
          "[attention][properties]") {
  const auto type = GENERATE(from_range(nmt::attention_types()));
  const int64_t dv = GENERATE(4, 6);
  CAPTURE(type, dv);
  const auto attention = make_double(type, {/*query_dim=*/4, dv});
  torch::manual_seed(5);
  const auto z = torch::randn({3, 4}, torch::kDouble).requires_grad_();
  const auto h = torch::randn({3, 5, dv}, torch::kDouble).requires_grad_();
  const auto mask = ragged_mask();  // the all-padding row must not produce NaN gradients
  // Random readouts of both outputs (plain sums would hide errors: weights always sum to 1).
  const auto context_readout = torch::randn({3, dv}, torch::kDouble);
  const auto weights_readout = torch::randn({3, 5}, torch::kDouble);
  const auto loss = [&] {  // prepare() inside, so perturbing h reaches the keys too
    const auto r = attend(*attention, z, h, mask);
    return (r.context * context_readout).sum() + (r.weights * weights_readout).sum();
  };
  const auto tensors = nmt::test::parameters_and(*attention, {z, h});
  nmt::test::require_gradients_match(loss, tensors, 1e-4);
}

TEST_CASE("attention types: selecting memory rows then attending equals attending then selecting",
          "[attention][properties]") {
  const auto type = GENERATE(from_range(nmt::attention_types()));
  const int64_t dv = GENERATE(4, 6);
  CAPTURE(type, dv);
  const auto attention = make_double(type, {/*query_dim=*/4, dv});
  torch::manual_seed(6);
  const auto z = torch::randn({3, 4}, torch::kDouble);
  const auto h = torch::randn({3, 5, dv}, torch::kDouble);
  const auto memory = attention->prepare(h, ragged_mask());
  const auto rows = torch::tensor({2, 0, 0, 1}, torch::kLong);  // reorder and tile, as beams do
  const auto all = attention->forward({z}, memory);
  const auto selected = attention->forward({z.index_select(0, rows)}, memory.index_select(rows));
  require_close(selected.weights, all.weights.index_select(0, rows), 1e-12);
  require_close(selected.context, all.context.index_select(0, rows), 1e-12);
}

TEST_CASE("attention types with each normalizer: distributions over the real positions",
          "[attention][properties][normalizer]") {
  const auto type = GENERATE(from_range(nmt::attention_types()));
  const auto normalizer = GENERATE(from_range(nmt::normalizer_names()));
  CAPTURE(type, normalizer);
  const auto attention = make_double(type, {/*query_dim=*/4, /*value_dim=*/6}, normalizer);
  torch::manual_seed(7);
  const auto z = (torch::randn({3, 4}, torch::kDouble) * 3).requires_grad_();
  const auto h = torch::randn({3, 5, 6}, torch::kDouble).requires_grad_();
  const auto mask = ragged_mask();
  const auto r = attend(*attention, z, h, mask);
  REQUIRE((r.weights.masked_select(mask.logical_not()) == 0).all().item<bool>());
  REQUIRE((r.weights >= 0).all().item<bool>());
  const auto sums = r.weights.slice(/*dim=*/0, 0, 2).sum(/*dim=*/1);
  if (type == "local_p") {
    REQUIRE((sums <= 1 + 1e-12).all().item<bool>());
  } else {
    require_close(sums, torch::ones({2}, torch::kDouble), 1e-12);
  }
  require_close(r.weights[2], torch::zeros({5}, torch::kDouble), 0.0);

  const auto context_readout = torch::randn({3, 6}, torch::kDouble);
  const auto weights_readout = torch::randn({3, 5}, torch::kDouble);
  const auto loss = [&] {
    const auto out = attend(*attention, z, h, mask);
    return (out.context * context_readout).sum() + (out.weights * weights_readout).sum();
  };
  nmt::test::require_gradients_match(loss, nmt::test::parameters_and(*attention, {z, h}), 1e-4);
}

TEST_CASE("attention types: the state carried between steps", "[attention][properties]") {
  const auto type = GENERATE(from_range(nmt::attention_types()));
  CAPTURE(type);
  const auto attention = make_double(type, {/*query_dim=*/4, /*value_dim=*/6});
  torch::manual_seed(8);
  const auto z = torch::randn({3, 4}, torch::kDouble);
  const auto memory = attention->prepare(torch::randn({3, 5, 6}, torch::kDouble), ragged_mask());
  const auto first = attention->forward({z, 0}, memory);
  if (type != "coverage") {
    REQUIRE_FALSE(first.next.defined());
    return;
  }
  // Coverage: the sum of the weights so far, reordered with the rows like everything else.
  const auto second = attention->forward({z, 1, first.next}, memory);
  require_close(second.next, first.weights + second.weights, 1e-12);
  const auto rows = torch::tensor({2, 0, 0, 1}, torch::kLong);
  const auto selected = attention->forward(
      {z.index_select(0, rows), 1, first.next.index_select(0, rows)}, memory.index_select(rows));
  require_close(selected.weights, second.weights.index_select(0, rows), 1e-12);
}
