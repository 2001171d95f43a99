// local_m and local_p (Luong et al. 2015, sec. 3.2): the window, the aligned position and the
// Gaussian factor against hand-computed values, and gradients of p_t's parameters.
#include <catch2/catch.hpp>
#include <cmath>

#include "attention/local_attention.h"
#include "attention/registry.h"
#include "attention_test_helpers.h"
#include "common/config.h"
#include "support/finite_difference.h"
#include "support/tensor_asserts.h"

using nmt::test::require_close;

namespace {

std::shared_ptr<nmt::LocalAttention> make_local(const std::string& type, int64_t window,
                                                const std::string& score = "dot", int64_t dim = 4) {
  nmt::AttentionConfig config;
  config.type = type;
  config.window = window;
  config.score = score;
  auto attention =
      std::dynamic_pointer_cast<nmt::LocalAttention>(nmt::make_attention(config, {dim, dim}));
  REQUIRE(attention != nullptr);
  attention->to(torch::kDouble);
  return attention;
}

// Rows of lengths 8, 6 and 3 in a batch padded to 8.
torch::Tensor mask_of_lengths_8_6_3() {
  const auto lengths = torch::tensor({8, 6, 3}, torch::kLong);
  return torch::arange(8).unsqueeze(0) < lengths.unsqueeze(1);
}

}  // namespace

TEST_CASE("local_m: weights are exactly 0 outside [t - D, t + D] and a softmax inside",
          "[attention][local]") {
  const auto attention = make_local("local_m", /*window=*/1);
  torch::manual_seed(11);
  const auto z = torch::randn({3, 4}, torch::kDouble);
  const auto h = torch::randn({3, 8, 4}, torch::kDouble);
  const auto mask = mask_of_lengths_8_6_3();
  const auto memory = attention->prepare(h, mask);
  for (int64_t t : {0, 2, 5, 9}) {
    CAPTURE(t);
    const auto r = attention->forward({z, t}, memory);
    for (int64_t b = 0; b < 3; ++b) {
      const int64_t length = mask[b].sum().item<int64_t>();
      const int64_t p = std::min(t, length - 1);  // clamped to the last real position
      // Hand-made: scores z·h inside [p - 1, p + 1] ∩ real positions, softmax there.
      auto expected = torch::zeros({8}, torch::kDouble);
      double total = 0;
      for (int64_t s = std::max<int64_t>(0, p - 1); s <= std::min(p + 1, length - 1); ++s) {
        total += std::exp((z[b] * h[b][s]).sum().item<double>());
      }
      for (int64_t s = std::max<int64_t>(0, p - 1); s <= std::min(p + 1, length - 1); ++s) {
        expected[s] = std::exp((z[b] * h[b][s]).sum().item<double>()) / total;
      }
      require_close(r.weights[b], expected, 1e-12);
      for (int64_t s = 0; s < 8; ++s) {
        if (std::abs(s - p) > 1 || s >= length) REQUIRE(r.weights[b][s].item<double>() == 0.0);
      }
    }
  }
}

TEST_CASE("local_p: p_t = S sigmoid(v tanh(W z)) lies in [0, S] of each padded row",
          "[attention][local]") {
  const auto attention = make_local("local_p", /*window=*/2);
  torch::manual_seed(12);
  const auto mask = mask_of_lengths_8_6_3();
  const auto lengths = mask.sum(1).to(torch::kDouble);
  for (double scale : {0.1, 1.0, 100.0}) {  // 100: the sigmoid saturates at 0 or 1
    const auto z = torch::randn({3, 4}, torch::kDouble) * scale;
    const auto p = attention->aligned_position({z, 0}, mask);
    REQUIRE((p >= 0).all().item<bool>());
    REQUIRE((p <= lengths).all().item<bool>());
  }
}

TEST_CASE("local_p: weights are the window softmax times a Gaussian at hand-computed positions",
          "[attention][local]") {
  const auto attention = make_local("local_p", /*window=*/2);  // sigma = 1
  // W_p = 0 gives sigmoid(0) = 1/2, so p_t = S / 2: 3 for a row of length 6.
  nmt::test::set_parameter(*attention, "position_proj.weight", torch::zeros({4, 4}));
  // Keys all zero: equal scores, so the softmax is uniform over the window's 5 positions.
  const auto h = torch::zeros({1, 8, 4}, torch::kDouble);
  const auto mask = torch::tensor({{1, 1, 1, 1, 1, 1, 0, 0}}).to(torch::kBool);
  const auto r = nmt::test::attend(*attention, torch::ones({1, 4}, torch::kDouble), h, mask);
  // 0.2 * exp(-(s - 3)^2 / 2) for s = 1..5, 0 elsewhere (s = 0 is outside, 6 and 7 padding).
  const auto expected = torch::tensor({{0.0, 0.0270670566473225, 0.1213061319425267, 0.2,
                                        0.1213061319425267, 0.0270670566473225, 0.0, 0.0}},
                                      torch::kDouble);
  require_close(r.weights, expected, 1e-12);
  REQUIRE(r.weights[0][0].item<double>() == 0.0);
}

TEST_CASE("local_p: gradients of p_t's parameters match finite differences", "[attention][local]") {
  const auto attention = make_local("local_p", /*window=*/3, "bilinear");
  torch::manual_seed(13);
  const auto z = torch::randn({3, 4}, torch::kDouble).requires_grad_();
  const auto h = torch::randn({3, 8, 4}, torch::kDouble);
  const auto mask = mask_of_lengths_8_6_3();
  const auto context_readout = torch::randn({3, 4}, torch::kDouble);
  const auto weights_readout = torch::randn({3, 8}, torch::kDouble);
  const auto loss = [&] {
    const auto r = nmt::test::attend(*attention, z, h, mask);
    return (r.context * context_readout).sum() + (r.weights * weights_readout).sum();
  };
  const auto params = attention->named_parameters();
  const std::vector<torch::Tensor> tensors = {params["position_proj.weight"],
                                              params["position_v.weight"], z};
  REQUIRE(tensors[0].numel() + tensors[1].numel() + tensors[2].numel() == 16 + 4 + 12);
  nmt::test::require_gradients_match(loss, tensors, 1e-4);
  // And p_t does reach the loss: its parameters' gradients are not all zero.
  const auto grads = torch::autograd::grad({loss()}, {params["position_v.weight"]});
  REQUIRE(grads[0].abs().sum().item<double>() > 0);
}

TEST_CASE("local types: configuration errors name the key", "[attention][local]") {
  nmt::AttentionConfig config;
  config.type = "local_p";
  config.window = 0;
  REQUIRE_THROWS_WITH(nmt::make_attention(config, {4, 4}),
                      Catch::Contains("model.attention.window"));
}
