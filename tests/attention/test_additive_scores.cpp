// additive_scores (the MLP attention's vᵀ tanh(keys + shift), which recomputes the tanh in its
// backward pass instead of keeping it): the values and gradients of the plain expression, and
// gradients in each input's type when the inputs' types differ (bf16 keys under autocast).
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "attention/additive_scores.h"
#include "model/cpu_autocast.h"

namespace {

struct Inputs {
  torch::Tensor keys, shift, v;
};

Inputs leaf_inputs(const std::vector<int64_t>& shift_shape, torch::Dtype keys_type) {
  torch::manual_seed(3);
  auto keys = torch::randn({2, 5, 4}, torch::kDouble).to(keys_type).requires_grad_();
  auto shift = torch::randn(shift_shape, torch::kDouble).to(keys_type).requires_grad_();
  auto v = torch::randn({1, 4}, torch::kDouble).requires_grad_();
  return {keys, shift, v};
}

}  // namespace

TEST_CASE("additive scores: values and gradients of v·tanh(keys + shift)", "[attention][mlp]") {
  const auto shift_shape = GENERATE(std::vector<int64_t>{2, 1, 4}, std::vector<int64_t>{2, 5, 4});
  CAPTURE(shift_shape);
  auto fused = leaf_inputs(shift_shape, torch::kDouble);
  auto plain = leaf_inputs(shift_shape, torch::kDouble);
  const auto weights = torch::randn({2, 5}, torch::kDouble);  // a downstream use of the scores

  const auto fused_scores = nmt::additive_scores(fused.keys, fused.shift, fused.v);
  const auto plain_scores =
      torch::matmul(torch::tanh(plain.keys + plain.shift), plain.v.t()).squeeze(-1);
  REQUIRE(fused_scores.sizes() == torch::IntArrayRef({2, 5}));
  CHECK(torch::allclose(fused_scores, plain_scores, 1e-12, 1e-12));

  (fused_scores * weights).sum().backward();
  (plain_scores * weights).sum().backward();
  CHECK(torch::allclose(fused.keys.grad(), plain.keys.grad(), 1e-12, 1e-12));
  CHECK(torch::allclose(fused.shift.grad(), plain.shift.grad(), 1e-12, 1e-12));
  CHECK(torch::allclose(fused.v.grad(), plain.v.grad(), 1e-12, 1e-12));
  CHECK(fused.shift.grad().sizes() == fused.shift.sizes());
  CHECK(fused.keys.grad().abs().sum().item<double>() > 0);
}

TEST_CASE("additive scores: under bf16 autocast each gradient comes back in its input's type",
          "[attention][mlp]") {
  torch::manual_seed(3);
  // As in training: the keys and the query come out of bf16 matmuls, v is an fp32 parameter.
  auto keys = torch::randn({2, 5, 4}).to(torch::kBFloat16).requires_grad_();
  auto shift = torch::randn({2, 1, 4}).to(torch::kBFloat16).requires_grad_();
  auto v = torch::randn({1, 4}).requires_grad_();
  const auto scores = [&] {
    const nmt::CpuBf16Autocast autocast(true);
    return nmt::additive_scores(keys, shift, v);
  }();
  const auto expected =
      torch::matmul(torch::tanh(keys.detach().to(torch::kFloat) + shift.detach().to(torch::kFloat)),
                    v.detach().t())
          .squeeze(-1);
  CHECK(torch::allclose(scores.to(torch::kFloat), expected, 0.02, 0.02));
  scores.to(torch::kFloat).sum().backward();
  CHECK(keys.grad().scalar_type() == torch::kBFloat16);
  CHECK(shift.grad().scalar_type() == torch::kBFloat16);
  REQUIRE(v.grad().defined());
  CHECK(v.grad().scalar_type() == torch::kFloat);
  CHECK(v.grad().abs().sum().item<double>() > 0);
}
